"""Words and phrases (Hindi in Devanagari, Hinglish, English) that decide department and whether
a mention is actionable (urgency's words live in ``urgency``, official replies' in ``speaker``,
central bodies' in ``jurisdiction``).

Every term is matched through ``normalise`` (case, spacing, nukta, chandrabindu and the
cross-script phonetic key), so ``bijli``, ``bijlee`` and ``बिजली`` are one entry; list a variant
only when its key differs (check with ``normalise.name_key``). Weights: 1 weak hint, 2 usual,
3 decisive. COMPLAINT_TERMS weigh evidence of a problem (3) apart from asks and hedges (1: please,
why, still, not), which support evidence but never make a complaint alone. To add a word: put it in the right list below and add a case to
``tests/triage/test_triage.py`` (or ``test_outcomes.py`` for outcomes, speakers, urgency).
"""

from __future__ import annotations

# --- departments ------------------------------------------------------------------------

DEPARTMENT_TERMS: dict[str, dict[int, tuple[str, ...]]] = {
    "police": {
        3: ("chori", "चोरी", "chor", "चोर", "theft", "stolen", "robbery", "loot", "लूट", "lut liya", "snatching", "snatched",
            "chain snatching", "छिनैती", "chhinaiti", "फोन छीन", "mobile chheen", "छीन ली", "छीन लिया", "chheen li", "chheen liya", "छीना",
            "बदमाश", "badmash", "badmaash", "FIR", "एफआईआर", "एफ आई आर", "thana", "थाना",
            "थाने", "thane", "thaane", "kotwali", "कोतवाली", "daroga", "दरोगा", "दारोगा", "chowki", "चौकी", "harassment",
            "harass", "harassing", "छेड़छाड़", "chhedkhani", "chedkhani", "eve teasing", "molest", "molestation", "मारपीट",
            "maarpeet", "marpeet", "maar peet", "assault", "pitai", "पिटाई", "peet rahe", "पीट रहे", "धमकी", "dhamki",
            "threat", "threatening", "धोखाधड़ी", "dhokhadhadi", "cyber fraud", "online fraud", "fraud", "scam", "scammer",
            "ठगी", "thagi", "thag", "blackmail", "kidnap", "kidnapping", "kidnapped", "अपहरण", "apharan", "apaharan", "murder",
            "हत्या", "hatya", "goli", "गोली", "firing", "फायरिंग", "tamancha", "तमंचा", "avaidh sharab", "अवैध शराब",
            "kachchi sharab", "कच्ची शराब", "nasha", "नशा", "smack", "स्मैक", "gambling", "जुआ", "jua", "dahej", "दहेज",
            "domestic violence", "rape", "बलात्कार", "gunda", "goonda", "गुंडा", "गुंडे", "gunde", "dabang", "दबंग",
            "dabangai", "दबंगई", "दबंगों", "rangdari", "रंगदारी", "extortion", "stalking", "stalker", "पीछा", "peecha",
            "picha", "cop", "cops", "sho", "एसएचओ", "inspector", "sipahi", "सिपाही", "constable", "jhagda",
            "झगड़ा", "ladai", "लड़ाई", "gaali galauj", "गाली गलौज", "chhed rahe", "छेड़ रहे", "chhed raha", "छेड़ रहा", "fabtiyan", "फब्तियां",
            "fire brigade", "दमकल", "damkal", "vasooli", "वसूली", "avaidh vasooli", "अवैध वसूली", "badsaluki", "बदसलूकी", "misbehave", "misbehaving",
            "maar raha", "मार रहा", "maar rahi", "peet raha", "पीट रहा", "following", "follow kar", "knife", "chaku",
            "चाकू", "takkar", "टक्कर", "tastkari", "तस्करी", "smuggling", "ghayal", "घायल", "injured", "khanan",
            "खनन", "avaidh khanan", "अवैध खनन", "satta", "सट्टा", "hungama", "हंगामा", "nuisance", "bichhad", "abusing", "pickpocket", "jebkatri", "जेबकतरी",
            "vahan chori", "वाहन चोरी", "bike chori", "बाइक चोरी", "dj", "डीजे", "loudspeaker", "illegal liquor",
            "sex racket", "nashedi", "नशेड़ी", "sharabi", "शराबी", "hamla", "हमला", "attack", "जेबकतरे", "jebkatre", "pickpockets", "lootpaat", "लूटपाट", "chura", "चुरा",
            "churaya", "चुराया", "chura liya", "चुरा लिया", "beating", "beats",
            "sextortion", "upi fraud", "otp", "jeb kat", "jeb kaat", "जेब कट", "जेब काट", "chhedte", "chhedta",
            "छेड़ते", "छेड़ता", "stunt", "स्टंट", "loud music", "noise", "shor", "शोर", "तेज आवाज", "tez awaz",
            "misbehaved", "harassed", "drunkards", "drinking in public", "stole", "robbed", "ठगों", "ठग", "thagon", "फर्जी", "farji", "fake id", "fake account",
            "पैसे निकाल", "paise nikal", "khate se", "खाते से", "fraud call", "fraudster", "fraudsters", "cheated", "hooligans", "mob", "bhid", "दुष्कर्म", "fighting"),
        2: ("aag", "आग", "fire"),
        1.5: ("accident", "एक्सीडेंट", "हादसा", "hadsa", "हादसे", "दुर्घटना", "durghatna"),
        1: ("police", "पुलिस", "sharab", "शराब", "theka", "ठेका", "maar", "मार", "ladki", "लड़की", "beat", "beaten", "112", "100", "gayab", "गायब",
            "ghayab", "missing", "लापता", "lapata", "laapata", "scared", "unsafe", "darr", "डर", "fight", "ladke", "लड़के"),
    },
    "electricity": {
        3: ("bijli", "बिजली", "bijali", "bijlee", "power cut", "powercut", "power cuts", "बिजली कटौती", "katauti",
            "कटौती", "transformer", "ट्रांसफार्मर", "ट्रांसफॉर्मर", "transformar", "tranformer", "uppcl", "यूपीपीसीएल",
            "pvvnl", "dvvnl", "mvvnl", "puvvnl", "kesco", "lineman", "लाइनमैन", "voltage", "वोल्टेज", "low voltage",
            "electricity", "electric", "power supply", "load shedding", "street light", "streetlight", "स्ट्रीट लाइट",
            "light nahi", "light nhi", "लाइट नहीं", "light gayab", "light chali", "bijli vibhag", "बिजली विभाग",
            "current nahi", "करंट", "current laga", "electric shock", "bijli ka bill", "बिजली बिल", "electricity bill",
            "smart meter", "स्मार्ट मीटर", "meter", "मीटर", "power outage", "outage", "no power", "power nahi",
            "bijli ghar", "बिजलीघर", "substation", "सबस्टेशन", "feeder", "फीडर", "खंभा", "khamba", "pole", "live wire",
            "तार टूट", "taar toot", "tar toot", "bijli ka taar", "बिजली का तार", "बिजली के तार", "jhatka", "झटका", "street lights", "streetlights",
            "tubewell connection", "tubewell ka connection", "bijli ka taar toot", "bijli ka tar toot",
            "बिजली का तार टूट", "बिजली के तार टूट", "bijli ka taar gir", "बिजली का तार गिर", "नलकूप कनेक्शन", "chingari", "चिंगारी"),
        1: ("light", "लाइट", "current", "power", "bill", "बिल", "taar", "तार", "wire", "connection", "कनेक्शन", "inverter",
            "garmi", "गर्मी"),
    },
    "water": {
        3: ("water supply", "पानी की सप्लाई", "pani ki supply", "jal nigam", "जल निगम", "jal sansthan", "जल संस्थान",
            "नल", "nal", "tap water", "taps", "pipeline", "पाइपलाइन", "pipe line", "pipe leak", "handpump", "hand pump",
            "हैंडपंप", "हैंडपम्प", "इंडिया मार्क", "borewell", "tanki", "टंकी",
            "water tank", "overhead tank", "peene ka pani", "peene ka paani", "पीने का पानी", "pine ka pani",
            "drinking water", "ganda pani aa raha", "गंदा पानी आ रहा", "dirty water supply", "water tanker", "tanker",
            "टैंकर", "jal jeevan", "jal jivan", "जल जीवन", "har ghar jal", "हर घर जल", "no water", "water nahi",
            "pani nahi aa", "paani nahi aa", "पानी नहीं आ", "पानी नहीं आया", "पानी नहीं आता"),
        2: ("pani", "paani", "पानी", "water", "jal", "जल"),
    },
    "sanitation": {
        3: ("kooda", "kuda", "कूड़ा", "कूड़े", "koode", "kude", "kachra", "कचरा", "garbage", "trash", "waste", "safai",
            "सफाई", "safaai", "gandagi", "गंदगी", "gandgi", "naali", "नाली", "nali", "naala", "नाला", "drain", "drainage",
            "sewer", "सीवर", "sewage", "सीवेज", "gutter", "गटर", "jalbharav", "जलभराव", "jal bharav", "waterlogging",
            "water logging", "water logged", "safai karmi", "सफाईकर्मी", "सफाई कर्मी", "nagar nigam", "नगर निगम",
            "nagar palika", "नगर पालिका", "nagarpalika", "municipal", "dustbin", "machchhar", "machhar", "मच्छर",
            "mosquito", "mosquitoes", "fogging", "फॉगिंग", "awara kutte", "आवारा कुत्ते", "stray dog", "stray dogs",
            "kutte", "कुत्ते", "toilet", "शौचालय", "badbu", "बदबू", "stink", "smell",
            "sweeper", "jhadu", "झाड़ू", "dead animal", "मरा हुआ जानवर", "swachh", "स्वच्छ", "pani bhar", "पानी भर",
            "पानी भरा", "paani bhara", "overflow", "ओवरफ्लो", "chamber", "चैंबर", "kooda gaadi", "कूड़ा गाड़ी", "नालियां", "नालियों", "naaliyan",
            "naliyan", "नाले", "naale", "toilets", "शौचालयों", "kutto", "kutton", "कुत्तों", "dogs", "dog bite",
            "कुत्ते ने काटा", "waterlogged", "sewage water"),
        2: ("manhole", "मैनहोल"),
        1: ("ganda", "गंदा", "gandi", "गंदी", "bimari", "बीमारी"),
    },
    "roads": {
        3: ("gaddha", "gadda", "गड्ढा", "गड्ढे", "gaddhe", "gadde", "pothole", "potholes", "tooti sadak", "टूटी सड़क",
            "sadak tooti", "सड़क टूटी", "road damaged", "damaged road", "broken road", "road toota", "road tooti",
            "pwd", "पीडब्ल्यूडी", "lok nirman", "लोक निर्माण", "pul", "पुल", "puliya", "पुलिया", "bridge", "flyover",
            "khadanja", "खड़ंजा", "kharanja", "interlocking", "इंटरलॉकिंग", "footpath", "फुटपाथ", "speed breaker",
            "divider", "nhai", "एनएचएआई", "road construction", "सड़क निर्माण", "सड़क का निर्माण", "chakroad", "चकरोड",
            "chak road", "kachchi sadak", "कच्ची सड़क", "road kharab", "sadak kharab", "सड़क खराब", "kichad", "कीचड़",
            "road repair", "सड़क की मरम्मत", "marammat", "मरम्मत", "गिट्टी", "gitti", "गड्ढों", "gaddhon", "गड्ढे", "dug up", "khudai", "खुदाई", "खोद दी", "khod di",
            "not repaired", "jarjar sadak", "जर्जर सड़क"),
        1: ("road", "sadak", "सड़क", "सड़कों", "सड़के", "street", "rasta", "रास्ता", "marg", "मार्ग", "highway"),
    },
    "health": {
        3: ("hospital", "अस्पताल", "aspatal", "aspataal", "hospitl", "doctor", "डॉक्टर", "डाक्टर", "daktar", "ambulance",
            "एम्बुलेंस", "एंबुलेंस", "108", "102", "dawa", "दवा", "dawai", "दवाई", "medicine", "medicines", "phc", "chc",
            "पीएचसी", "सीएचसी", "swasthya", "स्वास्थ्य", "nurse", "नर्स", "ilaj", "इलाज", "ilaaj", "treatment", "oxygen",
            "ऑक्सीजन", "dengue", "डेंगू", "malaria", "मलेरिया", "bukhar", "बुखार", "fever", "district hospital",
            "जिला अस्पताल", "medical college", "मेडिकल कॉलेज", "emergency ward", "vaccine", "vaccination", "टीका",
            "teeka", "टीकाकरण", "asha", "आशा कार्यकर्ता", "asha worker", "delivery", "प्रसव", "prasav", "pregnant",
            "गर्भवती", "dialysis", "cmo", "सीएमओ", "ayushman", "आयुष्मान", "health", "patient", "मरीज", "mareez",
            "mariz", "OPD", "ओपीडी", "chikitsak", "चिकित्सक", "chikitsa", "चिकित्सा", "heart attack", "हार्ट अटैक",
            "behosh", "बेहोश", "unconscious", "saans", "सांस", "blood", "icu", "stretcher", "hospital bed", "injection",
            "x-ray", "xray", "pathology", "diarrhoea", "ulti dast", "उल्टी दस्त", "cholera", "हैजा", "beds", "bed nahi", "aiims", "एम्स", "oxygen cylinder", "anti rabies", "rabies"),
        1: ("bimar", "बीमार", "sick", "medical", "dard", "दर्द"),
    },
    "revenue": {
        3: ("dakhil kharij", "दाखिल खारिज", "दाखिल-खारिज", "mutation", "kabza", "kabja", "qabza", "कब्जा", "कब्ज़ा",
            "कब्जे", "avaidh kabza", "अवैध कब्जा", "lekhpal", "लेखपाल", "tehsil", "तहसील", "tehsildar", "तहसीलदार",
            "sdm", "एसडीएम", "khatauni", "खतौनी", "zameen", "jameen", "ज़मीन", "जमीन", "bhoomi", "भूमि", "land", "plot",
            "प्लॉट", "naksha", "नक्शा", "paimaish", "पैमाइश", "measurement", "medh", "मेड़", "registry", "रजिस्ट्री",
            "varasat", "वरासत", "virasat", "विरासत", "inheritance", "income certificate", "aay praman", "आय प्रमाण",
            "caste certificate", "jati praman", "जाति प्रमाण", "niwas praman", "निवास प्रमाण", "praman patra",
            "प्रमाण पत्र", "patta", "पट्टा", "gram samaj", "ग्राम समाज", "banjar", "बंजर", "kanungo", "कानूनगो",
            "bhu mafia", "भू माफिया", "land mafia", "khasra",
            "खसरा", "batwara", "बंटवारा", "नामांतरण", "chakbandi", "चकबंदी", "amin", "अमीन",
            "lekhpaal", "land record", "khatoni", "कृषि भूमि", "gata", "गाटा", "bhumi"),
        2: ("atikraman", "अतिक्रमण", "encroachment", "encroached"),
        1.5: ("khet", "खेत"),
        1: ("dm", "डीएम", "collector", "जिलाधिकारी", "जिलाधिकारी महोदय", "makan", "मकान", "ghar par kabza"),
    },
    "food": {
        3: ("ration", "राशन", "rashan", "kotedar", "कोटेदार", "kotdar", "ration card", "राशन कार्ड", "pds",
            "sarkari galla", "सरकारी गल्ला", "galla", "गल्ला", "fair price shop", "ration dealer", "राशन डीलर",
            "quota", "कोटा", "गेहूं", "gehun", "gehu", "chawal", "चावल", "anaj", "अनाज", "milawat", "मिलावट",
            "adulteration", "adulterated", "expired food", "food safety", "खाद्य", "khadya", "ghatauli", "घटतौली",
            "कम तौल", "kam taul", "ration shop", "राशन की दुकान", "unit", "यूनिट", "antyodaya", "अंत्योदय",
            "free ration", "मुफ्त राशन", "food inspector", "fake ghee", "नकली घी", "naqli", "नकली"),
        1: ("dealer", "डीलर", "anguutha", "ghee", "milk", "दूध", "doodh", "khana", "खाना"),
    },
    "education": {
        3: ("school", "स्कूल", "vidyalaya", "विद्यालय", "teacher", "teachers", "shikshak", "शिक्षक", "adhyapak",
            "अध्यापक", "mid day meal", "मिड डे मील", "मध्याह्न भोजन", "mdm", "एमडीएम", "college", "कॉलेज", "university",
            "विश्वविद्यालय", "exam", "परीक्षा", "pariksha", "admission", "दाखिला", "fees", "fee", "फीस", "scholarship",
            "छात्रवृत्ति", "chhatravritti", "bsa", "बीएसए", "principal", "प्रधानाचार्य", "headmaster", "प्रधानाध्यापक",
            "board exam", "paper leak", "पेपर लीक", "students", "student", "chhatra", "छात्र", "छात्रा", "छात्रों",
            "basic shiksha", "बेसिक शिक्षा", "shiksha", "शिक्षा", "education", "rte", "marksheet", "मार्कशीट", "result",
            "रिजल्ट", "kitaben", "किताबें", "uniform", "यूनिफार्म", "ड्रेस", "bachchon ko padhane", "padhai", "पढ़ाई",
            "anganwadi", "आंगनबाड़ी", "shikshamitra", "शिक्षामित्र"),
    },
    "transport": {
        3: ("bus", "buses", "बस स्टैंड", "बस अड्डा", "बस कंडक्टर", "बस चालक", "बस ड्राइवर", "बस परिचालक", "बस में", "बस से",
            "रोडवेज बस", "roadways", "रोडवेज", "upsrtc", "conductor", "कंडक्टर", "परिचालक", "challan", "चालान", "e-challan",
            "traffic", "ट्रैफिक", "traffic jam", "जाम", "jam", "e-rickshaw", "ई-रिक्शा", "ई रिक्शा", "erickshaw", "rto", "आरटीओ",
            "arto", "एआरटीओ", "driving licence", "driving license", "dl", "डीएल", "registration certificate", "overloading",
            "ओवरलोडिंग", "parking", "पार्किंग", "wrong side", "helmet", "हेलमेट", "toll", "टोल", "kiraya zyada",
            "overcharging", "fare", "metro", "मेट्रो", "tempo", "टेम्पो", "vikram", "auto wala", "ऑटो वाला", "autowala",
            "bus stand", "bus stop", "bus adda", "traffic police", "यातायात", "yatayat", "signal", "सिग्नल",
            "number plate", "नंबर प्लेट", "rash driving", "ओवरस्पीड", "overspeed", "overspeeding", "ticket", "टिकट",
            "e rickshaw", "rickshaw", "अवैध पार्किंग", "ऑटो वाले", "auto wale", "auto drivers", "auto driver",
            "manmana kiraya", "मनमाना किराया", "overcharging", "किराया", "kiraya", "bus station"),
        1: ("driver", "ड्राइवर", "auto", "ऑटो", "truck", "ट्रक", "dumper", "डंपर", "vehicle", "गाड़ी", "gadi", "gaadi"),
    },
}

