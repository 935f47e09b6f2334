<#--
  Helpers for the plain-text email templates. Import with:
    <#import "/email/lib/components.ftl" as c>
  Plain text: nothing is escaped. These are functions (not macros) so that the
  calling template controls every line break.
-->

<#-- Returns value when it is present and not empty, otherwise fallback. -->
<#function pick value fallback>
  <#if value?has_content><#return value></#if>
  <#return fallback>
</#function>

<#-- Section heading: upper case, underlined with "=". -->
<#function heading text>
  <#local t = text?upper_case>
  <#return t + "\n" + ""?left_pad(t?length, "=")>
</#function>

<#-- Item title: as written, underlined with "-". -->
<#function title text>
  <#return text + "\n" + ""?left_pad(text?length, "-")>
</#function>

<#-- A labelled link: "Label: https://..." -->
<#function link label url>
  <#return label + ": " + url>
</#function>

<#-- Wraps text in curly quotes unless the author already quoted it. -->
<#function quoted text>
  <#list ["\"", "“", "„", "«", "'", "‘"] as q>
    <#if text?starts_with(q)><#return text></#if>
  </#list>
  <#return "“" + text + "”">
</#function>

<#-- Separator between sections. -->
<#assign rule = ""?left_pad(60, "-")>
