"""The fragments messages are assembled from around a topic's own text: greetings, requests,
sign-offs, staff acknowledgements and next steps, client follow-ups, notes, summaries."""

from __future__ import annotations

from . import alts

GREET = alts("Hello,|Hi,|Good morning,|Dear support,|Hello team,|Hi there,|Good afternoon,")
ASKS = alts(
    "Can you please check?|Please help as soon as possible.|What should I do?|Could you look "
    "into it today?|Please advise.|Let me know if you need anything from me.|Thanks in advance."
)
SIGN = alts("Thanks,|Best regards,|Kind regards,|Cheers,|Regards,|Thank you,")
ACK = alts(
    "Thank you for contacting us.|Thanks for the details.|Sorry for the trouble.|Thanks for "
    "your patience.|Thank you for reporting this.|Thanks for the quick reply."
)
NEXT = alts(
    "Please let us know if the problem persists.|Could you check on your side and confirm?|"
    "If anything is still wrong, just reply to this ticket.|We'll keep an eye on it for the "
    "next few hours.|Could you send us a screenshot if you see it again?"
)
FOLLOW = alts(
    "Thank you, it works now.|Still the same problem, I've just tried again.|Any update on "
    "this? It's been {days} days.|I tried that but I still get \"{error}\".|Thanks! One more "
    "question: is this covered by my plan?|It works on my phone but not on the office network."
    "|Sorry, I forgot to mention: the domain is {domain}.|Great, thanks for the fast help.|"
    "Can you call me? My number is in my account.|Here are the details you asked for: "
    "{ip}, user {user}."
)
NOTES = alts(
    "Escalated to second level.|Waiting for the network team.|Client called, explained on the "
    "phone.|Same issue as last month, see the previous ticket.|Be careful, client is upset.|"
    "Checked the logs, nothing obvious.|Do not refund without the head's approval."
)
SUMMARIES = alts(
    "Waiting for client's credentials.|Recurring issue, check monthly.|Fixed; watch for a week."
    "|Needs a node migration.|Client wants a callback.|Refund approved by Billing."
)
ABUSE_KINDS = alts("spam|phishing|malware|brute force|copyright|ddos|open proxy")
HELLO = alts("Hello|Hi|Dear|Good morning")
HOLDING = alts(
    "We are looking into it and will get back to you shortly.|I've forwarded this to our "
    "engineers; expect an answer today.|Could you tell us when exactly this started?|Please "
    "send us the full error message and the steps to reproduce it.|Done, please check."
)
PREFIX = ("", "", "", "", "", "", "Urgent: ", "Re: ", "Question: ", "URGENT - ", "Help: ")
SUFFIX = ("", "", "", "", "", "", " - please help", " (again)", "!", " asap", " (urgent)")