DEPARTMENT_TERMS["other"] = {
    3: ("pension", "पेंशन", "ganna", "गन्ना", "sugarcane", "ganne ka bhugtan", "गन्ना भुगतान", "khad", "खाद", "urea",
        "यूरिया", "fertiliser", "fertilizer", "sahkari samiti", "सहकारी समिति", "baagh", "बाघ", "tiger", "leopard",
        "तेंदुआ", "tendua", "गुलदार", "guldar", "haathi", "हाथी", "jangli", "जंगली", "van vibhag", "वन विभाग",
        "forest department", "flood", "बाढ़", "baadh", "boats", "naav", "नाव", "gotakhor", "गोताखोर", "भेड़िया", "भेड़िये", "भेड़ियों", "bhediya", "wolf", "wolves", "bal majduri",
        "बाल मजदूरी", "child labour", "wages", "majduri", "मजदूरी", "vetan", "वेतन", "salary", "not paid",
        "bhugtan", "भुगतान", "blo", "बीएलओ", "voter list", "मतदाता सूची", "awara pashu", "आवारा पशु",
        "आवारा पशुओं", "chhutta pashu", "छुट्टा पशु", "stray cattle", "ghotala", "घोटाला", "fasal", "फसल",
        "kisan samman", "किसान सम्मान", "workers", "labour", "मजदूर", "mazdoor"),
}

