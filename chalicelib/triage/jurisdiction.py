"""Bodies outside the state's reach and the channel a citizen should use instead.

A complaint about a central body (the Railways, an airline, a bank, a telecom company, an app cab
or an online shop) or about a place in another state is `outside_jurisdiction`: the desk answers
with the right channel rather than alerting an officer. What UP owns stays with UP: a crime on a
train or at a station is the Government Railway Police's (UP Police), and cyber fraud, even
through a bank or a phone company, is a police matter (helpline 1930 is run with the states'
police); danger to a person now is always the desk's.

``BODY_TERMS`` names each body in the words citizens use; to add one, add its terms (any script)
and, if new, its channel. Keys of ``CHANNELS`` are the stable names other parts store.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    name_en: str
    name_hi: str
    contact: str  # what the citizen should use: a helpline number, a portal, a handle


CHANNELS: dict[str, Channel] = {
    "railways": Channel("Indian Railways (RailMadad)", "भारतीय रेल (रेलमदद)", "RailMadad 139 / railmadad.indianrailways.gov.in"),
    "airlines": Channel("Civil aviation (AirSewa)", "नागर विमानन (एयरसेवा)", "AirSewa 1800-180-3030 / airsewa.gov.in"),
    "banks": Channel("Your bank, then the RBI Ombudsman", "आपका बैंक, फिर आरबीआई लोकपाल", "cms.rbi.org.in / 14448"),
    "telecom": Channel("Your telecom operator, then its appellate authority", "आपकी टेलीकॉम कंपनी, फिर उसका अपीलीय प्राधिकारी",
                       "the operator's 198 complaint line / pgportal.gov.in"),
    "consumer": Channel("National Consumer Helpline", "राष्ट्रीय उपभोक्ता हेल्पलाइन", "1915 / consumerhelpline.gov.in"),
    "central": Channel("Central government grievances (CPGRAMS)", "केंद्र सरकार शिकायत पोर्टल (सीपीग्राम्स)",
                       "the CPGRAMS app / pgportal.gov.in"),
    "other_state": Channel("The police or grievance cell of the state concerned", "संबंधित राज्य की पुलिस या शिकायत प्रकोष्ठ",
                           "112 in that state / that state's grievance portal"),
}

# Terms that name a body (matched like lexicon terms: case, spacing and script folded). Weight 3
# decides alone; 1 needs company (a second term or a transport word).
BODY_TERMS: dict[str, dict[int, tuple[str, ...]]] = {
    "railways": {
        3: ("railmadad", "rail madad", "रेलमदद", "रेल मदद", "irctc", "आईआरसीटीसी", "pnr", "पीएनआर", "railway", "railways",
            "रेलवे", "indian railways", "train no", "train number", "ट्रेन नंबर", "coach no", "tte", "टीटीई", "रेल",
            "express", "एक्सप्रेस", "rajdhani", "shatabdi", "vande bharat", "वंदे भारत", "duronto", "uts app",
            "rail neer", "waiting ticket", "tatkal ticket", "तत्काल टिकट", "platform no", "प्लेटफार्म", "प्लेटफॉर्म"),
        2: ("train", "trains", "ट्रेन", "ट्रेनों", "intercity", "passenger train", "local train"),
        1: ("coach", "coaches", "berth", "बर्थ", "platform", "station", "स्टेशन",
            "sleeper", "pantry", "general coach", "ac coach", "rpf"),
    },
    "airlines": {
        3: ("airline", "airlines", "flight", "flights", "फ्लाइट", "indigo", "spicejet", "air india", "akasa", "vistara",
            "boarding pass", "airsewa", "baggage", "luggage lost", "check-in counter", "jetblue", "united airlines"),
        1: ("airport", "एयरपोर्ट"),
    },
    "banks": {
        3: ("bank account", "बैंक खाता", "bank khata", "atm", "एटीएम", "passbook", "पासबुक", "sbi", "एसबीआई", "hdfc",
            "icici", "axis bank", "pnb", "bank of baroda", "canara bank", "credit card", "debit card", "kyc",
            "cheque", "चेक बुक", "loan", "लोन", "emi", "net banking", "netbanking", "bank manager", "बैंक मैनेजर"),
        1: ("bank", "बैंक", "branch", "account", "खाता", "khata"),
    },
    "telecom": {
        3: ("jio", "airtel", "vodafone", "vodafone idea", "bsnl", "बीएसएनएल", "mtnl", "network nahi", "no network",
            "नेटवर्क नहीं", "call drop", "call drops", "recharge", "रिचार्ज", "sim card", "सिम कार्ड", "mobile network",
            "broadband", "fibre connection", "postpaid", "prepaid", "mobile tower", "मोबाइल टावर"),
        1: ("network", "नेटवर्क", "sim", "सिम", "internet", "इंटरनेट", "4g", "5g", "data pack"),
    },
    "consumer": {
        3: ("uber", "ola", "rapido", "ओला", "उबर", "रैपिडो", "zomato", "swiggy", "amazon", "flipkart", "meesho", "myntra",
            "courier", "कूरियर", "delivery boy", "my order", "मेरा ऑर्डर", "my package", "parcel", "customer care",
            "customer service", "subscription", "warranty"),
        1: ("cab", "कैब", "delivery", "डिलीवरी", "company", "कंपनी", "order", "ordered", "package", "product",
            "refund", "store", "app"),
    },
    # other states' own transport and utilities
    "other_state": {
        3: ("dtc", "dtc bus", "dmrc", "delhi metro", "bmtc", "bmrcl", "namma metro", "best bus", "ksrtc", "apsrtc",
            "tsrtc", "tgsrtc", "msrtc", "hrtc", "gsrtc", "rsrtc", "wbtc", "tnstc", "mtc chennai", "bescom", "tneb",
            "mseb", "bses", "tata power delhi", "ghmc", "bbmp", "mcd", "delhi jal board"),
    },
    "central": {
        3: ("passport", "पासपोर्ट", "epfo", "pf account", "पीएफ", "income tax", "आयकर", "gst", "जीएसटी", "aadhaar update",
            "uidai", "pan card", "पैन कार्ड", "india post", "speed post", "स्पीड पोस्ट", "cbse", "ssc exam", "upsc", "nta",
            "neet", "jee main", "cgst", "army", "cantonment board", "kendriya vidyalaya"),
    },
}

# Problems that are always the state's, whatever body they happened at, and the department that owns them.
UP_OWNS: dict[str, tuple[str, ...]] = {
    "police": ("grp", "जीआरपी", "government railway police", "cyber fraud", "cyber crime", "साइबर", "1930",
               "cyber thana", "cyber cell", "साइबर सेल", "cyber police"),
    "transport": ("रेलवे फाटक", "railway phatak", "railway fatak", "railway crossing", "फाटक", "level crossing"),
}


def top_body(bodies: dict[str, float]) -> str | None:
    """The body the words name most, when they name one clearly (weight 3)."""
    if not bodies:
        return None
    score, body = max((v, k) for k, v in bodies.items())
    return body if score >= 3.0 else None
