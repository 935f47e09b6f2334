<#-- Image / meme, plain text. -->
<#import "/email/lib/components.ftl" as c>
${c.heading(c.pick(section.heading!"", "Meme of the week"))}

<#if section.title?has_content>
${c.title(section.title)}

</#if>
[Image: ${section.altText}]
${c.link("See the image", section.imageUrl)}
<#if section.caption?has_content>

${section.caption?trim}
</#if>