# --- complaint vs not actionable ------------------------------------------------------

COMPLAINT_TERMS: dict[int, tuple[str, ...]] = {
    5: ("thanks for nothing", "thank you for nothing", "koi fayda nahi", "कोई फायदा नहीं"),
    # evidence of a problem: a complaint needs some of this (or a department's problem word)
    3: ("problem", "problems", "samasya", "समस्या", "pareshan", "परेशान", "pareshani", "परेशानी", "complaint",
        "complain", "complained", "शिकायत", "shikayat", "sunwai", "sunvai", "सुनवाई", "abhi tak", "अभी तक",
        "din se", "दिन से", "dino se", "दिनों से", "mahine se", "महीने से", "broken", "toota", "tooti", "टूटा", "टूटी",
        "kharab", "खराब", "kharaab", "pada hai", "पड़ा है", "koi nahi", "कोई नहीं", "dhyan de", "ध्यान दें",
        "dhyan dijiye", "ध्यान दीजिए", "संज्ञान लें", "sangyan", "sangyan len", "jaanch", "जांच", "janch",
        "investigation", "bribe", "rishwat", "रिश्वत", "ghoos", "घूस", "corruption", "भ्रष्टाचार", "bhrashtachar",
        "paise maang", "पैसे मांग", "pidit", "पीड़ित", "victim", "nyay", "न्याय", "insaaf", "इंसाफ", "justice",
        "bachao", "बचाओ", "bachaiye", "बचाइए", "बचाइये", "koi sunta nahi", "lapravahi", "लापरवाही", "negligence",
        "neglegence", "ignored", "failed", "koi action nahi", "koi karwai nahi", "koi sunwai nahi", "delay", "delayed", "pending", "लंबित", "kab tak",
        "कब तक", "worst", "terrible", "pathetic", "horrible", "awful", "dikkat", "दिक्कत", "takleef", "तकलीफ",
        "mushkil", "मुश्किल", "galat", "गलत", "illegal", "avaidh", "अवैध", "nahi aa", "नहीं आ", "nahi mila",
        "नहीं मिला", "नहीं मिली", "nahi mili", "nahi ho raha", "नहीं हो रहा", "नहीं हो रही", "nahi hua", "नहीं हुआ",
        "नहीं हुई", "nahi hui", "not working", "doesn't work", "does not work", "don't work", "stopped working",
        "isn't working", "not received", "never received", "never got", "never arrived", "still waiting",
        "still no", "still not", "no response", "no reply", "not responding", "no one", "on hold", "charged",
        "overcharged", "refund", "lost my", "cancelled", "canceled", "unacceptable",
        "disappointing", "disappointed", "shocking", "annoying", "useless", "rude", "out of service", "no progress",
        "ridiculous", "frustrated", "frustrating", "fed up", "poor service", "bad service", "suffering", "suffer",
        "inconvenience", "can't", "cannot", "couldn't", "unable", "impossible", "waiting for", "not fixed",
        "not resolved", "no action", "koi karyavahi nahi", "कोई कार्यवाही नहीं", "कोई कार्रवाई नहीं",
        "doesn't", "didn't", "won't", "haven't", "hasn't", "wasn't", "isn't", "aren't", "not able", "help me out",
        "unsuccessful", "error", "errors", "not available", "unavailable", "no longer", "got nothing", "hung up",
        "stuck", "no way out", "blackout", "impersonation", "impersonating", "futility", "not match", "hate",
        "what happened", "what's going on", "supposed to", "still getting", "no respon", "very unclear", "awkward",
        "faulty", "defective", "damaged", "missing item", "wrong item", "overpriced", "expensive", "too much",
        "no idea when", "regret", "worse", "mess", "nightmare", "joke of a", "ripped off", "rip off", "extra charge",
        "charge kr", "charge kar", "zyada paise", "ज्यादा पैसे", "rude behaviour", "misbehaviour", "harassed",
        "running late", "arrived late", "late by", "hours late", "discontinued", "struggle", "miserable", "unreliable",
        "rash", "irresponsible", "nothing is done", "nothing has been done", "indifference", "difficulties",
        "difficulty", "difficult", "money back", "derail", "panic", "disrespect", "unethical", "fake promises",
        "suffered", "overcrowded", "crowded", "no seat", "dirty", "filthy", "unhygienic", "smelly", "misbehaved",
        "refused", "refusing", "refuse", "denied", "overcharge", "overcharging", "extra money", "extortion",
        "unauthorised", "unauthorized", "what a mess", "bloody", "#unacceptable", 
        "unsafe", "dangerous", "khatra", "खतरा"),
    # asks and hedges: they support evidence but are no evidence by themselves
    1: ("nahi", "nahin", "nhi", "nai", "नहीं", "नही", "not", "no", "never", "help", "madad", "मदद", "sahayata",
        "सहायता", "kripya", "कृपया", "please", "plz", "pls", "plzz", "karyavahi", "कार्यवाही", "कार्रवाई", "karwai",
        "karvai", "action", "suno", "still", "since", "issue", "urgent", "need", "request", "anurodh", "अनुरोध",
        "nivedan", "निवेदन", "prarthana", "प्रार्थना", "save", "ignore", "without", "बिना", "bina", "hai kya", "kyon",
        "क्यों", "kyu", "why", "where", "kahan", "कहां", "bad", "बुरा", "bura", "hal", "हाल", "afsos", "wrong",
        "ki jaaye", "की जाए", "kiya jaye", "किया जाए", "karen", "करें", "kijiye", "कीजिए", "कीजिये", "karwaye",
        "कराएं", "करवाएं", "dilaye", "दिलाएं", "dilwaye", "karo", "do", "nikalo", "रोकें", "roken", "rokiye", "हटवाएं",
        "hatwaye", "hatao", "lagwaye", "लगवाएं", "theek karwaye", "ठीक कराएं", "shuru", "चालू", "band", "बंद",
        "look into", "take action", "kindly", "sir", "guide", "resolve", "requesting", "request you", "demand",
        "required", "should be", "increase", "start", "late", "facing", "pay attention", "attention", "please help",
        "help please", "kindly help", "plz help", "pls help"),
}

