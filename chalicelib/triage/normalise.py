"""Text normalisation and a cross-script phonetic key.

Every name in the gazetteer and every lexicon word is matched through the same two forms:

- the *exact* form: Unicode NFC, nukta dropped, chandrabindu -> anusvara, ZWJ/ZWNJ dropped,
  half nasal + halant -> anusvara, Devanagari digits -> ASCII, Latin case-folded;
- the *key*: a lossy phonetic skeleton shared by Latin and Devanagari spellings (aspiration
  dropped, vowel length merged, schwa dropped, doubled letters merged), so that ``lakhnau``,
  ``Lakhnau`` and ``लखनऊ`` meet, as do ``bijli``, ``bijlee`` and ``बिजली``.

Short keys collide with ordinary words, so names whose key is shorter than ``MIN_KEY`` are
matched on the exact form only (see gazetteer / lexicon).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MIN_KEY = 4

# Characters removed or replaced before anything else.
_PRE = {
    0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None, 0x00AD: None,
    0x093C: None,            # nukta (क़ -> क, ड़ -> ड)
    0x0901: 0x0902,          # chandrabindu -> anusvara
    0x0970: ord("."),        # Devanagari abbreviation sign
    0x0964: ord(" "), 0x0965: ord(" "),  # danda, double danda
}
for _i in range(10):
    _PRE[0x0966 + _i] = ord("0") + _i
# Devanagari digit zero used as an abbreviation mark in "से०" -> "से."  is handled below.

_HALF_NASAL = re.compile("[ङञणनम]\u094d(?=[क-ह])")
_URL_MENTION = re.compile(r"https?://\S+|www\.\S+|@\w+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Tokens: Latin/digit runs, Devanagari runs, and barrier punctuation (stops multi-word matches).
_TOKEN = re.compile(r"#?[A-Za-z0-9]+|#?[\u0900-\u0963\u0971-\u097f]+|[,;:!?()\[\]|\"“”/\n]")
_BARRIERS = BARRIERS = frozenset(',;:!?()[]|"“”/\n')


def clean(text: str) -> str:
    """NFC + Devanagari variant folding; keeps case (for camel-case splitting)."""
    text = unicodedata.normalize("NFC", text)
    # NFC decomposes क़ etc. into base + nukta; the table then drops the nukta.
    text = text.translate(_PRE)
    if "\u094d" in text:
        text = _HALF_NASAL.sub("\u0902", text)
    return text


# The token caches (lower case, phonetic key, both with the place key) keep the first tokens a warm
# container meets, at most this many each: the project's whole labelled set has under 2,000, and at
# 200,000 the three held about 90 MB, more than a cold function uses in all (bench/function_bounds.py).
TOKEN_CACHE_LIMIT = 20_000
_lower_cache: dict[str, str] = {}


def raw_tokens(text: str, strip_mentions: bool = True) -> list[str]:
    """Tokens of a tweet with their case and a leading '#' kept. @mentions and URLs are
    removed (handles are evidence of their own); camelCase is split (#GautamBuddhNagar ->
    #Gautam Buddh Nagar)."""
    if strip_mentions:
        text = _URL_MENTION.sub(" ", text)
    text = clean(text)
    return _TOKEN.findall(_CAMEL.sub(" ", text))


def lower(tok: str) -> str:
    t = _lower_cache.get(tok)
    if t is None:
        t = tok.lstrip("#").lower()
        if len(_lower_cache) < TOKEN_CACHE_LIMIT:
            _lower_cache[tok] = t
    return t


def tokens(text: str, strip_mentions: bool = True) -> list[str]:
    """Exact-form (lower-case, no '#') tokens of a tweet."""
    return [lower(t) for t in raw_tokens(text, strip_mentions)]


def name_tokens(name: str) -> list[str]:
    return [t for t in tokens(name, strip_mentions=False) if t not in _BARRIERS]


def is_barrier(tok: str) -> bool:
    return tok in _BARRIERS


# --- phonetic key -------------------------------------------------------------------------

_DEVA = {
    "क": "k", "ख": "k", "ग": "g", "घ": "g", "ङ": "n", "च": "c", "छ": "c", "ज": "j", "झ": "j",
    "ञ": "n", "ट": "t", "ठ": "t", "ड": "d", "ढ": "d", "ण": "n", "त": "t", "थ": "t", "द": "d",
    "ध": "d", "न": "n", "प": "p", "फ": "p", "ब": "b", "भ": "b", "म": "m", "य": "i", "र": "r",
    "ल": "l", "व": "v", "श": "s", "ष": "s", "स": "s", "ह": "h", "ळ": "l",
    "अ": "", "आ": "", "ा": "", "इ": "i", "ई": "i", "ि": "i", "ी": "i", "उ": "u", "ऊ": "u",
    "ु": "u", "ू": "u", "ए": "e", "े": "e", "ऐ": "e", "ै": "e", "ओ": "o", "ो": "o", "औ": "o",
    "ौ": "o", "ऑ": "o", "ॉ": "o", "ऍ": "e", "ॅ": "e", "ऋ": "ri", "ृ": "ri", "ं": "n", "ः": "",
    "्": "", "ऽ": "",
}
_DEVA_TABLE = str.maketrans(_DEVA)

_LATIN_STEPS = (
    ("chh", "C"), ("ch", "C"), ("sh", "s"), ("kh", "k"), ("gh", "g"), ("jh", "j"), ("th", "t"),
    ("dh", "d"), ("ph", "p"), ("bh", "b"), ("rh", "d"), ("ck", "k"), ("ee", "i"), ("oo", "u"),
    ("w", "v"), ("ai", "e"), ("au", "o"), ("ou", "o"), ("y", "i"),
)
_LATIN_TABLE = str.maketrans({"c": "k", "C": "c", "q": "k", "z": "j", "f": "p", "x": "ks", "a": ""})
_DOUBLE = re.compile(r"(.)\1+")
_ANUSVARA_LABIAL = re.compile("\u0902(?=[पफबभम])")

_key_cache: dict[str, str] = {}


def key(tok: str) -> str:
    """Phonetic key of one exact-form token (cached)."""
    k = _key_cache.get(tok)
    if k is not None:
        return k
    if tok.isdigit():
        k = tok
    elif "\u0900" <= tok[0] <= "\u097f":
        t = tok.replace("ज्ञ", "gi").replace("क्ष", "ks")
        if "\u0902" in t:
            t = _ANUSVARA_LABIAL.sub("म", t)
        # a word-initial अ/आ is kept (schwa elsewhere is dropped): Atrauli is not ट्रॉली
        k = ("a" + t[1:].translate(_DEVA_TABLE)) if t[0] in "अआ" else t.translate(_DEVA_TABLE)
    else:
        t = tok
        for a, b in _LATIN_STEPS:
            if a in t:
                t = t.replace(a, b)
        k = ("a" + t[1:].translate(_LATIN_TABLE)) if t[0] == "a" else t.translate(_LATIN_TABLE)
    k = _DOUBLE.sub(r"\1", k)
    if len(_key_cache) < TOKEN_CACHE_LIMIT:
        _key_cache[tok] = k
    return k


@lru_cache(maxsize=None)
def name_key(name: str) -> tuple[str, str]:
    """(exact, key) of a multi-word name, as the matcher builds them from text tokens."""
    toks = name_tokens(name)
    return "".join(toks), "".join(key(t) for t in toks)


class Matcher:
    """Leftmost-longest matching of multi-word names over a tweet's tokens.

    A name matches on its exact form, or on its phonetic key when the key is long enough and
    the name is not marked strict. Payloads of names that meet on the same form are merged by
    the caller (``add`` returns the existing payload list)."""

    MAX_TOKENS = 5

    def __init__(self, min_key: int = MIN_KEY, strict_keys: frozenset = frozenset()):
        self.min_key = min_key
        self.strict_keys = strict_keys
        self.exact: dict[str, list] = {}
        # key matches: per number of tokens; Latin text may not key-match Devanagari-only names
        self.bykey = [dict() for _ in range(self.MAX_TOKENS)]
        self.bykey_deva = [dict() for _ in range(self.MAX_TOKENS)]
        self._eprefix: set[str] = set()
        self._kprefix: set[str] = set()

    def add(self, name: str, payload, strict: bool = False, deva_only: bool = False) -> None:
        toks = name_tokens(name)
        if not toks or len(toks) > self.MAX_TOKENS:
            return
        ex, k = name_key(name)
        lst = self.exact.setdefault(ex, [])
        if payload not in lst:
            lst.append(payload)
        for i in range(1, len(ex)):
            self._eprefix.add(ex[:i])
        if not strict and len(k) >= self.min_key and k not in self.strict_keys:
            table = self.bykey_deva if deva_only else self.bykey
            lst = table[len(toks) - 1].setdefault(k, [])
            if payload not in lst:
                lst.append(payload)
            for i in range(1, len(k)):
                self._kprefix.add(k[:i])

    def add_exact(self, ex: str, payload) -> None:
        """Add a name by its exact form, computed at build time (``name_key(name)[0]``): no key match."""
        lst = self.exact.setdefault(ex, [])
        if payload not in lst:
            lst.append(payload)
        self._eprefix.update(ex[:i] for i in range(1, len(ex)))

    def find(self, toks: list[str], keys: list[str]) -> list[tuple[int, int, list]]:
        """[(first token, last token, payloads)] of non-overlapping matches."""
        out = []
        n = len(toks)
        exact, bykey, bydeva, ep, kp = self.exact, self.bykey, self.bykey_deva, self._eprefix, self._kprefix
        k1, d1 = bykey[0], bydeva[0]
        maxt = self.MAX_TOKENS
        i = 0
        while i < n:
            t = toks[i]
            k = keys[i]
            if t not in ep and k not in kp:
                # fast path: no longer name starts here
                hit = exact.get(t) or k1.get(k) or (d1.get(k) if t[0] >= "\u0900" else None)
                if hit:
                    out.append((i, i, hit))
                i += 1
                continue
            best = None
            acc_e = acc_k = ""
            deva = True
            end = n if n < i + maxt else i + maxt
            for j in range(i, end):
                t = toks[j]
                if t in _BARRIERS:
                    break
                acc_e += t
                acc_k += keys[j]
                deva = deva and t[0] >= "\u0900"
                hit = exact.get(acc_e)
                if hit is None:
                    hit = bykey[j - i].get(acc_k)
                    if hit is None and deva:
                        hit = bydeva[j - i].get(acc_k)
                if hit is not None:
                    best = (j, hit)
                if acc_e not in ep and acc_k not in kp:
                    break
            if best is not None:
                out.append((i, best[0], best[1]))
                i = best[0] + 1
            else:
                i += 1
        return out


_pair_cache: dict[str, tuple[str, str, str]] = {}
_ENGLISH_ENDINGS = ("ly", "er", "ain", "ing", "ed", "tion", "ness", "ment", "ful", "ous", "ive", "able", "ght")


def place_key(low: str, k: str) -> str:
    """The key a place name may match by sound: none for English-looking words (barely, bargain,
    cater), which match a place only as spelled."""
    if len(low) >= 5 and low.isascii() and low.isalpha() and low.endswith(_ENGLISH_ENDINGS):
        return "\0" + k
    return k


def prepare(text: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """(raw tokens, exact-form tokens, keys, place keys) of a tweet."""
    raw = raw_tokens(text)
    toks = []
    keys = []
    pkeys = []
    cache = _pair_cache
    for r in raw:
        v = cache.get(r)
        if v is None:
            low = lower(r)
            k = key(low)
            v = (low, k, place_key(low, k))
            if len(cache) < TOKEN_CACHE_LIMIT:
                cache[r] = v
        toks.append(v[0])
        keys.append(v[1])
        pkeys.append(v[2])
    return raw, toks, keys, pkeys
