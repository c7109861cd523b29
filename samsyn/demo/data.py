"""Fixed source material for the synthetic county: Örebro län's municipalities (DOMAIN "Size"),
Swedish names and streets, and what each kind of organisation does, in Swedish.

Everything here is a constant so the county depends only on the generator's seed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Municipality:
    name: str
    code: str
    population: int
    post_town: str
    postal_prefixes: tuple[str, ...]
    # Which of the region's clinics and which local police area serve the municipality.
    bup: str
    habilitation: str
    paediatrics: str
    police: str


REGION_NAME = "Region Örebro län"
REGION_CODE = "18"

# DOMAIN.md "Size": codes and round populations, mid-2020s.
MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality(
        "Örebro",
        "1880",
        160_000,
        "Örebro",
        ("702", "703"),
        "Örebro (USÖ)",
        "Örebro",
        "Örebro (USÖ)",
        "Örebro",
    ),  # noqa: E501
    Municipality(
        "Karlskoga",
        "1883",
        30_000,
        "Karlskoga",
        ("691",),
        "Karlskoga",
        "Karlskoga",
        "Örebro (USÖ)",
        "Karlskoga",
    ),  # noqa: E501
    Municipality(
        "Lindesberg",
        "1885",
        23_000,
        "Lindesberg",
        ("711",),
        "Lindesberg",
        "Nora",
        "Lindesberg",
        "Bergslagen",
    ),  # noqa: E501
    Municipality(
        "Kumla", "1881", 22_000, "Kumla", ("692",), "Hallsberg", "Örebro", "Hallsberg", "Sydnärke"
    ),  # noqa: E501
    Municipality(
        "Hallsberg",
        "1861",
        16_000,
        "Hallsberg",
        ("694",),
        "Hallsberg",
        "Hallsberg",
        "Hallsberg",
        "Sydnärke",
    ),  # noqa: E501
    Municipality(
        "Askersund",
        "1882",
        11_000,
        "Askersund",
        ("696",),
        "Hallsberg",
        "Hallsberg",
        "Hallsberg",
        "Sydnärke",
    ),  # noqa: E501
    Municipality(
        "Nora", "1884", 10_500, "Nora", ("713",), "Lindesberg", "Nora", "Lindesberg", "Bergslagen"
    ),  # noqa: E501
    Municipality(
        "Degerfors",
        "1862",
        9_500,
        "Degerfors",
        ("693",),
        "Karlskoga",
        "Karlskoga",
        "Örebro (USÖ)",
        "Karlskoga",
    ),  # noqa: E501
    Municipality(
        "Lekeberg",
        "1814",
        8_500,
        "Fjugesta",
        ("716",),
        "Örebro (USÖ)",
        "Örebro",
        "Örebro (USÖ)",
        "Örebro",
    ),  # noqa: E501
    Municipality(
        "Hällefors",
        "1863",
        7_000,
        "Hällefors",
        ("712",),
        "Lindesberg",
        "Nora",
        "Lindesberg",
        "Bergslagen",
    ),  # noqa: E501
    Municipality(
        "Laxå", "1860", 5_500, "Laxå", ("695",), "Karlskoga", "Hallsberg", "Hallsberg", "Sydnärke"
    ),  # noqa: E501
    Municipality(
        "Ljusnarsberg",
        "1864",
        5_000,
        "Kopparberg",
        ("714",),
        "Lindesberg",
        "Nora",
        "Lindesberg",
        "Bergslagen",
    ),  # noqa: E501
)

BUP_CLINICS = ("Örebro (USÖ)", "Karlskoga", "Lindesberg", "Hallsberg")
HABILITATION_CLINICS = ("Örebro", "Karlskoga", "Nora", "Hallsberg")
PAEDIATRIC_CLINICS = ("Örebro (USÖ)", "Lindesberg", "Hallsberg")
POLICE_AREAS = ("Örebro", "Karlskoga", "Bergslagen", "Sydnärke")
# Örebro has several health centres; each other municipality one.
EXTRA_HEALTH_CENTRES_OREBRO = ("Tybble", "Varberga", "Brickebacken", "Vivalla", "Lillån")

# Fictional school names, handed out in order so the county's structure does not depend on
# the seed (the demo logins' school is always the first one).
SCHOOL_NAMES = (
    "Ekängsskolan", "Björkhagaskolan", "Lindbackaskolan", "Tallåsskolan", "Rönnbergaskolan",
    "Solhemsskolan", "Sjöängsskolan", "Granhöjdsskolan", "Hagaängsskolan", "Kvarnbackaskolan",
    "Stensätraskolan", "Ängsbyskolan", "Bergslagsskolan", "Norrängsskolan", "Södervångsskolan",
    "Vallhovsskolan", "Lönnviksskolan", "Almbyskolan", "Furulundsskolan", "Hasselbackaskolan",
    "Mossbyskolan", "Kyrkbackaskolan", "Ekbackaskolan", "Bäckaskolan", "Sjöviksskolan",
    "Högåsskolan", "Tornskolan", "Åkerbyskolan", "Lärkängsskolan", "Svalboskolan",
    "Videskolan", "Klöverskolan", "Ljungskolan", "Myrbergsskolan", "Strandskolan",
    "Vretaskolan", "Skogsbrynsskolan", "Källängsskolan", "Hedskolan", "Nyhemsskolan",
    "Åsbyskolan", "Backaskolan", "Lövängsskolan", "Forsskolan",
)  # fmt: skip

GIRLS = (
    "Alice", "Maja", "Vera", "Elsa", "Astrid", "Wilma", "Freja", "Olivia", "Selma", "Alma",
    "Ebba", "Ella", "Stella", "Clara", "Saga", "Signe", "Agnes", "Lilly", "Ines", "Nora",
    "Julia", "Molly", "Ellen", "Alva", "Elvira", "Tyra", "Linnea", "Hedda", "Isabelle", "Emilia",
    "Matilda", "Ida", "Hanna", "Amira", "Sara", "Nour", "Leila", "Yasmin", "Hiba", "Zainab",
    "Maryam", "Sofia", "Edith", "Greta", "Juni", "Liv", "Siri", "Ronja", "Meja", "Tilde",
)  # fmt: skip
BOYS = (
    "Noah", "William", "Hugo", "Liam", "Lucas", "Oliver", "Elias", "Adam", "Alexander", "Matteo",
    "Leo", "Vincent", "Arvid", "Oscar", "Theo", "Nils", "Ludvig", "Isak", "Viktor", "Emil",
    "Melvin", "Filip", "Axel", "Ali", "Omar", "Yusuf", "Mohammed", "Ibrahim", "Malte", "Sixten",
    "Charlie", "Edvin", "Albin", "Olle", "Love", "Colin", "Sam", "Anton", "Jonathan", "Elton",
    "Gustav", "Josef", "Ivar", "Loke", "Casper", "Melker", "Henry", "Benjamin", "Kevin", "Aron",
)  # fmt: skip
WOMEN = (
    "Anna", "Maria", "Karin", "Sara", "Emma", "Johanna", "Linda", "Jessica", "Sofia", "Malin",
    "Elin", "Camilla", "Frida", "Jenny", "Therese", "Hanna", "Lina", "Ida", "Caroline", "Amanda",
    "Helena", "Susanne", "Petra", "Fatima", "Amina", "Layla", "Aisha", "Nadia", "Mirela",
    "Katarina",
)  # fmt: skip
MEN = (
    "Johan", "Erik", "Anders", "Daniel", "Fredrik", "Mikael", "Andreas", "Marcus", "Niklas",
    "Peter", "Magnus", "Jonas", "Martin", "Mattias", "Stefan", "Patrik", "Tobias", "Henrik",
    "Christoffer", "Joakim", "Robert", "Ahmed", "Mohamed", "Hassan", "Ali", "Mehmet", "Dragan",
    "Tomas", "Per", "Jimmy",
)  # fmt: skip
SURNAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson",
    "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Lindström", "Olofsson", "Lindqvist",
    "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren", "Lundqvist",
    "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg",
    "Wallin", "Ali", "Mohammed", "Engström", "Eklund", "Danielsson", "Lundin", "Håkansson",
    "Björk", "Bergman", "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson",
    "Bergqvist", "Nyström", "Holmberg", "Arvidsson", "Löfgren", "Söderberg", "Nyberg",
    "Blomqvist", "Claesson", "Nordström", "Ahmed", "Hassan", "Mårtensson", "Lundström",
    "Viklund", "Björklund", "Eliasson", "Pålsson", "Berggren", "Sandström", "Lund", "Nordin",
    "Ström", "Åberg", "Hermansson", "Ekström", "Holmgren", "Yilmaz", "Nguyen", "Hadžić",
    "Omar", "Abdi", "Kovačević", "Rostami", "Haddad", "Öberg", "Dahlberg",
)  # fmt: skip
STREETS = (
    "Storgatan", "Kyrkogatan", "Drottninggatan", "Skolgatan", "Järnvägsgatan", "Nygatan",
    "Parkvägen", "Björkvägen", "Ekvägen", "Tallvägen", "Granvägen", "Lindvägen", "Rönnvägen",
    "Bäckvägen", "Ängsvägen", "Sjövägen", "Skogsvägen", "Solvägen", "Vallgatan", "Bergsgatan",
    "Hagagatan", "Kvarngatan", "Bruksgatan", "Stationsgatan", "Trädgårdsgatan", "Åsgatan",
    "Lärkvägen", "Svalvägen", "Mejselvägen", "Hantverkargatan", "Smedjegatan", "Fabriksgatan",
    "Prästgårdsvägen", "Gärdesvägen", "Fältvägen", "Klockarvägen", "Mossvägen", "Ringvägen",
    "Norra Allén", "Södra vägen",
)  # fmt: skip


def fictional_phone(index: int) -> str:
    """A phone number from the series Post- och telestyrelsen keeps for fiction
    (070-174 06 05 – 070-174 06 99), so no demo number rings a real person."""
    return f"070-174 06 {5 + index % 95:02d}"


# What each kind of organisation does, in the words a colleague from another organisation
# needs (GOV-2: "know each other's responsibilities"). {kommun} and {region} are filled in.
ORGANISATION_TEXTS: dict[str, dict[str, str]] = {
    "socialtjanst": {
        "mandate": (
            "Socialnämnden i {kommun} kommun har det yttersta ansvaret för att barn och unga som "
            "vistas i kommunen får det skydd och stöd de behöver (socialtjänstlagen 2025:400). "
            "Barn och unga tar emot orosanmälningar, gör skyddsbedömning samma dag och "
            "förhandsbedömning inom 14 dagar, utreder barnets behov enligt BBIC och beslutar om "
            "insatser i öppenvård och om placering utanför hemmet. Socialtjänsten ansvarar "
            "tillsammans med {region} för att en samordnad individuell plan (SIP) upprättas när "
            "barnet behöver insatser från båda."
        ),
        "competence": (
            "Socialsekreterare med socionomexamen och utbildning i BBIC, samtal med barn och "
            "bedömning av risk och skydd; familjebehandlare i öppenvården (föräldrastöd, "
            "nätverksmöten, Trappan för barn som upplevt våld); kunskap om våld i nära "
            "relationer, hedersrelaterat våld och missbruk hos föräldrar; familjehem och HVB."
        ),
        "priorities": (
            "1. Akut skydd: skyddsbedömning samma dag som anmälan kommer in. "
            "2. Förhandsbedömning inom 14 dagar. "
            "3. Pågående utredningar, som ska vara klara inom fyra månader. "
            "4. Uppföljning av placerade barn. "
            "5. Öppenvårdsinsatser och förebyggande arbete."
        ),
        "contact_route": (
            "Orosanmälan: ring mottagningen för barn och unga via kommunens kontaktcenter "
            "vardagar 08.00–16.30 eller använd kommunens e-tjänst för orosanmälan; den som är "
            "anmälningsskyldig anger alltid sitt namn. Akut utanför kontorstid: socialjouren "
            "via 112. Samverkan och SIP: kontakta mottagningen, som förmedlar till ansvarig "
            "socialsekreterare."
        ),
    },
    "skola": {
        "mandate": (
            "Huvudmannen för grundskolan i {kommun} kommun ansvarar för att varje elev får "
            "ledning och stimulans, extra anpassningar och särskilt stöd enligt skollagen "
            "(2010:800) 3 kap. Elevhälsan omfattar medicinska, psykologiska, psykosociala och "
            "specialpedagogiska insatser och ska främst vara förebyggande och hälsofrämjande "
            "(2 kap. 25 §). All personal är skyldig att genast anmäla oro för att ett barn far "
            "illa till socialnämnden."
        ),
        "competence": (
            "Skolsköterskor och skolläkare (hälsobesök, vaccinationer, elevhälsans medicinska "
            "insatser), skolkuratorer (psykosocialt stöd och samtal), skolpsykologer "
            "(utredning av förutsättningar för lärande), specialpedagoger (pedagogisk "
            "kartläggning, åtgärdsprogram) och studie- och yrkesvägledare."
        ),
        "priorities": (
            "1. Elevens trygghet och studiero. "
            "2. Orosanmälan till socialtjänsten utan dröjsmål. "
            "3. Utredning av behov av särskilt stöd och åtgärdsprogram. "
            "4. Frånvaroarbete: tidig kontakt med hemmet vid upprepad frånvaro. "
            "5. Förebyggande och hälsofrämjande elevhälsoarbete."
        ),
        "contact_route": (
            "Kontakta rektor eller elevhälsan på elevens skola via skolans expedition vardagar. "
            "Skolan kan föreslå en SIP och delta som part enligt {region}s överenskommelse; "
            "kallelsen skickas av socialtjänsten eller regionen."
        ),
    },
    "lss": {
        "mandate": (
            "{kommun} kommun beslutar om insatser enligt lagen (1993:387) om stöd och service "
            "till vissa funktionshindrade (LSS) för barn och unga med intellektuell "
            "funktionsnedsättning, autism eller andra stora och varaktiga "
            "funktionsnedsättningar: kontaktperson, avlösarservice, korttidsvistelse, "
            "korttidstillsyn för skolungdom över 12 år och boende i familjehem eller bostad "
            "med särskild service."
        ),
        "competence": (
            "LSS-handläggare med kunskap om funktionsnedsättningar och neuropsykiatriska "
            "diagnoser; personal i korttidsverksamhet med utbildning i lågaffektivt bemötande "
            "och alternativ och kompletterande kommunikation (AKK)."
        ),
        "priorities": (
            "1. Barn med omfattande omvårdnadsbehov där familjen riskerar att inte orka. "
            "2. Ansökningar om korttidsvistelse och avlösning. "
            "3. Uppföljning av beviljade insatser minst en gång om året. "
            "4. Individuell plan enligt LSS 10 § när familjen begär det."
        ),
        "contact_route": (
            "Vårdnadshavare ansöker om insats hos LSS-handläggaren via kommunens kontaktcenter "
            "eller e-tjänst; barn- och ungdomshabiliteringen hjälper till med intyg. Vid "
            "samverkan: kontakta LSS-handläggaren direkt."
        ),
    },
    "ledning": {
        "mandate": (
            "Regionkansliet i {region} leder, utvecklar och följer upp regionens verksamheter "
            "för barn och unga och samverkan med länets tolv kommuner enligt de regionala "
            "överenskommelserna. Analys och uppföljning tar fram underlag om SIP, utskrivning "
            "och samverkan för politiska styrgruppen och tjänstemannaberedningen. Ansvarar inte "
            "för enskilda barn."
        ),
        "competence": (
            "Analytiker, statistiker och verksamhetsutvecklare; uppföljning av nyckeltal, "
            "kartläggningar och handlingsplaner; stöd till länets samverkansorgan."
        ),
        "priorities": (
            "1. Uppföljning som överenskommelserna kräver (SIP, utskrivning, samverkan). "
            "2. Underlag till länets samverkansorgan. "
            "3. Kartläggningar och utvecklingsarbete."
        ),
        "contact_route": (
            "Via regionens växel eller funktionsbrevlådan för analys och uppföljning; frågor om "
            "enskilda barn hänvisas till verksamheterna."
        ),
    },
    "bup": {
        "mandate": (
            "Barn- och ungdomspsykiatrin i {region} utreder och behandlar barn och unga 0–17 år "
            "med måttliga till svåra psykiatriska tillstånd – depression, ångestsyndrom, "
            "tvångssyndrom, ätstörning, självskadebeteende, bipolär sjukdom och psykos – och "
            "gör neuropsykiatriska utredningar när första linjen inte räcker. BUP har "
            "heldygnsvård och akut psykiatrisk bedömning dygnet runt. Regionen ansvarar "
            "tillsammans med kommunen för SIP (HSL 16 kap. 4 §)."
        ),
        "competence": (
            "Barn- och ungdomspsykiatrer, psykologer, kuratorer, sjuksköterskor, "
            "arbetsterapeuter och logopeder; KBT, familjeterapi, DBT för unga som skadar sig "
            "själva, läkemedelsbehandling och neuropsykiatriska utredningar."
        ),
        "priorities": (
            "1. Akut suicidrisk och akut psykiatriskt tillstånd: bedömning samma dag. "
            "2. Allvarlig ätstörning och psykos. "
            "3. Barn som far illa och barn placerade utanför hemmet. "
            "4. Vårdgarantin: första besök inom 30 dagar, utredning eller behandling inom 30 "
            "dagar efter beslut. "
            "5. Övriga remisser i tur och ordning."
        ),
        "contact_route": (
            "Remiss från vårdcentral, elevhälsans skolläkare, BUM eller socialtjänsten; unga "
            "och vårdnadshavare kan också söka själva via 1177 eller mottagningens telefon "
            "vardagar 08.00–16.00. Akut: BUP-akuten vid Universitetssjukhuset Örebro via 1177 "
            "eller 112. Samverkan och SIP: mottagningens samordnare."
        ),
    },
    "bvc": {
        "mandate": (
            "Barnhälsovården i {region} följer alla barns hälsa, utveckling och "
            "uppväxtvillkor från födseln till skolstart: hälsobesök enligt det nationella "
            "barnhälsovårdsprogrammet, vaccinationer och föräldrastöd. BVC upptäcker tidigt "
            "avvikelser i utvecklingen, nedstämdhet hos föräldrar och barn som far illa, och "
            "är skyldig att anmäla oro till socialtjänsten."
        ),
        "competence": (
            "BVC-sjuksköterskor (distriktssköterskor eller barnsjuksköterskor), BVC-läkare och "
            "barnhälsovårdspsykologer; språkscreening, EPDS-samtal om nedstämdhet efter "
            "förlossning och frågor om våld i nära relationer."
        ),
        "priorities": (
            "1. Barn där det finns oro för omsorgssvikt eller våld. "
            "2. Familjer med större behov (utökade hembesök). "
            "3. Alla hälsobesök och vaccinationer enligt programmet. "
            "4. Föräldragrupper."
        ),
        "contact_route": (
            "Kontakta BVC-sjuksköterskan på barnets vårdcentral via 1177 eller telefon. En "
            "kallelse till SIP skickas till barnhälsovården på barnets vårdcentral."
        ),
    },
    "habilitering": {
        "mandate": (
            "Barn- och ungdomshabiliteringen i {region} ger habilitering till barn och unga "
            "0–17 år med varaktiga funktionsnedsättningar – intellektuell "
            "funktionsnedsättning, autism, rörelsehinder och flerfunktionsnedsättning – för "
            "att främja utveckling, förebygga försämring och stödja familjen "
            "(HSL 8 kap. 7 §)."
        ),
        "competence": (
            "Arbetsterapeuter, fysioterapeuter, logopeder, psykologer, kuratorer, "
            "specialpedagoger och dietister; föräldrautbildning om autism och intellektuell "
            "funktionsnedsättning, hjälpmedel, AKK och samverkan med skola och LSS."
        ),
        "priorities": (
            "1. Barn med nyss ställd diagnos och deras familjer. "
            "2. Barn med omfattande behov och många aktörer runt sig. "
            "3. Hjälpmedel och insatser med medicinsk brådska. "
            "4. Gruppinsatser och föräldrautbildning."
        ),
        "contact_route": (
            "Remiss från läkare eller psykolog (BUP, BUM, BVC, elevhälsan) med fastställd "
            "diagnos; familjen kan också höra av sig själv. Varje barn har en kontaktperson på "
            "habiliteringen, som nås via mottagningen vardagar."
        ),
    },
    "bum": {
        "mandate": (
            "Barn- och ungdomsmedicin i {region} utreder och behandlar barn och unga 0–17 år "
            "med kroniska och komplicerade kroppsliga sjukdomar (diabetes, astma, epilepsi), "
            "tillväxtstörningar och funktionella besvär, och bedömer skador som kan bero på "
            "misshandel av små barn."
        ),
        "competence": (
            "Barnläkare med subspecialiteter, barnsjuksköterskor, dietister, psykologer och "
            "kuratorer; barnskyddsteam som bedömer misstänkt misshandel."
        ),
        "priorities": (
            "1. Akut sjukdom och misstänkt misshandel av små barn (barnskyddsteamet). "
            "2. Kroniskt sjuka barn med instabil sjukdom. "
            "3. Remisser för utredning efter medicinsk prioritet."
        ),
        "contact_route": (
            "Remiss från vårdcentral, BVC eller elevhälsans skolläkare. Akut: barnakuten vid "
            "Universitetssjukhuset Örebro. Barnskyddsteamet nås via barnmottagningen vid USÖ."
        ),
    },
    "primarvard": {
        "mandate": (
            "Primärvården i {region} är första linjen för barns och ungas hälsa: "
            "vårdcentralerna bedömer och behandlar vanliga sjukdomar och lindrig till måttlig "
            "psykisk ohälsa och remitterar vidare till BUP, BUM eller habiliteringen vid behov."
        ),
        "competence": (
            "Allmänläkare, distriktssköterskor och vårdcentralernas psykosociala team med "
            "psykologer och kuratorer; korta KBT-baserade insatser vid lindrig ångest, "
            "nedstämdhet och sömnproblem."
        ),
        "priorities": (
            "1. Akuta besök samma dag. "
            "2. Psykisk ohälsa hos barn och unga: medicinsk bedömning inom vårdgarantins tre "
            "dagar. "
            "3. Planerad vård och uppföljning."
        ),
        "contact_route": (
            "Kontakt via 1177 eller vårdcentralens telefon. Remiss mellan vårdcentral och BUP "
            "enligt regionens riktlinje för första och andra linjen."
        ),
    },
    "polis": {
        "mandate": (
            "Polismyndigheten förebygger, förhindrar och utreder brott (polislagen 1984:387). "
            "I polisregion Bergslagen utreder lokalpolisområdena brott mot barn – misshandel, "
            "sexualbrott och fridskränkning – och arbetar brottsförebyggande med unga i "
            "riskzon tillsammans med skola och socialtjänst (SSPF). Polisen ska anmäla oro för "
            "barn till socialnämnden."
        ),
        "competence": (
            "Barnutredare med särskild utbildning i förhör med barn, ungdomsutredare, "
            "kommunpoliser och områdespoliser; samverkan i Barnahus och i SSPF (skola, "
            "socialtjänst, polis, fritid)."
        ),
        "priorities": (
            "1. Akut fara för ett barns liv eller hälsa. "
            "2. Brott mot barn i nära relation: förhör i Barnahus inom två veckor. "
            "3. Unga lagöverträdare: skyndsam handläggning enligt LUL. "
            "4. Brottsförebyggande arbete i SSPF."
        ),
        "contact_route": (
            "Akut: 112. Annars 114 14 eller polisen.se. Socialtjänsten når barnutredarna och "
            "kommunpolisen via lokalpolisområdets samverkanskontakt; samråd om brott mot barn "
            "sker i Barnahus."
        ),
    },
    "barnahus": {
        "mandate": (
            "Barnahus Örebro län samlar socialtjänst, polis, åklagare, rättsmedicin och "
            "hälso- och sjukvård kring barn som misstänks ha utsatts för våld eller sexuella "
            "övergrepp, så att barnet bara behöver berätta på ett ställe: samråd, förhör, "
            "läkarundersökning, skyddsbedömning och krisstöd sker i en barnvänlig miljö. "
            "Värdkommun är Örebro kommun, på uppdrag av länets kommuner och {region}."
        ),
        "competence": (
            "Barnahussamordnare (socionomer), barnutredare från polisen, åklagare, barnläkare "
            "och barnpsykologer; krisstöd och traumafokuserad KBT efter övergrepp."
        ),
        "priorities": (
            "1. Samråd samma dag vid akut misstanke om brott mot barn. "
            "2. Förhör och läkarundersökning så snart som möjligt. "
            "3. Krisstöd till barnet och den skyddande föräldern."
        ),
        "contact_route": (
            "Socialtjänsten eller polisen begär samråd hos Barnahus samordnare vardagar "
            "08.00–16.30. Andra verksamheter vänder sig till socialtjänsten eller polisen."
        ),
    },
}

# Why a unit has the child, in the words of that unit's own records.
INVOLVEMENT_REASONS: dict[str, tuple[str, ...]] = {
    "school": ("Elev",),
    "bvc": ("Inskriven på BVC",),
    "soc_intake": (
        "Orosanmälan från skolan, förhandsbedömning pågår",
        "Orosanmälan från polisen, förhandsbedömning pågår",
        "Ansökan om stöd från vårdnadshavare",
        "Orosanmälan från BVC, förhandsbedömning pågår",
    ),
    "soc_investigation": (
        "Utredning efter orosanmälan (BBIC)",
        "Utredning: våld i nära relation",
        "Utredning: skolfrånvaro och oro för psykisk hälsa",
        "Utredning: missbruk hos förälder",
        "Utredning: normbrytande beteende",
    ),
    "soc_outpatient": (
        "Familjebehandling",
        "Kontaktperson",
        "Föräldrastöd",
        "Stödsamtal för barn som upplevt våld",
    ),
    "bup": (
        "Neuropsykiatrisk utredning",
        "Behandling av depression",
        "Behandling av ångestsyndrom",
        "Ätstörning",
        "Självskadebeteende",
        "Tvångssyndrom",
    ),
    "habilitation": (
        "Autism, habiliteringsinsatser",
        "Intellektuell funktionsnedsättning",
        "Rörelsehinder, fysioterapi",
    ),
    "paediatrics": ("Diabetes typ 1", "Epilepsi", "Astma, uppföljning", "Tillväxtutredning"),
    "primary_care": ("Psykosocialt team, stödsamtal", "Sömnproblem"),
    "lss": ("Korttidsvistelse enligt LSS", "Avlösarservice enligt LSS", "Kontaktperson LSS"),
    "police": ("Förundersökning: misshandel", "Förundersökning: ungdomsbrott", "SSPF"),
    "barnahus": ("Samråd och barnförhör",),
}
