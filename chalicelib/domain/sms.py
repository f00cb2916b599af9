"""How many SMS segments a text takes: GSM-7 when every character is in the GSM 03.38 alphabet (160 septets,
153 per part of a longer message; the extension characters take two), else UCS-2 (70 UTF-16 units, 67 per
part) — any Devanagari makes it UCS-2. Parts are filled as a phone fills them: an escape pair or a surrogate
pair is never split, so a part may hold one unit less.

Written here, not taken from PyPI: the maintained package (gsm0338) is only the character codec; the segment
arithmetic is these few lines, and the Lambda bundle stays free of a dependency for a fixed table.
"""

from __future__ import annotations

# GSM 03.38 default alphabet and its extension table (3GPP TS 23.038, 6.2.1).
BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENDED = frozenset("\f^{}\\[~]|€")
SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}


def encoding(text: str) -> str:
    return "GSM-7" if all(c in BASIC or c in EXTENDED for c in text) else "UCS-2"


def _units(text: str, scheme: str) -> list[int]:
    """Each character's size: septets (GSM-7) or UTF-16 code units (UCS-2)."""
    if scheme == "GSM-7":
        return [2 if c in EXTENDED else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def length(text: str) -> int:
    """Septets or UTF-16 units, in the encoding the text needs."""
    return sum(_units(text, encoding(text)))


def segments(text: str) -> int:
    scheme = encoding(text)
    units = _units(text, scheme)
    if sum(units) <= SINGLE[scheme]:
        return 1
    parts, filled = 1, 0
    for size in units:
        if filled + size > PART[scheme]:
            parts, filled = parts + 1, 0
        filled += size
    return parts
