"""Urgency: danger to a person now.

The urgent words below (matched like the lexicon's) are tagged U (danger by itself: fire, injured, kidnapping, drowning,
live wire), M (danger when it is happening now: a fight, harassment, an accident), N (now, in
progress, come quickly), CHILD and MISSING (a missing child). Before they count, a danger word is
dropped when it is negated next to it ("no one was injured", "koi ghayal nahi hua"), when the text
places it in the past ("last year", "2 saal pehle"; "was", "tha" unless something says now), or
when the text is about a game, a film or a joke ("Free Fire", "help me win", "lol").
"""

from __future__ import annotations

from .normalise import name_tokens

MAX_GRAM = 3

URGENT_TERMS: dict[str, tuple[str, ...]] = {
    # threat to life or safety by itself
    "U": ("aag", "आग", "fire", "jal raha", "जल रहा", "jal rahi", "जल रही", "burning", "blast", "धमाका", "visphot",
          "विस्फोट", "bachao", "बचाओ", "bachaiye", "बचाइए", "बचाइये", "bachalo", "बचा लो", "sos", "save me", "help me please", "please help me", "koi bachao",
          "jaan ka khatra", "जान का खतरा", "जान से मारने", "jaan se maarne", "jaan se marne", "maar dalenge",
          "मार डालेंगे", "goli chal", "गोली चल", "goli maar", "गोली मार", "firing ho", "फायरिंग हो", "ghayal", "घायल",
          "injured", "khoon", "खून", "bleeding", "behosh", "बेहोश", "unconscious", "heart attack", "हार्ट अटैक",
          "saans nahi", "सांस नहीं", "not breathing", "doob", "डूब", "drowning", "current laga", "करंट लगा",
          "करंट लग", "electrocuted", "electric shock", "live wire", "तार टूटकर", "tar toot kar", "taar toot kar",
          "suicide", "आत्महत्या", "khudkushi", "zeher", "जहर", "poison", "kidnap", "kidnapping", "kidnapped",
          "अपहरण", "apharan", "apaharan", "rape", "बलात्कार", "दुष्कर्म", "molest", "molesting", "ghus aaye",
          "घुस आए", "घुस आये", "ghar me ghus", "घर में घुस", "break into", "breaking into", "breaking in", "ghus rahe", "घुस रहे",
          "trapped", "फंसे", "फंसा", "फंसी", "phanse", "fanse", "stuck in lift", "लिफ्ट में फंसे", "emergency", "इमरजेंसी", "आपातकाल", "gas leak",
          "गैस लीक", "cylinder phata", "सिलेंडर फटा", "building gir", "इमारत गिर", "deewar gir", "दीवार गिर",
          "chhat gir", "छत गिर", "labour pain", "प्रसव पीड़ा", "dard ho raha", "tadap", "तड़प", "mar jayega",
          "मर जाएगा", "मर जायेगा", "taar toot", "tar toot", "तार टूट", "current dauda",
          "bijli ka taar toot", "bijli ka tar toot", "बिजली का तार टूट", "बिजली के तार टूट", "bijli ka taar gir",
          "बिजली का तार गिर",
          "करंट दौड़", "saans ruk", "सांस रुक", "can't breathe", "हालत गंभीर", "is critical", "critical condition", "in critical", "haalat gambhir",
          "halat gambhir", "serious condition", "knife", "chaku", "चाकू"),
    # harassment, accident, fight: urgent when it is happening now
    "M": ("accident", "एक्सीडेंट", "hadsa", "हादसा", "durghatna", "दुर्घटना", "takkar", "टक्कर", "harassment",
          "harass", "harassing", "छेड़छाड़", "chhedkhani", "chedkhani", "chhed rahe", "छेड़ रहे", "eve teasing",
          "peecha kar", "पीछा कर", "following me", "follow kar", "stalking", "maarpeet", "मारपीट", "marpeet",
          "maar rahe", "मार रहे", "peet rahe", "पीट रहे", "pit rahe", "jhagda", "झगड़ा", "ladai", "लड़ाई", "dhamki",
          "धमकी", "threat", "gunde", "गुंडे", "dabang", "दबंग", "hathiyar", "हथियार", "chaku", "चाकू", "knife",
          "danda", "डंडा", "lathi", "लाठी", "ambulance", "एम्बुलेंस", "एंबुलेंस", "108", "patient", "मरीज",
          "pregnant", "गर्भवती", "serious", "गंभीर", "critical", "fight", "beating", "hitting", "snatching", "chain snatching",
          "chheen", "छीन", "छीन ली", "छीन लिया", "chheen li", "chheen liya", "loot", "लूट", "drunk", "nashe me", "नशे में", "maar raha", "मार रहा", "maar rahi", "peet raha", "पीट रहा", "badsaluki",
          "बदसलूकी", "misbehaving", "following", "hungama", "हंगामा", "hamla", "हमला", "attack", "attacked",
          "attacking", "stampede", "भगदड़", "bhagdad", "drowning", "डूब रहा", "डूब रही"),
    # now / in progress
    "N": ("abhi", "अभी", "abhi abhi", "अभी अभी", "right now", "now", "turant", "तुरंत", "tatkal", "तत्काल",
          "immediately", "jaldi", "जल्दी", "urgent", "ho rahi hai", "हो रही है", "ho raha hai", "हो रहा है", "kar rahe hai",
          "कर रहे हैं", "kar raha hai", "कर रहा है", "रहे हैं", "rahe hain", "rahe hai", "raha hai", "रहा है", "rahi hai",
          "रही है", "is happening", "happening", "currently", "please help", "help", "madad", "मदद", "bhejo", "भेजो",
          "bhejiye", "भेजिए", "भेजें", "pahuncho", "पहुंचो", "pahunchiye", "पहुंचिए", "ongoing", "ab bhi", "still"),
    # broken / damaged (with a road word: a road complaint)
    "broken": ("broken", "toota", "tooti", "टूटा", "टूटी", "टूटे", "toot gayi", "टूट गई", "टूट गया", "kharab", "खराब",
               "ख़राब", "damaged", "jarjar", "जर्जर", "cracked", "dhans", "धंस", "dhansi", "धंसी", "badhaal", "बदहाल"),
    # missing child: CHILD + MISSING
    "CHILD": ("bachcha", "बच्चा", "baccha", "bachchi", "बच्ची", "bacchi", "beta", "बेटा", "bete", "बेटे", "beti", "बेटी", "child",
              "kid", "son", "daughter", "bacchi", "bachchi", "bachche", "बच्चे", "ladka", "लड़का", "ladki", "लड़की", "minor", "नाबालिग",
              "nabalig", "girl", "boy", "saal ka", "साल का", "साल की", "saal ki", "year old", "years old"),
    "MISSING": ("missing", "लापता", "lapata", "laapata", "gayab", "गायब", "ghayab", "kho gaya", "खो गया", "kho gayi",
                "खो गई", "nahi mil raha", "नहीं मिल रहा", "नहीं मिल रही", "nahi mil rahi", "not found", "lost",
                "ghar nahi lauta", "घर नहीं लौटा", "घर नहीं लौटी", "kidnap", "अपहरण", "utha le gaye", "उठा ले गए", "bichhad",
                "बिछड़", "bichad", "separated", "le gaya", "ले गया", "le gayi", "ले गई", "took my son", "took my daughter"),
}

