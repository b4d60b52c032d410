"""The rules of :mod:`complaint_themes.safeguarding`: shared word patterns, each kind's
triggers and guards, and the table of rules that ties them together.

Patterns are written as alternations of words with ``\\b`` boundaries and compiled by
:func:`~complaint_themes.risk_regex._rx` (lower case, regrouped by first letter, which keeps
thousands of texts a second).
Add a wording to a kind's trigger; add an innocent use of the same words to its guard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .risk_regex import _rx

# Shared fragments. Texts are matched after curly quotes become straight ones.
_NOT = r"(?:can'?t|cannot|can\s+not|couldn'?t|could\s+not)"
_SELF = r"(?:myself|meself|himself|herself|themselves|themself|yourself|ourselves)"
_OBJ = r"(?:me|us|him|her|them|you)"
_CHILD = (r"(?:child|children|childs|kids?|bab(?:y|ies|ys)|toddlers?|infants?|newborns?|sons?|"
          r"daughters?|step-?(?:son|daughter)s?|grand(?:son|daughter|child|kid)s?|"
          r"grandchildren|boys?|girls?|teen(?:ager)?s?|minors?|pupils?|youngsters?|"
          r"little\s+ones?|(?:1[0-7]|[1-9])[- ]?(?:year|yr)s?[- ]?old|\d{1,2}[- ]?months?[- ]?old)")
_ELDER = (r"(?:elderly|frail|pensioners?|older\s+(?:person|people|adults?|residents?|tenants?|"
          r"m[ae]n|wom[ae]n|lady|ladies|gentleman|couple|relatives?|parents?|mum|mother|dad|"
          r"father|neighbours?)|(?:[6-9]\d|1[01]\d)[- ]?(?:year|yr)s?[- ]?old|"
          r"aged\s+(?:[7-9]\d|1[01]\d)|in\s+(?:his|her|their)\s+(?:[789]0s|seventies|eighties|"
          r"nineties))")
_VULNERABLE = (r"(?:vulnerable|disabled|disabilit(?:y|ies)|dementia|alzheimer'?s?|learning\s+"
               r"(?:difficult|disabilit)\w*|autis(?:m|tic)|bed-?bound|housebound|wheelchair|"
               r"carers?|cared\s+for|care\s+(?:home|package|plan|workers?|staff|agency|visits?)|"
               r"nursing\s+home|in\s+care|foster\w*|looked[- ]after|patients?|registered\s+blind|"
               r"deaf|stroke|terminal(?:ly)?\s+ill|mental\s+health|special\s+needs|ehcp)")
_FAMILY = (r"(?:mum|mums|mother|mam|mom|dad|father|nan|nana|nanna|gran|granny|grandma|"
           r"grandmother|gran?dad|grandpa|grandfather|grandparents?|parents?|aunt|auntie|uncle|"
           r"husband|wife|partner|brother|sister)")
# An age of 75 or more written as "my dad is 89", "I'm 84", "she's 83", "aged 80", "89 years of
# age" (not "is 80 pounds", "is 90 minutes").
_AGE_ELDER = (r"(?:(?:is|i'?m|i\s+am|she'?s|he'?s|who'?s|who\s+is|aged?|turned|turns|now)\s+"
              r"(?:7[5-9]|[89]\d|1[01]\d)(?!\d|[.,:/]\d)(?!\s*(?:%|percent|p\b|pence|pounds?|quid|"
              r"minutes?|mins?|hours?|hrs?|days?|weeks?|months?|times?|calls?|metres?|meters?|miles?|"
              r"degrees?|mph|kg|stone|pages?|items?|people|houses|flats|emails?|letters?))|"
              r"(?:7[5-9]|[89]\d|1[01]\d)\s+years\s+of\s+age)")
_VULN_CUE = rf"\b(?:{_CHILD}|{_ELDER}|{_VULNERABLE}|{_AGE_ELDER})\b"
_HIT = (r"(?:hit|hits|hitting|slap(?:s|ped|ping)?|smack(?:s|ed|ing)?|punch(?:es|ed|ing)?|"
        r"kick(?:s|ed|ing)?|shov(?:e|es|ed|ing)|push(?:es|ed|ing)?|grabb?(?:s|ed|ing)?|"
        r"rough(?:ly)?[- ]?handl\w*|restrain(?:s|ed|ing|t)?|assault(?:s|ed|ing)?|"
        r"attack(?:s|ed|ing)?|beat(?:s|en|ing)?|strangl\w+|chok(?:ed|ing))")

# ---------------------------------------------------------------------------- self_harm
_SELF_HARM = _rx(
    r"\bsuicid(?:e|es|al|ality)\b",
    rf"\b(?:kill|killed|killing|kills|hang|hanged|hanging)\s+{_SELF}\b",
    r"\bself[- ]?harm(?:s|ed|ing)?\b",
    rf"\b(?:harm|harmed|harming|hurt|hurting|cut|cutting|burn(?:t|ed|ing)?|injur(?:e|ed|ing)|"
    rf"starv(?:e|ed|ing))\s+{_SELF}\b",
    r"\bover-?dos(?:e|es|ed|ing)\b", r"\bod'd\b", r"\b(?:took|taken|take|taking)\s+an\s+od\b",
    r"\b(?:take|took|taken|taking|end|ended|ending|ends)\s+(?:my|his|her|their|your)\s+"
    r"(?:own\s+)?life\b",
    r"\bend(?:ed|ing|s)?\s+it\s+all\b",
    r"\b(?:want|wants|wanted|wanting)\s+to\s+die\b",
    r"\bwish(?:ed)?\s+(?:i|he|she|they)\s+(?:was|were|had|'d)\s+(?:dead|died|never\s+been\s+born)\b",
    r"\b(?:better\s+off|rather\s+be|sooner\s+be)\s+dead\b", r"\bbetter\s+off\s+without\s+me\b",
    r"\b(?:don'?t|do\s+not|doesn'?t|does\s+not|didn'?t|did\s+not)\s+want\s+to\s+(?:live|be\s+"
    r"(?:alive|here)|wake\s+up|go\s+on|carry\s+on)\b",
    rf"\b{_NOT}\s+(?:go|carry)\s+on\b",
    r"\bno\s+(?:point|reason|purpose)\s+(?:in\s+|to\s+|of\s+)?(?:living|life|live|going\s+on|"
    r"go\s+on|carrying\s+on|carry\s+on|being\s+(?:here|alive)|be\s+(?:here|alive)|anything|"
    r"waking\s+up|wake\s+up)\b",
    r"\bno\s+point\s+(?:in\s+anything\s+)?any\s?more\b",
    r"\bwhat(?:'?s|\s+is)\s+the\s+point\s+(?:in\s+|of\s+)?(?:living|life|going\s+on|"
    r"carrying\s+on|anything|any\s?more)\b",
    r"\bnothing\s+(?:left\s+)?to\s+live\s+for\b", r"\b(?:not|isn'?t)\s+worth\s+living\b",
    r"\b(?:thoughts|thinking|thought)\s+(?:of|about)\s+(?:ending|taking|killing|harming|hurting)\b",
    rf"\b(?:throw|threw|throwing|jump|jumped|jumping)\s+(?:{_SELF}\s+)?(?:off|from|in\s+front\s+"
    r"of)\s+(?:a|the)\s+(?:bridge|train|building|roof|balcony|cliff|motorway|bus)\b",
    r"\b(?:see|saw|seeing|feel|felt|there'?s|there\s+is)\s+no\s+way\s+out\b",
    r"\bstockpil\w*\s+(?:my\s+|his\s+|her\s+)?(?:pills|tablets|medication|meds)\b",
    r"\b(?:took|taken|swallowed)\s+(?:a\s+(?:load|handful|bottle)\s+of|all\s+(?:of\s+)?"
    r"(?:my|his|her|their|the))\s+(?:pills|tablets|paracetamol|medication|meds)\b",
    r"\bgive\s+up\s+on\s+life\b|\bgave\s+up\s+on\s+life\b", r"\bsamaritans\b",
    r"\b(?:want(?:ed)?\s+to|going\s+to|thinking\s+(?:of|about)|feel\s+like|felt\s+like|tempted\s+"
    r"to)\s+end(?:ing)?\s+(?:it|things|everything)\b(?!\s+(?:with|here|there))",
    r"\b(?:see|find|is)\s+(?:the|any)\s+point\s+(?:in|of)\s+(?:living|life|going\s+on|carrying\s+"
    r"on|anything)\b",
    r"\btoo\s+many\s+(?:pills|tablets|paracetamol|painkillers)\b", r"\bdark\s+thoughts\b",
    r"\b(?:not|never)\s+wake\s+up\b|\bnot\s+(?:be\s+)?(?:here|around)\s+(?:any\s?more|much\s+longer)\b",
    r"\bhow\s+(?:much\s+)?longer\s+i\s+can\s+(?:go\s+on|carry\s+on|keep\s+going)\b",
    r"\bmental\s+health\s+crisis\b",
    r"\bwant(?:s|ed)?\s+(?:it\s+all|everything)\s+to\s+(?:stop|end|be\s+over)\b",
    r"\b(?:disappear|vanish)\s+(?:for\s+good|forever|for\s+ever)\b",
)
_SELF_HARM_GUARD = _rx(
    r"\b(?:career|political|commercial|financial|social)\s+suicide\b",
    rf"\bkill(?:ed|ing|s)?\s+{_SELF}\s+(?:laughing|working|trying|to\s+(?:get|make|pay|keep|meet|"
    r"finish|fix|sort))\b",
    rf"\b(?:hurt|cut|injured|burnt|burned|harmed)\s+{_SELF}\s+(?:on|when|while|whilst|falling|"
    r"tripping|slipping|lifting|by\s+(?:falling|tripping|slipping))\b",
    rf"\b(?:fell|tripped|slipped)\b.{{0,40}}\b(?:hurt|injured|cut)\s+{_SELF}\b",
    r"\b(?:no|not|never|denies|denied|without)\s+(?:any\s+)?(?:current\s+)?(?:thoughts\s+of\s+|"
    r"history\s+of\s+|intent(?:ion)?\s+(?:of|to)\s+|risk\s+of\s+)?(?:self[- ]?harm\w*|suicid\w*)",
    rf"\b{_NOT}\s+(?:go|carry)\s+on\s+(?:paying|waiting|ringing|calling|phoning|chasing|working|"
    r"funding|affording|taking|sending|writing|e-?mailing|driving|travelling|using)\b",
    r"\b(?:gave|given|giving|administered)\s+(?:\w+\s+){0,3}?(?:an?\s+)?overdose\b",
    rf"\b(?:it|this|that|things|(?:the|this|that)\s+(?:situation|arrangement))\s+{_NOT}\s+"
    r"(?:go|carry)\s+on\b",
    r"\bto\s+die\s+(?:at\s+home|in\s+(?:peace|hospital|a\s+hospice|dignity|comfort))\b",
)

# ------------------------------------------------------------------------ person_at_risk
_PERSON = _rx(
    r"\bdomestic(?:ally)?\s+(?:abuse|abused|abusive|violence|violent|incidents?)\b",
    r"\bcoercive(?:\s+and\s+controlling)?\s+(?:control|behaviour)\b",
    r"\bcontrolling\s+(?:partner|ex|husband|wife|boyfriend|girlfriend|behaviour|relationship)\b",
    r"\babus(?:e|es|ed|er|ers|ing|ive)\b",
    r"\b(?:self-?)?neglect(?:ed|ing|ful|s)?\b",
    r"\bexploit(?:ed|ing|s|ation|ative)\b",
    r"\bgroom(?:ed|ing)\b", r"\bcounty\s+lines\b", r"\bcuckoo(?:ed|ing)\b",
    r"\btraffick(?:ed|ing|ers?)\b", r"\bmodern\s+slavery\b", r"\bforced\s+marriage\b",
    r"\bfgm\b|\bfemale\s+genital\s+mutilation\b", r"\bchild\s+protection\b",
    r"\bsafeguard(?:ing|s|ed)?\b",
    r"\b(?:without|with\s+no|with\s+nothing\s+to)\s+(?:any\s+|his\s+|her\s+|their\s+|my\s+|"
    r"enough\s+)?(?:food|water|drink|fluids|meals?|eat|medication|medicines?|meds|tablets|"
    r"insulin|inhaler|oxygen|carers?|personal\s+care|a\s+carer|a\s+care\s+package|"
    r"help\s+to\s+(?:eat|wash|dress|get)|being\s+(?:fed|washed|changed|turned))\b",
    r"\b(?:left|leave|leaving|went|gone|been|was|were)\s+(?:\w+\s+){0,2}?(?:without|with\s+no)\s+"
    r"(?:any\s+)?care\b",
    r"\b(?:no|nothing)\s+(?:food|water|medication|meds|insulin|to\s+eat)\s+(?:for|in)\s+"
    r"(?:\d+|a|two|three|four|five|several|days?|hours?)\b",
    r"\b(?:hasn'?t|has\s+not|haven'?t|have\s+not|hadn'?t|had\s+not|didn'?t|did\s+not|wasn'?t|"
    r"was\s+not|weren'?t|were\s+not|isn'?t|not\s+been|not|never)\s+(?:been\s+|being\s+)?(?:eaten|"
    r"fed|given\s+"
    r"(?:any\s+)?(?:food|water|a\s+drink|drinks|(?:his|her|their|any)\s+(?:medication|meds|"
    r"tablets|insulin))|checked\s+on)\b",
    r"\b(?:hasn'?t|has\s+not|haven'?t|have\s+not|hadn'?t|had\s+not|didn'?t|did\s+not|not|never|"
    r"wasn'?t)\s+(?:been\s+)?(?:had|get|got|given|receive[ds]?|received)\s+(?:any\s+|his\s+|her\s+|"
    r"their\s+|my\s+)?(?:medication|meds|medicine|insulin|tablets|food|meals?|dinner|lunch|"
    r"breakfast|anything\s+to\s+(?:eat|drink))\b|\bmissed\s+(?:his|her|their|my)\s+(?:medication|"
    r"meds|insulin|doses?|tablets)\b",
    r"\b(?:ex|partner|husband|wife|boyfriend|girlfriend)\s+(?:is|was|has\s+been)\s+(?:very\s+|so\s+)?"
    r"controlling\b|\b(?:scared|frightened|afraid|terrified)\s+(?:of|for)\s+(?:my\s+)?(?:ex|"
    r"partner|husband|wife|boyfriend|girlfriend)\b",
    r"\b(?:carers?|care\s+workers?|care\s+agency|home\s+care)\s+(?:\w+\s+){0,3}?(?:didn'?t|"
    r"did\s+not|don'?t|do\s+not|doesn'?t|does\s+not|never|failed\s+to|haven'?t|have\s+not|"
    r"hasn'?t|has\s+not|not)\s+(?:\w+\s+)?(?:turn(?:ed)?\s+up|come|came|arrived?|show(?:ed)?"
    r"\s+up|attend(?:ed)?|visit(?:ed)?)\b",
    r"\bmissed\s+care\s+(?:calls?|visits?)\b|\bcare\s+(?:calls?|visits?)\s+(?:\w+\s+){0,2}?missed\b",
    r"\b(?:pressure|bed)[- ]?(?:sores?|ulcers?)\b|\bbedsores?\b",
    r"\b(?:malnourished|malnutrition|dehydrated|dehydration)\b",
    r"\b(?:lying|lay|left|sitting|sat)\s+(?:\w+\s+){0,3}?in\s+(?:his|her|their|my)\s+own\s+"
    r"(?:urine|faeces|feces|excrement|mess|waste|vomit)\b",
    r"\bsoiled\s+(?:bed|bedding|sheets|pads?|clothes|clothing|nappy|nappies)\b",
    r"\b(?:left|lying|lay)\s+on\s+the\s+floor\s+for\s+(?:\w+\s+){0,2}?(?:hours|nights?|days?|"
    r"ages)\b",
    r"\bunsafe(?:ly)?\s+discharged?\b|\bdischarged\s+(?:\w+\s+){0,6}?(?:without|with\s+no)\s+"
    r"(?:any\s+)?(?:care|support|carers?|a\s+care\s+package|package|food|medication)\b",
    r"\bhome\s+alone\b",
    r"\b(?:lying|lay|left|sitting|sat|sleeping|slept)\s+(?:\w+\s+){0,3}?in\s+(?:a\s+|her\s+|his\s+|"
    r"their\s+)?(?:wet|soaking|soaked|sodden|soiled|dirty|filthy)\s+(?:bed|sheets|bedding|pads?|"
    r"nappy|nappies|clothes|clothing)\b",
    r"\b(?:living|lived|lives|surviving|survived)\s+on\s+(?:nothing\s+but\s+|just\s+|only\s+)?"
    r"(?:biscuits|crisps|toast|dry\s+bread|cups\s+of\s+tea|tea\s+and\s+biscuits|cereal)\b",
    r"\bcontrol(?:s|led|ling)?\s+(?:all\s+(?:of\s+)?)?(?:his|her|their|my)\s+(?:money|finances|"
    r"bank\s+(?:card|account)|benefits|pension|phone|cards?)\b",
    r"\b(?:he|she|partner|husband|wife|boyfriend|girlfriend|ex)\s+(?:won'?t|doesn'?t|does\s+not|"
    r"will\s+not|never)\s+let(?:s)?\s+(?:me|her|him)\s+(?:go\s+out|leave\s+the\s+(?:house|flat)|"
    r"see\s+(?:my|her|his)\s+(?:friends|family)|have\s+(?:my|her|his)\s+own|use\s+the\s+phone|"
    r"have\s+a\s+phone|have\s+any\s+money)\b",
    r"\b(?:gave|given|giving|administered)\s+(?:\w+\s+){0,3}?(?:an?\s+)?overdose\b",
    r"\bsex(?:ual)?\s+offenders?\b|\bpa?edophiles?\b",
    r"\binappropriate(?:ly)?\s+(?:touch\w*|photos|images|messages|contact|relationship)\b|"
    r"\btouched\s+(?:\w+\s+){0,3}?inappropriately\b",
    r"\b(?:at|in)\s+(?:immediate\s+|serious\s+|real\s+)?(?:risk|danger)\s+of\s+(?:harm|abuse|"
    r"neglect|exploitation|being\s+(?:harmed|abused|hurt|attacked))\b",
    r"\bmissing\s+(?:child|person|from\s+(?:home|care|school))\b",
    rf"\b(?:left|leave|leaves|leaving)\s+(?:(?:my|our|the|a|his|her|their|an)\s+)?(?:\w+\s+){{0,2}}?"
    rf"(?:{_CHILD}|{_ELDER}|"
    rf"{_VULNERABLE}|{_FAMILY})\s+(?:\w+\s+){{0,2}}?(?:alone|on\s+(?:his|her|their)\s+own|"
    r"unattended|unsupervised|by\s+(?:him|her|them)sel(?:f|ves)|outside|behind|stranded|in\s+"
    r"the\s+car)\b",
)
_PERSON_GUARD = _rx(
    r"\babus(?:e|ed|ing|ive)\s+(?:of\s+)?(?:power|process|position|the\s+system|authority|"
    r"discretion|office|the\s+(?:complaints?\s+)?process|procedure)\b",
    r"\bverbal(?:ly)?\s+abus\w*",
    r"\babusive\s+(?:language|tone|manner|comments?|remarks?|words|customers?|callers?)\b",
    r"\b(?:was|were|been|being|got|became|is|are)\s+(?:\w+\s+)?abusive\s+(?:to|towards|at)\s+"
    r"(?:me|us|staff|our\s+staff|the\s+(?:officer|staff|driver|crew|operator|call\s+handler))\b",
    r"\b(?:shout\w*|hurl\w*|yell\w*|scream\w*|swor\w*|swear\w*|racial|racist|homophobic|"
    r"online)\s+(?:\w+\s+)?abuse\b",
    r"\b(?:alcohol|drug|drugs|substance|drink|badge|parking|bay|system|scheme|benefits?)\s+abuse\b",
    r"\bneglect(?:ed|ing|s)?\s+(?:of\s+)?(?:to\s+\w+|(?:the|my|our|this|their|its|your|his|her|"
    r"these)\s+(?:\w+\s+)?(?:repairs?|maintenance|gardens?|buildings?|estate|propert(?:y|ies)|"
    r"block|flats?|roads?|streets?|paths?|pavements?|area|park|responsibilit(?:y|ies)|complaint|"
    r"case|request|application|enquiry|drains?|trees?|hedges?|stock|communal\s+areas?|grounds|"
    r"upkeep|job|obligations?|role))\b",
    r"\b(?:repairs?|maintenance|gardens?|buildings?|estate|propert(?:y|ies)|block|flats?|roads?|"
    r"streets?|area|park|playground|communal\s+areas?|grounds|stairwell|houses?|site|trees|"
    r"hedges|upkeep|bins?)\s+(?:\w+\s+){0,3}?neglect(?:ed)?\b",
    r"\bexploit(?:ed|ing|s)?\s+(?:a\s+|the\s+)?(?:loopholes?|system|situation|rules|opportunity|"
    r"gap|weakness)\b",
    r"\bgroom(?:ing|ed)\b(?=.{0,80}\b(?:dogs?|pets?|animals?|licen[cs]e|salon|parlour)\b)|"
    r"\b(?:dogs?|pets?|horses?|animals?|licen[cs]e|salon|parlour|claws)\b.{0,80}\bgroom(?:ing|ed)\b|"
    r"\bgroom(?:ing|ed)\s+(?:the\s+)?(?:verges?|grass)\b|\bwell[- ]groomed\b",
    r"\btenant'?s?\s+neglect\b|\bneglect\s+or\s+(?:deliberate|wilful|malicious|accidental)\b",
    r"\b(?:glasses|hearing\s+aids?|clothes|clothing|belongings|items|property|cardigan|phone|"
    r"letters?|parcels?|post|forms?|files?|paperwork|documents?|bags?|keys|wallet|purse|dentures|"
    r"teeth|ring|jewellery|things|records?|notes|referral|application|payments?|books|boxes)\s+(?:\w+\s+){0,3}?"
    r"(?:went|gone|go|going|goes|was|is|were|are|been|reported)\s+missing\b",
    r"\bsafeguard(?:ing|s|ed)?\s+(?:my|our|your|the|their|his|her)?\s*(?:personal\s+)?(?:data|"
    r"information|privacy|details|money|funds|interests|budget|finances|investment|deposit|"
    r"future|rights|position)\b|\b(?:data|information)\s+safeguarding\b",
)
# Weaker words: they count only beside a child or vulnerable adult in the same sentence.
_PERSON_NEAR_VULNERABLE = _rx(
    r"\b(?:at\s+(?:serious\s+|real\s+|great\s+)?risk|in\s+(?:real\s+|serious\s+|great\s+)?"
    r"danger|unsafe|not\s+safe|endanger(?:ed|ing|s)?)\b",
    r"\bunsupervised\b|\bunattended\b",
    r"\bbruis(?:e|es|ed|ing)\b|\b(?:unexplained|suspicious)\s+(?:injur\w+|marks|burns)\b",
    rf"\b{_HIT}\b", r"\brough\s+with\b",
    r"\bwelfare\s+(?:of|concerns?|checks?|visit)\b|\bconcerns?\s+(?:about|for)\s+(?:the\s+|their\s+|"
    r"his\s+|her\s+)?(?:safety|welfare|wellbeing)\b|\bworried\s+(?:about|for)\s+(?:the\s+|their\s+|"
    r"his\s+|her\s+)?(?:safety|welfare|wellbeing)\b",
)
_PERSON_NEAR_VULNERABLE_GUARD = _rx(
    r"\bat\s+risk\s+of\s+(?:losing|eviction|homelessness|being\s+(?:evicted|made\s+homeless|"
    r"excluded|charged|fined)|missing|falling\s+behind|debt|arrears|court|prosecution|exclusion|"
    r"redundancy)\b",
    r"\bhit\s+(?:by|with)\s+(?:a|an|the|another)\s+(?:\w+\s+)?(?:car|van|bus|vehicle|lorry|bike|"
    r"cyclist|ball|door|branch|bill|charge|fine|letter|demand|penalty|fee|increase)\b",
    r"\bkick(?:s|ed|ing)?\s+(?:off|in\b|out|(?:a|the)\s+ball|into)",
    r"\b(?:heart|panic|anxiety|asthma|breathing|coughing)\s+attacks?\b",
    r"\bchok(?:ed|ing)\s+(?:on|back|up)\b", r"\bpush(?:ed|ing)?\s+(?:for|back|to\s+get)\b",
    r"\bhit\s+(?:rock\s+bottom|(?:a|the)\s+(?:wall|roof|ceiling|limit|headlines|target|deadline))\b",
    r"\bpush(?:es|ed|ing)?\s+(?:me|him|her|them)\s+(?:up|in|around|along|home)\b|\bpush(?:es|ed|"
    r"ing)?\s+(?:the|a|my|his|her)\s+(?:wheelchair|pram|buggy|pushchair)\b|\bhitting\s+out\b",
)
_PERSON_NEAR_FAMILY = _rx(
    r"\b(?:went|gone|go|going|goes|reported)\s+missing\b|\b(?:was|is|were|are|been)\s+missing"
    r"(?=\s*(?:[.,;:!?)]|$|(?:from|since|for|again|overnight|and|but|after|when)\b))",
    r"\bwander(?:ed|ing|s)?\s+(?:off|out|away|the\s+streets)\b",
    r"\b(?:scam(?:med|mers?|s)?|conned|defrauded|swindled|fleeced|taken\s+advantage\s+of|"
    r"took\s+advantage\s+of)\b",
    r"\b(?:stole|stolen|steal(?:s|ing)?|emptied|drained)\s+(?:\w+\s+){0,3}?(?:money|cash|savings|"
    r"pension|benefits|bank\s+(?:card|account)|cards?|jewellery|valuables|purse|wallet|account)\b",
    r"\b(?:took|taken|taking|takes)\s+(?:money|cash|savings)\s+(?:\w+\s+)?from\s+(?:his|her|their)\b"
    r"|\b(?:took|taken|taking|takes)\s+(?:his|her|their)\s+(?:money|cash|savings|pension|"
    r"benefits|bank\s+card)\b",
    r"\b(?:hungry|starv(?:ed|ing)|not\s+eaten|no\s+food|nothing\s+to\s+eat)\b",
    r"\bleft\s+(?:alone|on\s+(?:his|her|their)\s+own|unattended|unsupervised|by\s+(?:him|her|them)"
    r"sel(?:f|ves)|stranded)\b",
    r"\bsent\s+(?:\w+\s+){0,4}?home\s+(?:alone|on\s+(?:his|her|their)\s+own|by\s+(?:him|her)self)\b",
    r"\b(?:no\s+one|nobody|no-one)\s+(?:\w+\s+){0,2}?(?:check(?:ed|ing)?\s+on|look(?:ed|ing)?\s+"
    r"after|car(?:ed|ing)\s+for|fed|feeding|help(?:ed|ing)?\s+(?:him|her|them)\s+(?:eat|wash|"
    r"dress|to\s+the\s+toilet))\b",
)
_FAMILY_CUE = _rx(_VULN_CUE, rf"\b{_FAMILY}\b")

# -------------------------------------------------------------------- violence_or_threat
_BODY = (r"(?:arm|arms|hand|wrist|hair|neck|throat|collar|coat|face|head|shoulder|bag|phone|son|"
         r"daughter|child|wife|husband|partner|mum|dad|mother|father|friend|neighbour)")
_VIOLENCE = _rx(
    r"\bviolen(?:ce|t|tly)\b", r"\bassault(?:s|ed|ing)?\b", r"\battack(?:s|ed|ing|ers?)?\b",
    r"\b(?:punch(?:ed|es|ing)?|slap(?:ped|ping|s)?|stab(?:bed|bing|s)?|strangl\w+|throttl\w+|"
    r"head-?butt\w*|beat(?:en)?\s+up|beating|battered|mugged|mugging|robbed|robbery)\b",
    rf"\b(?:kick(?:ed|ing|s)?|chok(?:ed|ing))\s+(?:{_OBJ}|at\b|(?:my|his|her|our)\s+{_BODY}|"
    r"(?:the|my|our|his|her)\s+(?:front\s+)?door)\b|\bdoor\s+(?:\w+\s+){0,3}?kicked\b",
    rf"\b(?:hit|hits|hitting)\s+(?:{_OBJ}|(?:my|our|his|her|their)\s+\w+|a\s+(?:child|resident|"
    r"woman|man|neighbour|member)|someone|somebody)\b",
    rf"\b(?:push|pushed|pushing|shove|shoved|shoving|grab|grabbed|grabbing|dragged|pinned|shook)"
    rf"\s+(?:{_OBJ}|(?:my|his|her|our)\s+{_BODY})\b",
    r"\b(?:spat|spit|spitting)\s+(?:at|on|in)\b",
    r"\b(?:threw|thrown|throwing|hurled)\s+(?:\w+\s+){0,3}?at\s+(?:me|us|him|her|them|my|our|"
    r"the\s+(?:house|window|door|car))\b",
    rf"\b(?:bit|bitten|bite|bites|biting)\s+(?:{_OBJ}|my\s+\w+)\b|\bdog\s+(?:bites?|attack\w*)\b",
    r"\bthreat(?:s|en|ens|ened|ening|eningly)?\b", r"\bintimidat(?:e|es|ed|ing|ion)\b",
    rf"\b(?:kill|killed|killing|murder|murdered|stab|shoot|shot)\s+(?:{_OBJ}|(?:my|your|our)\s+"
    r"\w+)\b",
    r"\b(?:going\s+to|gonna|will|'ll|would|'d|threatened\s+to|said\s+(?:he|she|they)\s+would|"
    r"wants?\s+to)\s+(?:\w+\s+)?(?:kill|hurt|stab|shoot|beat|batter|attack|smash|burn)\s+"
    r"(?:you|me|us|him|her|them|my|our|your)\b",
    r"\b(?:knife|knives|knifepoint|machetes?|swords?|guns?|gunpoint|firearms?|pistols?|shotguns?|"
    r"rifles?|crossbows?|baseball\s+bats?|weapons?|armed|axes?|acid\s+attack|petrol\s+bomb\w*|"
    r"firebomb\w*|arson|set\s+fire\s+to)\b",
    r"\b(?:wielding|waving|brandish\w*|armed\s+with|came\s+at\s+(?:\w+\s+)?with|swung|swinging|"
    r"threatened\s+(?:\w+\s+)?with|attacked\s+(?:\w+\s+)?with)\s+(?:a|an|his|her|the)\s+"
    r"(?:\w+\s+)?(?:hammer|bat|stick|bar|crowbar|screwdriver|bottle|brick|chair|pole|spanner|"
    r"wrench)\b|\bwith\s+a\s+(?:hammer|crowbar|baseball\s+bat|iron\s+bar|metal\s+bar)\b",
    r"\bshots?\s+fired\b|\bshooting\b", r"\bstalk(?:ed|ing|er|ers)\b",
    r"\bburn\s+(?:\w+\s+){0,2}?(?:house|flat|home|place|car)\s+down\b",
    r"\b(?:fear|feared|fearing|scared|frightened|afraid|terrified)\s+for\s+(?:my|our|his|her|their)\s+"
    r"(?:\w+\s+)?(?:safety|life|lives)\b",
    r"\bbeat(?:s|en)?\s+(?:me|him|her|us|them|my\s+\w+)\b(?!\s+to\b)",
    r"\bfighting\s+(?:outside|in\s+the\s+(?:street|stairwell|corridor|block|car\s+park)|on\s+the\s+"
    r"(?:landing|stairs|street))\b",
    r"\bharass(?:ed|ing|es|ment)?\b",
    r"\bhate\s+crimes?\b|\bracial(?:ly)?\s+(?:abus\w*|attack\w*|motivated|harass\w*|aggravated)\b"
    r"|\b(?:racist|homophobic|transphobic)\s+(?:abuse|attacks?|assaults?|threats?|incidents?)\b",
    r"\bphysical(?:ly)?\s+(?:aggress\w*|threat\w*|intimidat\w*|abus\w*|assault\w*|violen\w*|"
    r"hurt|harm\w*|attack\w*|confront\w*)\b",
    r"\bfights?\s+(?:broke\s+out|outside|in\s+the\s+(?:street|stairwell|corridor|block|car\s+"
    r"park))\b|\bgot\s+into\s+a\s+fight\b|\bbrawl\w*|\bfist-?\s*fights?\b|\bpunch-?up\b",
    r"\bkicked\s+(?:the\s+|my\s+|our\s+)?(?:front\s+)?door\s+in\b|\bkicked\s+in\s+(?:the|my|our)"
    r"\s+(?:front\s+)?door\b",
    r"\b(?:i|we)\s+know\s+where\s+(?:you|she|he|they)\s+(?:live|lives)\b|\bknows?\s+where\s+"
    r"(?:i|we|my\s+\w+)\s+(?:live|lives)\b|\bwatch\s+(?:your|my|his|her)\s+back\b",
    r"\b(?:you'?ll|you\s+will|they'?ll)\s+(?:regret\s+(?:it|this)|be\s+sorry)\b(?!\s+to\b)",
    r"\bsexual(?:ly)?\s+(?:assault\w*|abus\w*|harass\w*)|\brap(?:e|ed|es|ist)\b|\bmolest\w*|"
    r"\bindecent\s+exposure\b",
)
_VIOLENCE_GUARD = _rx(
    r"\b(?:heart|panic|anxiety|asthma|asthmatic|breathing|coughing|gout|migraine|angina|"
    r"seizure|epileptic)\s+attacks?\b",
    r"\battack(?:ed|ing|s)?\s+(?:the|this|our|that|these|those|my)\s+(?:\w+\s+)?(?:backlog|"
    r"problems?|issues?|task|work|weeds|mou?ld|damp|list|job|waiting\s+list|queue|figures|budget|"
    r"point|complaint)\b",
    r"\b(?:personal|verbal(?:ly)?)\s+(?:attack\w*|assault\w*)|\battack\w*\s+(?:me|us)\s+verbally\b",
    r"\battack(?:ed|ing|s)?\s+(?:by|from)\s+(?:rats?|mice|pests?|insects?|bed\s*bugs?|fleas?|"
    r"mou?ld|damp|woodworm|moths?)\b",
    rf"\bthreat\w*\s+(?:\w+\s+){{0,2}}?to\s+(?:kill|harm|hurt|end|take)\s+(?:{_SELF}|(?:his|"
    r"her|their|my)\s+(?:own\s+)?life)\b",
    r"\bthreat\w*\s+(?:\w+\s+){0,2}?(?:suicide|self[- ]?harm)",
    r"\bnon-?violen\w*", r"\bviolent(?:ly)?\s+(?:ill|sick|shaking|shook|vomiting|storms?|winds?|"
    r"coughing|shiver\w*)\b",
    r"\bthreat(?:en)?(?:ed|ing|s)?\s+(?:\w+\s+){0,3}?with\s+(?:\w+\s+){0,4}?(?:fines?|court|legal|"
    r"eviction|bailiffs?|enforcement|prosecution|penalt(?:y|ies)|disconnection|action|being\s+"
    r"\w+|sanctions?|debt|ccj|possession|proceedings|closure|exclusion|charges?|costs|bills?|homelessness|"
    r"interest|fees?|suspension|removal|letters?)\b",
    r"\bthreat(?:en)?(?:ed|ing|s)?\s+(?:\w+\s+){0,2}?to\s+(?:evict|sue|fine|charge|prosecute|"
    r"take\s+(?:\w+\s+){0,2}?(?:to\s+court|legal\s+action)|cut\s+(?:off|my|our)|cancel|close|report|"
    r"stop|withdraw|pull\s+out|remove|suspend|send\s+(?:in\s+)?(?:the\s+)?bailiffs|call\s+the\s+police|"
    r"complain|escalate|leave|quit|resign|go\s+to|contact|involve|refer|bill|exclude|end|terminate|"
    r"disconnect|increase|raise|reduce|deduct|repossess|seize|tow|clamp)\b",
    r"\bthreatening\s+(?:letters?|e-?mails?|notices?|tone|final\s+demands?|reminders?|red\s+"
    r"letters?)\b",
    r"\bthreat\w*\s+(?:\w+\s+){0,4}?(?:summons(?:es)?|liability\s+orders?|court|legal|eviction|"
    r"bailiffs?|enforcement|charges?|fines?|penalt(?:y|ies)|arrears|possession|debt)\b",
    r"\b(?:i'?m|i\s+am|i\s+was|me\s+of|us\s+of)\s+harass\w*|\baccused\s+(?:\w+\s+){0,2}?(?:of\s+)?"
    r"harass\w*",
    r"\bslap(?:s|ped|ping)?\s+(?:\w+\s+)?(?:paint|plaster|sealant|filler|a\s+coat|on|over)\b",
    r"\b(?:under|face|faces|facing)\s+(?:the\s+)?threat\s+of\b|\bthreat\s+of\s+(?:closure|"
    r"eviction|cuts?|redundancy|legal|court|removal|demolition|possession)\b",
    r"\bthreat\s+to\s+(?:\w+\s+){0,2}?(?:health|life|lives|safety|wellbeing)\b",
    r"\bintimidat(?:ing|ed)\s+by\s+(?:the\s+)?(?:process|forms?|letters?|system|paperwork|size|"
    r"jargon|language|meeting|panel|tribunal|prospect)\b|\b(?:process|forms?|letters?|system|"
    r"paperwork|meeting|panel|environment|experience)\s+(?:\w+\s+){0,2}?intimidating\b|"
    r"\bintimidating\s+(?:letters?|process|forms?|experience|environment|meeting|tone|jargon|"
    r"paperwork)\b",
    r"\bharass\w*\s+(?:\w+\s+){0,3}?(?:by|with|from)\s+(?:the\s+|your\s+)?(?:council|letters?|"
    r"calls?|phone\s+calls?|e-?mails?|texts?|reminders?|debt|bailiffs?|enforcement|agents?|"
    r"collectors?|demands?|sales|marketing|cold\s+call\w*|parking)\b|\b(?:letters?|calls?|"
    r"e-?mails?|reminders?|demands?|texts?|chasing)\s+(?:\w+\s+){0,3}?harass\w*|\bharass\w*\s+"
    r"(?:me|us)\s+(?:for|about)\s+(?:payment|money|the\s+bill|rent|arrears|council\s+tax)\b",
    r"\bdaylight\s+robbery\b|\brobbed\s+(?:me\s+|us\s+|him\s+|her\s+|them\s+)?(?:of|blind)\b|"
    r"\b(?:feel|felt)\s+robbed\b",
    r"\b(?:is|are|was|were|'s|'re|been|keeps?|it|this|that|literally)\s+(?:\w+\s+)?killing\s+"
    r"(?:me|us|him|her|them|my\s+\w+)\b",
    r"\b(?:could|might|would)\s+(?:have|'ve)\s+(?:\w+\s+)?killed\b|\b(?:nearly|almost)\s+killed\b",
    r"\bhit\s+(?:me|us)\s+(?:with\s+(?:a|an|the|another)\s+(?:\w+\s+)?(?:bill|charge|fine|demand|"
    r"letter|penalty|fee|increase|surcharge)|hard)\b|\bhit\s+(?:my|his|her|their|our)\s+(?:head|"
    r"knee|leg|arm|elbow|shin|face|car|van|fence|wall|gate|house|bin)\s+(?:on|against|when)\b|"
    r"\bhit\s+(?:my|our|the|his|her)\s+(?:car|van|fence|wall|gate|house|wing\s+mirror|bin)\b",
    r"\bkick(?:s|ed|ing)?\s+(?:off|in(?!\s+(?:the|my|our|his|her)\b)|out|into|the\s+can)\b",
    r"\bbeat(?:ing)?\s+(?:about|around)\s+the\s+bush\b|\bbeating\s+the\s+(?:deadline|queue|rush|"
    r"system|odds)\b|\bbattered\s+(?:fish|sausage|old|sofa|car|door|fence|by\s+(?:the\s+)?"
    r"(?:wind|storms?|weather|rain))\b|\b(?:weather|storm)-battered\b",
    r"\bchok\w+\s+(?:on|back|up|with|by)\b|\bchoking\s+(?:hazard|fumes|smoke|dust)\b|"
    r"\b(?:drains?|gutters?|pipes?)\s+(?:\w+\s+)?chok\w+",
    r"\bstab(?:bing|bed|s)?\s+in\s+the\s+dark\b|\b(?:have|had|take|took)\s+a\s+stab\b",
    r"\b(?:glue|nail|staple|spray|heat|paint|caulk\w*|sealant|silicone|water|grease|massage|"
    r"radar|speed|starting)\s+guns?\b|\bjump(?:ed|ing)?\s+the\s+gun\b",
    r"\bknife\s+and\s+fork\b|\b(?:stanley|utility|craft|putty|palette|filling|butter)\s+knife\b",
    r"\barmed\s+(?:forces|services|with\s+(?:the\s+)?(?:information|evidence|facts|documents|"
    r"paperwork|photos|letters))\b",
    r"\baxe\s+to\s+grind\b|\b(?:face|faces|facing|facing\s+the)\s+(?:the\s+)?axe\b",
    r"\bshooting\s+pains?\b|\bphoto\s*shoot\w*",
    r"\bpush(?:ed|ing)?\s+(?:me|us|him|her|them)\s+(?:from\s+pillar|back|around|aside|towards|"
    r"into\s+(?:a|an|paying|signing|accepting)|for|to\s+(?:pay|sign|accept|make|the\s+back|"
    r"another|a\s+different))\b",
    r"\b(?:bed\s*bugs?|insects?|mosquito(?:e?s)?|fleas?|mites?)\s+(?:\w+\s+)?(?:bit|bitten|bites?|"
    r"biting)\b|\b(?:bites?|bitten)\s+(?:by|from)\s+(?:bed\s*bugs?|fleas?|insects?|mosquito)",
    r"\bbite\s+(?:me|us|you|them)\s+(?:in|on)\s+the\b",
    r"\b(?:i'?m|i\s+am|i\s+was|we'?re|we\s+are|we\s+were|this\s+is|it'?s|it\s+is|that'?s|that\s+is)"
    r"\s+not\s+(?:being\s+|meant\s+as\s+|intended\s+as\s+)?(?:a\s+)?threat\w*",
    r"\b(?:never|nobody|no\s+one|no-one|didn'?t|did\s+not|haven'?t|have\s+not|hasn'?t|has\s+not|"
    r"wasn'?t|was\s+not|not)\s+(?:ever\s+|once\s+|actually\s+|been\s+)?(?:threaten(?:ed)?|"
    r"threatening|violent|assaulted|attacked|harass(?:ed)?)\s+(?:anyone|anybody|any\s+\w+|"
    r"a\s+soul|me|us|you|him|her|them)\b",
    r"\bno\s+(?:threats?|violence)\s+(?:was|were|has|have|had)\b|\bnot\s+(?:meant\s+)?as\s+a\s+"
    r"threat\b",
)

# ------------------------------------------------------------------------ housing_hazard
_HAZARD = _rx(
    r"\bdamp(?:ness)?\b", r"\bmou?ld(?:y|s)?\b", r"\bmildew\w*", r"\bcondensation\b",
    r"\bfung(?:us|i|al\s+growth)\b", r"\bmushrooms?\s+growing\b",
    r"\bleak(?:s|ed|ing|y|age|ages)?\b", r"\bwater\s+ingress\b",
    r"\bwater\s+(?:is\s+|was\s+|keeps\s+|kept\s+|has\s+been\s+|had\s+been\s+|started\s+)?(?:coming|"
    r"came|come|pouring|poured|dripping|dripped|drips|running|ran|leaking|leaked|seeping|seeped|"
    r"getting|got|gushing|flooding|trickling)\s+(?:\w+\s+)?(?:in|through|down|into)\b",
    r"\b(?:drip|drips|dripping|dripped)\s+(?:\w+\s+)?(?:from|through|down)\s+(?:the\s+)?(?:ceiling|"
    r"roof|light|walls?)\b",
    r"\bceiling\s+(?:\w+\s+){0,2}?(?:dripping|wet|soaked|sodden|bowing|sagging|collapsed|caved|"
    r"came\s+down|coming\s+down|fell\s+in)\b",
    r"\bflood(?:s|ed|ing)?\b", r"\bburst\s+(?:pipes?|water\s+main|tank)\b", r"\bsewage\b",
    r"\bwet\s+(?:walls?|ceilings?|floors?|carpets?|patches?|plaster)\b|\bwalls?\s+(?:are|is|were|"
    r"was)\s+(?:\w+\s+)?(?:wet|soaking|sodden|running\s+with\s+water)\b",
    r"\bno\s+(?:\w+\s+)?(?:heating|heat|hot\s+water|heaters?|boiler|gas\s+supply|warm\s+water)\b",
    r"\bwithout\s+(?:any\s+)?(?:\w+\s+)?(?:heating|heat|hot\s+water|a\s+(?:working\s+)?boiler)\b",
    r"\b(?:heating|boiler|radiators?|heaters?|storage\s+heaters?|hot\s+water|immersion)\s+"
    r"(?:\w+\s+){0,3}?(?:not|isn'?t|wasn'?t|doesn'?t|don'?t|won'?t|hasn'?t|haven'?t|never|stopped|"
    r"broke|broken|failed|failing|faulty|packed\s+up|condemned|keeps\s+(?:breaking|cutting|going|"
    r"failing|switching)|cuts?\s+out|out\s+of\s+order|capped|leaking|leaks)\b",
    r"\b(?:black|green|grey|white)\s+(?:stuff|spots?|patch(?:es)?|marks|growth|fur|fuzz|specks|"
    r"dots|muck|slime)\s+(?:\w+\s+){0,4}?(?:walls?|ceilings?|windows?|window\s+frames?|sills?|"
    r"corners?|bathroom|bedroom|tiles|grout|silicone|curtains|wardrobes?|skirting)\b",
    r"\b(?:walls?|ceilings?|corners?|window\s+frames?|grout)\s+(?:\w+\s+){0,2}?(?:going|turning|gone|"
    r"turned|covered\s+in)\s+(?:black|green)\b|\b(?:musty|mouldy)\s+smell\b|\bsmells?\s+"
    r"(?:\w+\s+)?musty\b",
    r"\b(?:radiators?|heaters?)\s+(?:are|is|were|was|have\s+been|has\s+been|stay|stayed|"
    r"remain(?:ed)?)\s+(?:\w+\s+)?(?:stone[- ])?cold\b|\b(?:ice|frost)\s+on\s+the\s+inside\s+of\b|"
    r"\bsee\s+(?:my|our|your|their)\s+breath\b",
    r"\bbuckets?\s+(?:\w+\s+)?(?:to\s+catch|under|catching)\b|\b(?:carpets?|floors?|mattress)\s+"
    r"(?:is|are|was|were|gets|keeps\s+getting)\s+(?:\w+\s+)?(?:soaked|sodden|soaking|wet)\b",
    r"\b(?:heating|boiler|hot\s+water|gas|electric(?:ity)?|radiators?|heaters?|power)\s+"
    r"(?:\w+\s+){0,2}?(?:been|was|is|are|were|"
    r"went|gone|got|cut)\s+off\b",
    r"\b(?:broken|faulty|condemned|dead|failed|failing|unsafe|broken-down)\s+(?:\w+\s+)?(?:boiler|"
    r"heating|heaters?|radiators?)\b",
    r"\b(?:flat|house|home|property|rooms?|bedrooms?|lounge|living\s+room|place|indoors|inside)\s+"
    r"(?:is|was|are|were|has\s+been|gets|get|feels|'s)\s+(?:\w+\s+)?(?:freezing|ice-?\s?cold|"
    r"bitterly\s+cold|so\s+cold|very\s+cold|too\s+cold|really\s+cold|extremely\s+cold|like\s+a\s+"
    r"fridge)\b|\b(?:freezing|ice-cold)\s+(?:cold\s+)?(?:flat|house|home|property|bedrooms?|rooms?)"
    r"\b|\bonly\s+cold\s+water\b",
)
_OUTSIDE = (r"(?:sheds?|garages?|fences?|fencing|bin\s+stores?|bins?|outbuildings?|greenhouses?|"
            r"cars?|vans?|tents?|patio|decking|gardens?|playground|bus\s+shelter|gravestones?|"
            r"headstones?|benches|bench|paths?|gutters?|outside)")
_HAZARD_GUARD = _rx(
    r"\bmou?ldy?\s+(?:\w+\s+)?(?:bread|food|fruit|cheese|sandwich\w*|meals?|lunch|veg\w*)\b|"
    r"\b(?:bread|food|fruit|cheese|sandwich\w*|meals?|lunch|dinner|veg\w*|milk|yogh?urt)\s+"
    r"(?:\w+\s+){0,3}?mou?ldy?\b",
    rf"\b(?:mou?ld|damp|mildew|moss|algae|leaks?|leaking|condensation)\s+(?:\w+\s+){{0,2}}?(?:on|"
    rf"in|inside|under|around)\s+(?:the\s+|my\s+|our\s+|a\s+)?(?:garden\s+|communal\s+)?"
    rf"{_OUTSIDE}\b",
    rf"\b{_OUTSIDE}\s+(?:\w+\s+){{0,3}}?(?:mou?ld\w*|damp|leak\w*)\b",
    r"\b(?:data|information|details|documents?|e-?mails?|reports?|story|letters?|news|names?|"
    r"address(?:es)?)\s+(?:\w+\s+){0,3}?leak\w*|\bleak(?:ed|ing|s)?\s+(?:\w+\s+){0,2}?(?:to\s+the\s+"
    r"(?:press|media|papers)|my\s+(?:personal\s+)?(?:data|details|information|address|name|"
    r"medical)|(?:personal\s+)?(?:data|information|details))\b",
    r"\b(?:oil|fuel|petrol|diesel|coolant|battery|lorry|vehicle|pen|brake\s+fluid)\s+"
    r"(?:\w+\s+){0,2}?leak\w*|\bleak\w*\s+(?:oil|fuel|petrol|diesel)\b",
    r"\bdamp\s+(?:squib|cloths?|towels?|sponge|mop|rag|wipes?|weather|days?|mornings?|evenings?|"
    r"grass|leaves)\b",
    r"\b(?:bile|anastomotic|spinal\s+fluid|csf|catheter|stoma|bag|wound|valve|urine)\s+leak\w*",
    r"\bflood\s+(?:authority|risk|zones?|plains?|defen[cs]es?|alleviation|assessments?|maps?|"
    r"warnings?)\b",
    r"\bflood(?:ed|ing|s)?\s+(?:of|with)\s+(?:\w+\s+)?(?:calls|complaints|e-?mails|letters|requests|"
    r"applications|enquiries|messages|people|tears)\b|\b(?:roads?|streets?|pavements?|underpass|"
    r"car\s+park|fields?|paths?)\s+(?:\w+\s+)?flood\w*",
    r"\b(?:no|not\s+any|free\s+(?:of|from)|without\s+any)\s+(?:signs?\s+of\s+|evidence\s+of\s+|"
    r"issues\s+with\s+|problems?\s+with\s+)?(?:damp|mou?ld|leaks?|condensation|water\s+ingress)"
    r"(?:\s*(?:,|or|and|nor)\s*(?:damp|mou?ld|leaks?|condensation))*\b",
)
_HEALTH = _rx(
    _VULN_CUE,
    r"\b(?:pregnan(?:t|cy)|expecting\s+(?:a\s+baby|our|my)|due\s+date|asthma\w*|inhalers?|"
    r"nebuli[sz]er|breath\w*|wheez\w*|chest(?!\s+(?:of\s+drawers|freezer))|cough\w*|lungs?|"
    r"respiratory|copd|bronch\w*|pneumonia|emphysema|cystic\s+fibrosis|hospital\w*|a\s*&\s*e|"
    r"a\s+and\s+e|gp|doctors?|nurses?|health\s+visitor|paediatric\w*|consultant|ill|illness(?:es)?|"
    r"sick(?:ness)?|poorly|unwell|infections?|allerg\w*|eczema|rash(?:es)?|skin\s+condition|"
    r"immun\w*|cancer|chemo\w*|health|unhealthy|medical|medication|symptoms?|headaches?|"
    r"migraines?|nausea|vomit\w*|hypothermi\w*|fever|flu|colds|a\s+cold|sickle\s+cell|"
    r"heart\s+(?:condition|problems?|failure|disease)|arthritis|rheumat\w*|diabet\w*|kidney|"
    r"dialysis|epilep\w*|cerebral\s+palsy|oxygen|shivering|spores|anxiety|depress(?:ed|ion)|"
    r"panic\s+attacks?|nursery|cots?)\b",
)
_HEALTH_GUARD = _rx(
    r"\benvironmental\s+health\b|\bhealth\s+and\s+safety\b",
    r"\bill[- ](?:advised|informed|treated|judged|conceived|mannered|equipped|thought|fated)\b|"
    r"\bill\s+(?:will|feeling)\b",
    r"\bsick\s+(?:and\s+tired\s+)?of\b|\bsick\s+to\s+death\b|\bsick\s+and\s+tired\b",
    r"\bholding\s+(?:my|our)\s+breath\b|\bbreathing\s+(?:space|down)\b|\bwaste\s+of\s+breath\b",
    r"\b(?:damp|surveying|property|housing|repairs?)\s+consultants?\b",
    r"\b(?:nobody|no\s+one|no-one|none\s+of\s+us|neither\s+of\s+us)\s+(?:here\s+|in\s+the\s+"
    r"(?:house|flat|family)\s+)?(?:is|was|are|were|has\s+been|have\s+been|got|gets|has\s+got)\s+"
    r"(?:\w+\s+)?(?:ill|sick|unwell|poorly|health\s+problems|any\s+health\s+\w+)\b",
    r"\bno\s+(?:health\s+(?:problems?|issues?|conditions?)|medical\s+conditions?|children|kids)\b|"
    r"\b(?:don'?t|do\s+not)\s+have\s+(?:any\s+)?(?:children|kids|health\s+(?:problems?|issues?))\b",
    r"\b(?:not|isn'?t|aren'?t|wasn'?t|weren'?t)\s+(?:ill|sick|unwell|poorly)\b(?!\s+yet)",
)
_RESOLVED = _rx(
    r"\b(?:was|were|been|got|is\s+now|are\s+now|finally|now)\s+(?:\w+\s+)?(?:fixed|repaired|"
    r"resolved|sorted|treated|replaced|cured|dealt\s+with|rectified|remedied|cleared|removed|"
    r"dried\s+out)\b",
    r"\bnow\s+(?:dry|warm|working|fine|ok|okay|gone)\b",
    r"\b(?:treatment|works?|repairs?|job)\s+(?:was\s+|were\s+|has\s+been\s+|have\s+been\s+)?"
    r"(?:done|completed|carried\s+out|finished)\b",
    r"\b(?:no\s+longer|a\s+thing\s+of\s+the\s+past|since\s+moved|(?:have|has|had)\s+(?:since\s+)?"
    r"moved|moved\s+out|before\s+(?:we|i|they)\s+moved|(?:previous|last|old|former)\s+(?:flat|"
    r"house|home|property|address|tenancy|landlord|place)|used\s+to\s+(?:have|be|get))\b",
    r"\b(?:they|contractors?|engineers?|plumbers?|roofers?|someone|you)\s+(?:\w+\s+)?(?:fixed|"
    r"repaired|resolved|sorted|treated|replaced|cleared|removed)\b",
)
_ONGOING = _rx(
    r"\b(?:still|again|back|returned|returning|returns|recurr\w*|re-?appear\w*|keeps?|kept|"
    r"ongoing|continu\w*|worse|worsening|not|never|no\s+one|nobody|yet|temporar\w*|patch\w*|"
    r"bodg\w*|botch\w*|quick\s+fix|painted\s+over|ever\s+since|every\s+(?:day|night|winter|time)|"
    r"each\s+(?:winter|year)|first\s+reported|started|began|begun)\b|n't\b",
    r"\bfor\s+(?:\w+\s+)?(?:years|months|weeks)\b|\bsince\s+(?:last|the|\d|jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|oct|nov|dec)",
)
# Self-harm told as past and over: "I took an overdose last year but I'm doing much better now".
# The time must be in the trigger's sentence, the recovery there or in the next, and nothing
# there may say it is back ("still", "again", "lately").
_PAST = _rx(
    r"\b(?:last|a\s+few|two|three|four|five|several|many|some)\s+(?:years?|months)\s+ago\b|"
    r"\blast\s+(?:year|summer|winter|spring|autumn)\b|\byears\s+ago\b|\bin\s+the\s+past\b|"
    r"\bwhen\s+(?:i|he|she)\s+was\s+(?:younger|a\s+teenager|at\s+(?:school|uni\w*)|\d+)\b|"
    r"\bused\s+to\b|\b(?:back\s+)?in\s+(?:19|20)\d\d\b|\ba\s+long\s+time\s+ago\b|\bhistory\s+of\b",
)
_BETTER = _rx(
    r"\b(?:doing|feeling|getting|am|i'?m|is|he'?s|she'?s|are|we'?re)\s+(?:\w+\s+)?(?:better|well|"
    r"fine|ok|okay|good)\s+now\b|\bmuch\s+better\s+now\b|\bnow\s+(?:well|recovered|doing\s+well)\b",
    r"\b(?:recovered|in\s+a\s+(?:much\s+)?(?:better|good)\s+place|on\s+the\s+mend|(?:come|came|got)\s+"
    r"through\s+it|out\s+the\s+other\s+side)\b",
)
_STILL = _rx(
    r"\b(?:still|again|lately|recently|these\s+days|this\s+(?:week|month)|coming\s+back|creeping\s+"
    r"back|back\s+to\s+square|starting\s+to|worse)\b",
)


@dataclass(frozen=True)
class _Rule:
    """A trigger, the guards that cancel the words they cover, and the company it needs."""

    kind: str
    trigger: re.Pattern[str]
    guard: re.Pattern[str] | None = None
    cue: re.Pattern[str] | None = None  # must also occur in the trigger's sentence
    near: re.Pattern[str] | None = None  # must occur within ``window`` sentences
    near_guard: re.Pattern[str] | None = None
    window: int | None = 1  # sentences either side for ``near``; None: anywhere in the text
    unless: re.Pattern[str] | None = None  # anywhere in the sentence, this cancels the trigger
    unless_not: re.Pattern[str] | None = None  # ...except when this also occurs there
    past_and_over: bool = False  # cancelled when told as past and recovered from (_PAST...)


_RULES = (
    _Rule("self_harm", _SELF_HARM, _SELF_HARM_GUARD, past_and_over=True),
    _Rule("person_at_risk", _PERSON, _PERSON_GUARD),
    # "at risk", "unsafe", "bruises", "hit"... next to a child or vulnerable adult; a damp or
    # leak in that sentence is left to housing_hazard.
    _Rule("person_at_risk", _PERSON_NEAR_VULNERABLE, _rx(_VIOLENCE_GUARD.pattern,
          _PERSON_NEAR_VULNERABLE_GUARD.pattern), cue=_rx(_VULN_CUE), unless=_HAZARD),
    _Rule("person_at_risk", _PERSON_NEAR_FAMILY, _PERSON_GUARD, cue=_FAMILY_CUE),
    _Rule("violence_or_threat", _VIOLENCE, _rx(_VIOLENCE_GUARD.pattern, _SELF_HARM.pattern)),
    # The health or vulnerability clue may be anywhere in the complaint: writers often say who
    # lives there in the first paragraph and describe the mould in the third.
    _HAZARD_RULE := _Rule("housing_hazard", _HAZARD, _HAZARD_GUARD, near=_HEALTH,
                          near_guard=_HEALTH_GUARD, window=None, unless=_RESOLVED,
                          unless_not=_ONGOING),
)