NOT_ACTIONABLE_TERMS: dict[str, dict[int, tuple[str, ...]]] = {
    "praise": {
        3: ("thank you", "thanks", "thank u", "thanku", "thnx", "thx", "dhanyavad", "dhanyawad", "धन्यवाद", "shukriya",
            "शुक्रिया", "aabhar", "abhar", "आभार", "great work", "good work", "good job", "well done", "salute", "सलाम",
            "सैल्यूट", "kudos", "proud", "गर्व", "garv", "appreciate", "appreciated", "सराहनीय", "saraahniya",
            "prashansniya", "प्रशंसनीय", "badhai", "बधाई", "congratulations", "congrats", "keep it up", "shandar",
            "शानदार", "behtareen", "बेहतरीन", "bahut accha kaam", "बहुत अच्छा काम", "achha kaam", "excellent",
            "amazing work", "hats off", "jai ho", "जय हो", "🙏🙏", "respect", "naman", "नमन", "जय हिंद", "jai hind"),
    },
    "resolved": {
        2: ("aa gayi", "aa gai", "आ गई", "आ गयी", "bijli aa gayi", "बिजली आ गई", "light aa gayi", "resolved",
            "solved", "fixed", "restored", "bahal", "बहाल", "theek ho gaya", "ठीक हो गया", "thik ho gaya", "ठीक हो गई",
            "mil gaya", "मिल गया", "मिल गई", "mil gayi", "recovered", "बरामद", "baramad", "arrested", "गिरफ्तार",
            "giraftar", "pakda gaya", "पकड़ा गया", "recovering", "for recovering", "recovered my", "quick action", "quick response", "turant karyavahi",
            "त्वरित कार्यवाही", "tvarit", "swift action", "prompt action", "कार्यवाही की गई", "kaam ho gaya"),
    },
    "greeting": {
        3: ("good morning", "good night", "happy diwali", "दीपावली की शुभकामनाएं", "happy holi", "eid mubarak",
            "ईद मुबारक", "shubhkamnayen", "शुभकामनाएं", "शुभकामनाएँ", "हार्दिक", "happy new year", "नववर्ष",
            "happy independence day", "स्वतंत्रता दिवस", "republic day", "गणतंत्र दिवस", "namaskar", "नमस्कार",
            "suprabhat", "सुप्रभात", "janmdin", "जन्मदिन", "happy birthday", "ram ram", "राम राम", "radhe radhe", "राधे राधे",
            "jai shri ram", "जय श्री राम", "har har mahadev", "हर हर महादेव", "mubarak"),
    },
    "news": {
        3: ("breaking", "ब्रेकिंग", "breaking news", "read more", "report:", "viral video", "वायरल वीडियो",
            "traffic advisory", "diversion plan", "just posted", "i liked a", "sign up", "signup bonus", "cash back"),
        # words citizens use too ("via", "according to"): a hint, not a verdict
        1: ("news", "खबर", "ख़बर", "समाचार", "samachar", "according to", "reports", "reportedly", "watch", "देखिए",
            "dekhiye", "via", "advisory", "एडवाइजरी"),
    },
    "politics": {
        3: ("election", "elections", "chunav", "चुनाव", "vote", "votes", "वोट", "matdan", "मतदान", "bjp", "भाजपा", "बीजेपी",
            "samajwadi", "समाजवादी", "सपा", "congress", "कांग्रेस", "bsp", "बसपा", "opposition", "विपक्ष", "rally",
            "रैली", "2027", "2024", "manifesto", "सरकार बनेगी", "jeetegi", "जीतेगी", "modi ji", "मोदी जी", "yogi ji",
            "योगी जी", "akhilesh", "अखिलेश", "rahul gandhi", "राहुल गांधी", "mayawati", "मायावती", "bulldozer baba",
            "बुलडोजर बाबा", "double engine", "डबल इंजन", "godi media", "गोदी मीडिया", "sanghi", "andhbhakt",
            "अंधभक्त", "neta ji", "जिंदाबाद", "zindabad", "murdabad", "मुर्दाबाद", "law and order best", "ram rajya",
            "राम राज्य", "rajneeti", "राजनीति", "politics"),
        1: ("modi", "मोदी", "yogi", "योगी", "sarkar", "सरकार", "government", "cm", "मुख्यमंत्री"),
    },
    "official": {
        # phrases of a reply or forward that citizens also use ("necessary action", "प्रकरण"): a strong hint only
        3: ("संज्ञान में लेकर", "संज्ञानित", "अवगत कराया गया", "अवगत कराएं", "प्रभारी निरीक्षक", "मोबाइल नंबर उपलब्ध",
            "डीएम करें", "dm करें", "share your contact", "kindly dm", "please dm", "dm your", "has been forwarded",
            "forwarded to", "has been informed", "concerned officer", "उक्त प्रकरण", "कृत कार्यवाही", "आख्या",
            "भ्रामक", "fact check", "फैक्ट चेक"),
    },
}

