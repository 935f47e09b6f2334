<#-- Events, plain text. -->
<#import "/email/lib/components.ftl" as c>
${c.heading(c.pick(section.heading!"", "Events"))}

<#list section.items as event>
${c.title(event.name)}

When:   ${event.start.display}
<#if event.place?has_content>
Where:  ${event.place}
</#if>
<#if event.onlineUrl?has_content>
Online: ${event.onlineUrl}
</#if>

${event.description?trim}

${c.link("Sign up", event.signupUrl)}
<#sep>

* * *

</#sep>
</#list>