# Words that make danger words something else: a game, a film, a joke.
NOT_DANGER: tuple[str, ...] = (
    "free fire", "fire emblem", "attack on titan", "call of duty", "pubg", "bgmi", "fortnite", "game", "games",
    "gaming", "gameplay", "episode", "movie", "film", "trailer", "web series", "song", "lol", "lmao", "rofl", "joke",
    "jk", "meme", "haha", "hahaha", "😂", "🤣", "win", "giveaway", "contest", "mixtape", "album", "fire sale",
    "on fire", "🔥🔥",
)

# Time and negation that take danger out of "now": "last year", "koi ghayal nahi".
PAST: tuple[str, ...] = (
    "last year", "last month", "last week", "pichle saal",
    "पिछले साल", "pichle mahine", "पिछले महीने", "pichle hafte", "पिछले हफ्ते", "saal pehle", "साल पहले",
    "mahine pehle", "महीने पहले", "din pehle", "दिन पहले", "years back", "in 2019", "in 2020", "in 2021", "in 2022",
    "years ago", "months ago", "weeks ago", "days ago",
)
PAST_WEAK: tuple[str, ...] = ("was", "were", "tha", "thi", "था", "थी", "थे", "had")
NEGATION_BEFORE: tuple[str, ...] = ("no", "not", "nobody", "no one", "none", "never", "without", "koi", "कोई", "bina",
                                    "बिना", "na", "न")