# Everyday words a place name must not be mistaken for (in addition to every term above).
COMMON_WORDS: tuple[str, ...] = (
    "hai", "hain", "ho", "ka", "ki", "ke", "ko", "se", "me", "mein", "par", "pe", "aur", "ya", "bhi", "to", "tak", "wala",
    "wale", "wali", "ghar", "gaon", "gao", "gali", "mohalla", "colony", "nagar", "sector", "road", "marg", "chowk",
    "chauraha", "bazar", "bazaar", "mandi", "market", "mall", "sadar", "dehat", "city", "gate", "station", "cantt",
    "civil lines", "naka", "kotwali", "thana", "pura", "ganj", "kalan", "khurd", "bar", "mat", "mohan", "ram", "shyam",
    "raja", "rani", "lal", "kala", "gola", "pali", "para", "katra", "kothi", "bela", "deva", "devi", "haldi", "shahi",
    "sahar", "lar", "aata", "atta", "ahar", "aahar", "chhatri", "pahadi", "jariya", "zariya", "naya", "nayagaon", "link",
    "link road", "wave", "knowledge", "phase", "eka", "ek", "do", "teen", "char", "panch", "saat", "aath", "das", "bees",
    "sau", "hazar", "log", "logon", "bahut", "sab", "kuch", "koi", "kya", "kab", "kaise", "kaun", "jis", "jo", "jab",
    "tab", "ab", "yahan", "wahan", "idhar", "udhar", "upar", "neeche", "andar", "bahar", "saamne", "paas", "door",
    "din", "raat", "subah", "shaam", "kal", "aaj", "parso", "mahina", "saal", "ghanta", "minute", "bhai", "bhaiya",
    "didi", "mummy", "papa", "maa", "baap", "pita", "mata", "beta", "beti", "pati", "patni", "sir", "madam", "ji",
    "sahab", "saheb", "mohan", "sohan", "gandhi", "nehru", "subhash", "shastri", "indira", "rajiv", "ambedkar",
    "है", "हैं", "हो", "का", "की", "के", "को", "से", "में", "पर", "और", "या", "भी", "तो", "तक", "वाला", "वाले", "वाली",
    "घर", "गांव", "गाँव", "गली", "मोहल्ला", "कॉलोनी", "नगर", "सेक्टर", "रोड", "मार्ग", "चौक", "चौराहा", "बाजार",
    "बाज़ार", "मंडी", "मार्केट", "मॉल", "सदर", "देहात", "सिटी", "गेट", "स्टेशन", "कैंट", "सिविल लाइन्स", "नाका",
    "पुरा", "गंज", "कलां", "खुर्द", "बार", "मत", "मोहन", "राम", "श्याम", "राजा", "रानी", "लाल", "काला", "गोला", "पाली",
    "पारा", "कटरा", "कोठी", "बेला", "देवा", "देवी", "हल्दी", "शाही", "सहार", "लार", "आटा", "आहार", "छतरी", "पहाड़ी",
    "जरिया", "ज़रिया", "नया", "नयागांव", "लिंक रोड", "फेज", "एका", "एक", "दो", "तीन", "चार", "पांच", "दस", "सौ", "लोग",
    "बहुत", "सब", "कुछ", "कोई", "क्या", "कब", "कैसे", "कौन", "जिस", "जो", "जब", "तब", "अब", "यहां", "वहां", "ऊपर",
    "नीचे", "अंदर", "बाहर", "सामने", "पास", "दिन", "रात", "सुबह", "शाम", "कल", "आज", "महीना", "साल", "घंटा", "भाई",
    "भैया", "दीदी", "मां", "पिता", "माता", "बेटा", "बेटी", "पति", "पत्नी", "सर", "साहब", "जी", "बिहार", "हैदराबाद",
    "श्रीनगर", "एम्स", "पीजीआई", "छावनी", "महानगर", "पूंछ", "खन्ना", "चिल्ला", "सैनी", "लोधा", "खैर", "बाह",
    "एयरपोर्ट", "मिल एरिया", "रिफाइनरी", "हाईवे", "एक्सप्रेसवे", "लाइनपार", "जमुनापार", "ट्रांस यमुना", "दक्षिण टोला",
    "न्यू आगरा", "मेडिकल कालिज", "रेलवेरोड", "मंडी", "नई मंडी", "गंज", "डीह", "दही", "बिहार", "कोन", "करमा", "भोट",
    "पट्टी", "पहाड़ी", "उदयपुर", "औरंगाबाद", "बिलासपुर", "रायपुर", "उदयपुर", "जनकपुरी", "शक्तिनगर", "मधुबन",
    "delhi gate", "देल्ही गेट", "देहलीगेट", "un", "unn", "ugu", "mohan", "bansi", "banat", "oran", "sirsa", "bilaspur",
    "aurangabad", "hyderabad", "mundia", "kotra", "patti", "farah", "chauk", "nagra", "raya", "sirsi", "gawan", "ait",
    "harra", "amila", "jais", "pipri", "rath", "hata", "bah", "mau", "salon", "purwa", "ramnagar", "rampur", "shahpur",
    "lanka", "sangam", "vaishali", "gokul", "khair", "kareli", "rambagh", "nandgaon",
)


def all_terms():
    """Every lexicon term (for the gazetteer's collision check)."""
    for levels in DEPARTMENT_TERMS.values():
        for terms in levels.values():
            yield from terms
    for terms in COMPLAINT_TERMS.values():
        yield from terms
    for levels in NOT_ACTIONABLE_TERMS.values():
        for terms in levels.values():
            yield from terms
    from .speaker import OFFICIAL_REPLY
    from .urgency import NOT_DANGER, URGENT_TERMS
    for terms in URGENT_TERMS.values():
        yield from terms
    yield from OFFICIAL_REPLY
    yield from NOT_DANGER
