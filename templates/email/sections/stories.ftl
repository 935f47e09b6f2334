<#-- Short stories, plain text. -->
<#import "/email/lib/components.ftl" as c>
${c.heading(c.pick(section.heading!"", "Around the watercooler"))}

<#list section.items as item>
${c.title(item.headline)}

${item.body?trim}
<#if item.url?has_content>

${c.link(c.pick(item.linkText!"", "Read more"), item.url)}
</#if>
<#sep>

* * *

</#sep>
</#list>
