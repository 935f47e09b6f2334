<#--
  Per-subscriber plain-text layout. Same model as issue.ftlh, except sections[].body is
  plain text and there is no pixelUrl.
-->
<#import "/email/lib/components.ftl" as c>
<#assign greetName = (subscriber.firstName)!"there">
<#macro share>
SHARE THIS ISSUE
Know someone who would like ${newsletter.name}? Forward this email to a
teammate, or send them the link to this issue:
${links.share}

${c.rule}

</#macro>
${c.heading(newsletter.name)}
${subject}

View this issue in your browser: ${links.webView}

Hi ${greetName}, here is this week's issue.

${c.rule}

<#list sections as s>
${s.body?trim}

${c.rule}

<#if s?is_first>
<@share/>
</#if>
<#else>
<@share/>
</#list>
${footer.reason}

Unsubscribe from ${footer.listName}: ${links.unsubscribe}
Manage your preferences: ${links.preferences}

${newsletter.name}, ${footer.postalAddress}
