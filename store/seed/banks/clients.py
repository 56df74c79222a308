"""Clients as seeded: first and last names, company names, domains (reserved names only, RFC
2606: .example, .test, example.com, so nothing resolves), the plans they buy and the internal
comments some accounts carry."""

from __future__ import annotations

from . import alts

FIRST_NAMES = alts(
    "Anna|Ben|Carla|David|Elena|Felix|Grace|Hugo|Ingrid|Jonas|Karin|Leo|Maria|Nils|Olivia|"
    "Pavel|Quentin|Rosa|Stefan|Tara|Umar|Vera|Walter|Xenia|Yusuf|Zoe|Ahmed|Beatriz|Chen|Dmitri|"
    "Emma|Fatima|Giorgos|Hana|Ivan|Julia|Kenji|Lucia|Mateo|Noor|Oskar|Paula|Rahul|Sara|Tomasz|"
    "Ursula|Viktor|Wen|Yara|Aleksandra|Bruno|Camille|Diego|Eszter|Finn|Greta|Henrik|Isabel|Jamal|"
    "Katarzyna|Liam|Mila|Nadia|Omar|Pietro|Rania|Simon|Thea|Valentina|William"
)
LAST_NAMES = alts(
    "Andersen|Baker|Costa|Dubois|Eriksson|Fischer|García|Horvath|Ivanova|Jensen|Kowalski|Larsen|"
    "Müller|Nowak|O'Brien|Papadopoulos|Quinn|Rossi|Schneider|Tanaka|Urban|Vargas|Weber|Xu|Yilmaz|"
    "Zimmermann|Ahmed|Bauer|Chen|Dimitrov|Evans|Ferreira|Gruber|Hansen|Iqbal|Jovanović|Kim|Lopez|"
    "Moreau|Nielsen|Okonkwo|Petrov|Ramos|Silva|Thompson|Ueda|Varga|Wagner|Young|Zhang|Novotná|"
    "Lehmann|Santos|Kaya|Virtanen|Mahler|Brennan|Holm|Castillo|Sato"
)
COMPANY_A = alts(
    "North|Blue|Green|Red|Silver|Golden|Bright|Swift|Urban|Alpine|Coastal|Pixel|Cedar|Maple|"
    "Iron|Lunar|Solar|Nordic|Atlas|Orbit|Harbor|Summit|River|Stone|Copper|Velvet|Bold|Quiet|"
    "Clever|Happy|Fox|Oak|Pine|Delta|Nova|Metro|Prime|Vivid|Amber|Crystal"
)
COMPANY_B = alts(
    "wind|fin|leaf|wave|peak|field|stone|line|works|forge|bridge|point|port|gate|path|craft|"
    "nest|light|bay|hill|grove|spark|stack|cloud|byte|mill|yard|loop"
)
COMPANY_TRADE = alts(
    "Media|Design|Studio|Consulting|Logistics|Bakery|Dental|Travel|Software|Print|Architects|"
    "Fitness|Legal|Photo|Events|Garden|Motors|Books|Coffee|Health|Education|Games|Shop|Wines"
)
COMPANY_FORM = alts("Ltd|GmbH|LLC|SARL|s.r.o.|BV|AB|Oy|Inc.|S.L.|Sp. z o.o.|AG")
TLDS = ("example", "example", "test", "example.com", "example.net", "example.org")
PLANS = alts("Starter|Business|Pro|Business Plus|Agency|Premium")
VPS_PLANS = alts("VPS S-2|VPS M-4|VPS L-8|VPS XL-16|Storage VPS 1T")
COMMENTS = alts(
    "VIP: answer within the hour.|Reseller with about 40 end customers.|Pays late; check the "
    "balance before any paid work.|Prefers phone calls after 18:00 CET.|Agency account, several "
    "people write from it.|Had a compromised site in the past; watch for abuse.|Non-profit "
    "discount, approved by Billing.|Speaks German and English.|Migrated from the old panel."
)
# A client internal comment is present for this share of clients; the rest have none.
COMMENT_SHARE = 0.15
