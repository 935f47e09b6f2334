<#-- Chart of the week, plain text. -->
<#import "/email/lib/components.ftl" as c>
${c.heading(c.pick(section.heading!"", "Chart of the week"))}

${c.title(section.title)}

[Chart: ${section.altText}]
${c.link("See the chart", section.imageUrl)}

${section.caption?trim}

<#if section.sourceName?has_content>
Source: ${section.sourceName} <${section.sourceUrl}>
<#else>
Source: ${section.sourceUrl}
</#if>
