<#-- Link list, plain text. -->
<#import "/email/lib/components.ftl" as c>
${c.heading(c.pick(section.heading!"", "Deep dives from the archives"))}

<#if section.title?has_content>
${section.title}

</#if>
<#list section.items as item>
* ${item.title}
  <${item.url}>
<#if item.note?has_content>
  ${item.note}
</#if>
<#sep>

</#sep>
</#list>
