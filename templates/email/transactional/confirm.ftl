<#--
  Plain-text double opt-in mail. Model: newsletter.name, listName, confirmUrl? (absent: the address is
  already subscribed), preferencesUrl, postalAddress.
-->
<#if confirmUrl??>
Please confirm your subscription

Someone (hopefully you) asked to subscribe this address to ${listName} from ${newsletter.name}.
To confirm, open this link and press the button on the page:

${confirmUrl}

If you did not ask for this, ignore this email: nothing will be sent to you.
<#else>
You are already subscribed

Someone (hopefully you) asked to subscribe this address to ${listName} from ${newsletter.name},
and it is already subscribed, so nothing has changed.

To change what you get, or to leave, open your preferences:
${preferencesUrl}
</#if>

--
${newsletter.name} · ${postalAddress}
