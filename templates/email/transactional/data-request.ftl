<#--
  Plain-text mail with the link to download or erase one's data. Model: newsletter.name, erase (boolean), url,
  validMinutes, postalAddress.
-->
<#if erase>
Erase your data

Someone (hopefully you) asked on your preferences page to erase everything ${newsletter.name} keeps about this
address. To erase it, open this link and press the button on the page. This cannot be undone.
<#else>
Your data

Someone (hopefully you) asked on your preferences page for a copy of everything ${newsletter.name} keeps about
this address. To download it, open this link and press the button on the page:
</#if>

${url}

The link works for ${validMinutes} minutes. If you did not ask for this, ignore this email: nothing happens.

--
${newsletter.name} · ${postalAddress}
