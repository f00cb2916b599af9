"""Mask phone, Aadhaar and card numbers and e-mail addresses in text shown to officers or the public,
and strip the bidirectional controls that could make a shown or posted text read other than it is.
The raw text stays in the complaint record.

Matching runs on a normalised view of the text: digits of every script as ASCII, no-break and thin
spaces as spaces, dashes as '-', invisible format characters dropped. An index map leads each match
back to the original, so only the matched spans change and the rest (Hindi included) stays as written.
Written here rather than with `phonenumbers`: that library is several megabytes of world metadata for
a cold-started Lambda, knows neither Aadhaar nor zero-width separators, and its matcher is slow.
"""

from __future__ import annotations

import re
import unicodedata

# Left-to-right/right-to-left embeddings, overrides, isolates and marks (the "Trojan Source" set).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_HIDDEN = "\u200b"  # every invisible format character, zero-width ones included, reads as this in the view


# Invisible characters of other categories (Unicode's Default_Ignorable_Code_Point beyond Cf):
# the combining grapheme joiner, Hangul fillers, Khmer and Mongolian marks, variation selectors.
_IGNORABLE = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
              (0xFFA0, 0xFFA0), (0xE0000, 0xE0FFF))


def _ignorable(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _IGNORABLE)


class _Fold(dict):
    """str.translate table for the view, one character for one so positions line up; filled as
    characters are met, so it holds only those the desk has seen."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        digit = unicodedata.decimal(ch, None)
        category = unicodedata.category(ch)
        if digit is not None:
            out = str(digit)
        elif category in ("Cf", "Me") or 0xFE00 <= cp <= 0xFE0F or _ignorable(cp):  # a keycap's marks: 9️⃣ is 9
            out = _HIDDEN
        elif category == "Zs":
            out = " "
        elif category == "Pd":
            out = "-"
        else:  # fullwidth @ . + and superscript digits fold to ASCII; ligatures and the like stay
            folded = unicodedata.normalize("NFKC", ch)
            out = folded if len(folded) == 1 else ch
        self[cp] = out
        return out


_FOLD = _Fold({cp: chr(cp) for cp in range(128)})

_S = r"[ .\-]?"  # at most one visible separator between two digits: any grouping, but not a list
# No digit right before or after, nor across a dot or hyphen: a longer run (a tweet id, a card or
# consumer number) or a date is never half-masked. A space may separate two numbers, each masked.
_START = r"(?<![0-9])(?<![0-9][.\-])"
_END = r"(?![0-9])(?![.\-][0-9])"
_NUMBERS = (
    # a card in four groups of four, checked first so it is not taken for an Aadhaar and a leftover
    rf"(?P<card>[0-9]{{4}}(?P<sep>[ .\-])[0-9]{{4}}(?P=sep)[0-9]{{4}}(?P=sep)[0-9]{{4}})"
    # mobile: optional +91, 0091, 91 or 0, then ten digits from 6-9
    rf"|(?P<phone>(?:\(?(?:\+ ?|00)?91\)?[ .\-]{{0,2}}|0[ .\-]?)?[6-9](?:{_S}[0-9]){{9}}"
    # landline: STD code with its 0, then a subscriber number of six to eight digits from 2-9
    rf"|\(?0[1-9][0-9]{{1,3}}\)?[ .\-]{{1,2}}[2-9](?:{_S}[0-9]){{5,7}})"
    # Aadhaar: twelve digits from 2-9; in the 4-4-4 grouping printed on the card, any first digit
    rf"|(?P<aadhaar>[2-9](?:{_S}[0-9]){{11}}|[0-9]{{4}}[ .\-][0-9]{{4}}[ .\-][0-9]{{4}})"
)
_NUMBER = re.compile(rf"{_START}(?:{_NUMBERS}){_END}")
# An address starts where a word does, so a long word without one is read once, not once per letter.
# Compiled on first need (re caches it): few mentions carry one, and every cold start pays for imports.
_WITH_EMAIL = rf"(?P<email>(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)|{_START}(?:{_NUMBERS}){_END}"
_DOMAIN = re.compile(r"@[\w\-]+\.[\w\-]")  # quick to find: an @handle alone is not an address
_FEWEST_DIGITS = 9  # a landline: 0, a two-digit STD code and six digits


def clean(text: str) -> str:
    """The text without bidirectional controls; everything else, joiners Hindi needs included, kept."""
    return _BIDI.sub("", text)


def mask(text: str) -> str:
    """The text cleaned, with each personal number or address replaced by [phone], [aadhaar], [card] or [email]."""
    text = clean(text)
    view = text.translate(_FOLD)
    where = None
    if _HIDDEN in view:  # rare: drop the invisible characters, remembering where each kept one was
        where = [i for i, ch in enumerate(view) if ch != _HIDDEN]
        view = "".join(view[i] for i in where)
    addresses = _DOMAIN.search(view) is not None
    if not addresses and sum(map(view.count, "0123456789")) < _FEWEST_DIGITS:
        return text
    pattern = re.compile(_WITH_EMAIL) if addresses else _NUMBER
    out, done = [], 0
    for m in pattern.finditer(view):
        start, end = m.span()
        if where is not None:  # a number's trailing marks (a keycap's) go with it
            start, end = where[start], where[end] if end < len(where) else len(text)
        out += [text[done:start], f"[{m.lastgroup}]"]
        done = end
    return "".join(out) + text[done:] if out else text
