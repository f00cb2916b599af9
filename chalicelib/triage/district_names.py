"""District-level names: every name, old name, short form and well-known headquarters town
that by itself names one district. Keyed by LGD code; the canonical English and Hindi names
come from ``chalicelib.domain.districts`` and are always included.

To add an alias: append it to the district's tuple (any script; spacing, case, nukta and
chandrabindu do not matter). A name that could mean two districts goes in AMBIGUOUS; a name
shared with a district of another state goes in OTHER_STATE; a district name that is also a
common word goes in COMMON_WORD.
"""

ALIASES: dict[int, tuple[str, ...]] = {
    118: ("Agra", "आगरा", "Agra city", "Taj city"),
    119: ("Aligarh", "अलीगढ़", "Aligadh", "Koil"),
    121: ("Ambedkar Nagar", "Ambedkarnagar", "अंबेडकर नगर", "अम्बेडकर नगर", "अम्बेडकरनगर", "Ambedkar Ngr"),
    640: ("Amethi", "अमेठी", "Chhatrapati Shahuji Maharaj Nagar", "CSM Nagar", "Gauriganj", "गौरीगंज"),
    154: ("Amroha", "अमरोहा", "Jyotiba Phule Nagar", "JP Nagar", "J.P. Nagar", "ज्योतिबा फुले नगर"),
    122: ("Auraiya", "औरैया", "Auraiyya", "Oraiya"),
    140: ("Ayodhya", "अयोध्या", "Faizabad", "फैजाबाद", "फ़ैज़ाबाद", "Ayodhya Dham", "अयोध्या धाम", "Ayodhyaa", "Faizabad City"),
    123: ("Azamgarh", "आजमगढ़", "आज़मगढ़", "आजमगढ", "Azamgadh", "Aajamgarh"),
    124: ("Baghpat", "बागपत", "Bagpat", "बाग़पत"),
    125: ("Bahraich", "बहराइच", "बहराईच", "Baharaich", "Behraich"),
    126: ("Ballia", "बलिया", "Baliya"),
    127: ("Balrampur", "बलरामपुर"),
    128: ("Banda", "बाँदा", "बांदा"),
    129: ("Bara Banki", "Barabanki", "Bara-Banki", "बाराबंकी", "Barabanki city"),
    130: ("Bareilly", "बरेली", "Bareli", "Bareily", "Barielly"),
    131: ("Basti", "बस्ती"),
    179: ("Bhadohi", "भदोही", "Sant Ravidas Nagar", "Sant Ravi Das Nagar", "संत रविदास नगर", "Gyanpur", "ज्ञानपुर",
          "SRN Bhadohi", "Sant Ravidas Nagar Bhadohi", "संत रविदास नगर भदोही", "Bhadoi"),
    132: ("Bijnor", "बिजनौर", "Bijnaur"),
    133: ("Budaun", "बदायूँ", "बदायूं", "Badaun", "Badayun", "Budayun"),
    134: ("Bulandshahr", "बुलंदशहर", "बुलन्दशहर", "बुलन्द शहर", "Bulandshahar", "Bulandsahar", "Bulandshehar"),
    135: ("Chandauli", "चंदौली", "चन्दौली", "Mughalsarai", "मुगलसराय", "Pt Deen Dayal Upadhyay Nagar", "DDU Nagar",
          "Deen Dayal Upadhyay Nagar", "दीनदयाल उपाध्याय नगर"),
    136: ("Chitrakoot", "चित्रकूट", "Chitrakut", "Karwi", "कर्वी", "Chitrakoot Dham"),
    137: ("Deoria", "देवरिया", "Devria", "Deoriya"),
    138: ("Etah", "एटा"),
    139: ("Etawah", "इटावा", "Itawa", "Etawa"),
    141: ("Farrukhabad", "फर्रुखाबाद", "फर्रूखाबाद", "Farukhabad", "Fatehgarh", "फतेहगढ़", "Farrukhabad-cum-Fatehgarh"),
    142: ("Fatehpur", "फतेहपुर", "फ़तेहपुर"),
    143: ("Firozabad", "फिरोजाबाद", "फ़िरोज़ाबाद", "Ferozabad", "Firozabaad"),
    144: ("Gautam Buddha Nagar", "Gautam Buddh Nagar", "Gautam Budh Nagar", "Gautam Budhha Nagar", "गौतम बुद्ध नगर",
          "गौतमबुद्धनगर", "गौतम बुद्धनगर", "GB Nagar", "G.B. Nagar", "GBN", "Noida", "नोएडा", "नोयडा", "Greater Noida",
          "ग्रेटर नोएडा", "Greater Noida West", "ग्रेटर नोएडा वेस्ट", "Noida Extension", "नोएडा एक्सटेंशन",
          "Noida Commissionerate", "Noida city", "Gr Noida", "Gr. Noida"),
    145: ("Ghaziabad", "गाजियाबाद", "ग़ाज़ियाबाद", "गाज़ियाबाद", "GZB", "Gaziabad", "Ghaziabaad", "Ghz"),
    146: ("Ghazipur", "गाजीपुर", "ग़ाज़ीपुर", "Gazipur"),
    147: ("Gonda", "गोंडा", "गोण्डा"),
    148: ("Gorakhpur", "गोरखपुर", "Gorakpur", "GKP", "Gorakhpur city"),
    149: ("Hamirpur", "हमीरपुर"),
    661: ("Hapur", "हापुड़", "Hapud", "Panchsheel Nagar", "पंचशील नगर"),
    150: ("Hardoi", "हरदोई"),
    163: ("Hathras", "हाथरस", "Hatharas", "Hatras", "Mahamaya Nagar", "महामाया नगर"),
    151: ("Jalaun", "जालौन", "Orai", "उरई"),
    152: ("Jaunpur", "जौनपुर", "Jounpur"),
    153: ("Jhansi", "झांसी", "झाँसी", "Jhansee", "Jhasi"),
    155: ("Kannauj", "कन्नौज", "Kanauj", "Kannoj"),
    156: ("Kanpur Dehat", "कानपुर देहात", "Ramabai Nagar", "रमाबाई नगर", "Kanpur Dehaat", "Mati Kanpur Dehat"),
    157: ("Kanpur Nagar", "कानपुर नगर", "Kanpur", "कानपुर", "Kanpur City", "Cawnpore", "Kanpur Commissionerate", "KNP"),
    633: ("Kasganj", "कासगंज", "Kashganj", "Kanshiram Nagar", "Kanshi Ram Nagar", "कांशीराम नगर"),
    158: ("Kaushambi", "कौशाम्बी", "कौशांबी", "Kaushambi district"),
    159: ("Kheri", "खीरी", "Lakhimpur Kheri", "Lakhimpur-Kheri", "Kheri Lakhimpur", "Lakhimpur", "लखीमपुर", "लखीमपुर खीरी"),
    160: ("Kushinagar", "कुशीनगर", "Kushi Nagar", "Padrauna", "पडरौना", "Kushinagr"),
    161: ("Lalitpur", "ललितपुर"),
    162: ("Lucknow", "लखनऊ", "Lko", "Lakhnau", "Lakhnow", "Luckhnow", "Lucknow city", "Lucknw", "लखनउ"),
    165: ("Mahoba", "महोबा"),
    164: ("Mahrajganj", "महराजगंज", "Maharajganj", "महाराजगंज", "Maharajgunj"),
    166: ("Mainpuri", "मैनपुरी"),
    167: ("Mathura", "मथुरा", "Vrindavan", "वृंदावन", "वृन्दावन", "Vrindaban", "Brindavan", "Brindaban", "Mathura Vrindavan",
          "Barsana", "बरसाना", "Govardhan", "गोवर्धन", "Goverdhan"),
    168: ("Mau", "मऊ", "Maunath Bhanjan", "मऊनाथ भंजन"),
    169: ("Meerut", "मेरठ", "Merut", "Meerut city"),
    170: ("Mirzapur", "मिर्जापुर", "मिर्ज़ापुर", "Mirjapur", "Vindhyachal", "विंध्याचल"),
    171: ("Moradabad", "मुरादाबाद", "Muradabad", "Moradabaad"),
    172: ("Muzaffarnagar", "मुजफ्फरनगर", "मुज़फ़्फ़रनगर", "मुजफ्फर नगर", "मुजफफर नगर", "Muzaffar Nagar", "Muzzafarnagar",
          "Muzafarnagar", "Mujaffarnagar", "Muzaffarnager"),
    173: ("Pilibhit", "पीलीभीत", "Pilibheet"),
    174: ("Pratapgarh", "प्रतापगढ़", "प्रतापगढ", "Bela Pratapgarh"),
    120: ("Prayagraj", "प्रयागराज", "Allahabad", "इलाहाबाद", "Prayag", "Ilahabad", "Allahabad City", "Prayagraj city",
          "Prayagraaj", "Alahabad"),
    175: ("Rae Bareli", "रायबरेली", "Raebareli", "Rae Bareilly", "Raibareli", "Rae-Bareli", "Raebareilly", "राय बरेली"),
    176: ("Rampur", "रामपुर"),
    177: ("Saharanpur", "सहारनपुर", "Sharanpur", "Saharanpure"),
    659: ("Sambhal", "संभल", "सम्भल", "Bhim Nagar", "भीम नगर", "Sambal"),
    178: ("Sant Kabir Nagar", "संत कबीर नगर", "सन्त कबीर नगर", "सन्तकबीर नगर", "Khalilabad", "खलीलाबाद", "Santkabir Nagar", "SKN"),
    180: ("Shahjahanpur", "शाहजहाँपुर", "शाहजहांपुर", "Shahjahan Pur", "Shahjanpur", "Shajahanpur"),
    660: ("Shamli", "शामली", "Prabuddh Nagar", "प्रबुद्ध नगर"),
    181: ("Shrawasti", "श्रावस्ती", "Shravasti", "Sravasti", "Bhinga", "भिनगा"),
    182: ("Siddharthnagar", "सिद्धार्थनगर", "सिद्धार्थ नगर", "Siddharth Nagar", "Siddhartha Nagar", "Sidharthnagar",
          "Siddharthanagar"),
    183: ("Sitapur", "सीतापुर"),
    184: ("Sonbhadra", "सोनभद्र", "Sonebhadra", "Robertsganj", "रॉबर्ट्सगंज", "राबर्ट्सगंज"),
    185: ("Sultanpur", "सुलतानपुर", "सुल्तानपुर"),
    186: ("Unnao", "उन्नाव", "Unnav"),
    187: ("Varanasi", "वाराणसी", "Banaras", "Benares", "Banaras city", "बनारस", "Kashi", "काशी", "Varansi", "Baranasi",
          "Varanasi city"),
}

