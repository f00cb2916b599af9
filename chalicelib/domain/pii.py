"""Mask phone numbers, Aadhaar-like numbers and e-mail addresses in text shown to officers or
the public. The raw text stays in the complaint record."""

from __future__ import annotations

import re

_D = "[0-9\u0966-\u096f]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 12 digits in groups of 4 (Aadhaar); checked before phones so a 12-digit run is not half-masked.
_AADHAAR = re.compile(rf"(?<![\w]){_D}{{4}}[ -]?{_D}{{4}}[ -]?{_D}{{4}}(?![\w])")
# Indian mobile: optional +91/0, ten digits starting 6-9, optionally split 5+5 or 3+3+4.
_PHONE = re.compile(
    rf"(?<![\w])(?:(?:\+|00)?91[ -]?|0)?[6-9\u096c-\u096f]{_D}{{4}}[ -]?{_D}{{5}}(?![\w])"
    rf"|(?<![\w])(?:(?:\+|00)?91[ -]?|0)?[6-9\u096c-\u096f]{_D}{{2}}[ -]{_D}{{3}}[ -]{_D}{{4}}(?![\w])"
    rf"|(?<![\w])0{_D}{{2,4}}[ -]{_D}{{6,8}}(?![\w])"   # landline with STD code
)


def mask(text: str) -> str:
    if not any(c.isdigit() or c == "@" for c in text):
        return text
    text = _EMAIL.sub("[email]", text)
    text = _AADHAAR.sub("[aadhaar]", text)
    return _PHONE.sub("[phone]", text)