NEGATION_AFTER: tuple[str, ...] = ("nahi hua", "nahi hui", "नहीं हुआ", "नहीं हुई", "nahi hai", "नहीं है", "nahi",
                                   "नहीं", "not", "no")


def _forms(terms) -> frozenset[str]:
    return frozenset("".join(name_tokens(t)) for t in terms if name_tokens(t))


_PAST = _NOT_DANGER = _PAST_WEAK = _NEG_BEFORE = _NEG_AFTER = _FIRST = frozenset()


def _load() -> None:
    global _PAST, _NOT_DANGER, _PAST_WEAK, _NEG_BEFORE, _NEG_AFTER, _FIRST
    _PAST, _NOT_DANGER, _PAST_WEAK = _forms(PAST), _forms(NOT_DANGER), _forms(PAST_WEAK)
    _FIRST = frozenset(name_tokens(t)[0] for t in (*PAST, *NOT_DANGER, *PAST_WEAK) if name_tokens(t))
    _NEG_BEFORE, _NEG_AFTER = _forms(NEGATION_BEFORE), _forms(NEGATION_AFTER)


def _starting_grams(toks: list[str]) -> set[str]:
    """Joined 1- to 3-grams that start at a token some time, game or joke phrase starts with."""
    out: set[str] = set()
    n = len(toks)
    for i, t in enumerate(toks):
        if t in _FIRST:
            acc = t
            out.add(acc)
            for j in range(i + 1, min(i + MAX_GRAM, n)):
                acc += toks[j]
                out.add(acc)
    return out


def _near(forms: frozenset[str], toks: list[str], start: int, stop: int) -> bool:
    """Whether a 1- or 2-word phrase of ``forms`` lies within toks[start:stop]."""
    seg = toks[max(start, 0):stop]
    for i, t in enumerate(seg):
        if t in forms or (i + 1 < len(seg) and t + seg[i + 1] in forms):
            return True
    return False


def settle(spans: list[tuple[str, int, int]], toks: list[str]) -> set[str]:
    """The urgency tags that stand, from (tag, first token, last token) matches."""
    if not spans:
        return set()
    if not _PAST:
        _load()
    tags = {t for t, _, _ in spans}
    if not tags & {"U", "M", "MISSING"}:
        return tags
    grams = _starting_grams(toks)
    if not _NOT_DANGER.isdisjoint(grams):
        return tags - {"U", "M", "MISSING"}
    if not _PAST.isdisjoint(grams):
        return tags - {"U", "M", "MISSING", "N"}
    weak_past = "N" not in tags and not _PAST_WEAK.isdisjoint(grams)
    kept: set[str] = set()
    for tag, a, b in spans:
        if tag in ("U", "M"):
            if weak_past or _near(_NEG_BEFORE, toks, a - 2, a) or _near(_NEG_AFTER, toks, b + 1, b + 3):
                continue
        kept.add(tag)
    return kept


def is_danger(tags: set[str]) -> bool:
    return "U" in tags or ("M" in tags and "N" in tags) or ("CHILD" in tags and "MISSING" in tags)
