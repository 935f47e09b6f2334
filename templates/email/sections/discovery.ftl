<#-- Discovery zone, plain text. -->
<#import "/email/lib/components.ftl" as c>
${c.heading(c.pick(section.heading!"", "Discovery zone"))}

${section.blurb?trim}

${c.link(c.pick(section.linkText!"", "Take a look"), section.url)}
