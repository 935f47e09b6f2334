<#-- Lead essay, plain text. -->
<#import "/email/lib/components.ftl" as c>
<#if section.heading?has_content>
${c.heading(section.heading)}

</#if>
<#if section.kicker?has_content>
${section.kicker?upper_case}
</#if>
${c.title(section.headline)}

<#if section.pullQuote?has_content>
    ${c.quoted(section.pullQuote)}

</#if>
${section.body?trim}