# Names that are the seat of two districts: they never decide alone.
AMBIGUOUS: dict[str, tuple[int, ...]] = {
    "Akbarpur": (121, 156),
    "अकबरपुर": (121, 156),
}

# UP district names that are also districts/towns of other states. They decide for the UP
# district (the tweet was sent to a UP handle) with lower confidence, and not at all when the
# tweet names another state.
OTHER_STATE: frozenset[str] = frozenset({"Hamirpur", "हमीरपुर", "Pratapgarh", "प्रतापगढ़", "प्रतापगढ",
                                         "Balrampur", "बलरामपुर", "Bilaspur", "Aurangabad"})

OTHER_STATES: tuple[str, ...] = (
    "Himachal", "Himachal Pradesh", "HP", "हिमाचल", "Rajasthan", "राजस्थान", "Chhattisgarh", "Chattisgarh", "छत्तीसगढ़",
    "Bihar", "बिहार", "Madhya Pradesh", "MP", "मध्य प्रदेश", "मध्यप्रदेश", "Delhi", "दिल्ली", "Haryana", "हरियाणा",
    "Uttarakhand", "उत्तराखंड", "Maharashtra", "महाराष्ट्र", "Jharkhand", "झारखंड", "Gujarat", "गुजरात", "Punjab", "पंजाब",
    "Nepal", "नेपाल", "Mumbai", "मुंबई", "Bengal", "बंगाल",
)

# District names that are also everyday words (banda = "a guy", basti = "settlement").
# They count only in a district context (जनपद/जिला/district/police next to them, a hashtag, or a
# capitalised Latin spelling); otherwise they are weak evidence.
COMMON_WORD: frozenset[str] = frozenset({"Banda", "Basti", "बस्ती", "Mau"})

# Words that, next to a name, say "this is a district".
DISTRICT_CONTEXT: tuple[str, ...] = (
    "district", "dist", "distt", "jila", "jilla", "zila", "zilla", "janpad", "जिला", "जिले", "ज़िला", "ज़िले", "जनपद",
    "police", "पुलिस", "dm", "sp", "डीएम", "एसपी", "पुलिस अधीक्षक", "जिलाधिकारी",
)
