"""Personal data for the fault and abuse suite: plant it in citizens' posts, then look for it in everything
the desk let out (logs, metrics, alerts, SMS, posts on X, error bodies).

`plant` writes an Indian mobile number, an Aadhaar-like number and an e-mail address the ways citizens
write them (+91 98xxx-xxxxx, 098..., run together, grouped, Devanagari digits, glued to Hindi or Hinglish
words) and returns the fragment with the values exactly as planted. `find_leaks` reads each captured text
in several views (as captured, JSON-unescaped, HTML-unescaped, URL-decoded, any script's digits as ASCII,
invisible characters dropped) and finds each planted value in any of its written forms; it also flags any
other phone, Aadhaar-like number or address that is not the desk's own (officers' mail, the desk's domains).
A leak is reported masked: the report never carries the value it found.

Independent of chalicelib.domain.pii on purpose: the scan checks the desk's masker, it must not share its
blind spots.
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote, unquote_plus

# Addresses and domains that belong to the desk, not to a citizen: officers' sign-in and alert mail.
DESK_DOMAINS = ("up.gov.in", "gov.in", "nic.in", "example.in", "example.com", "example.org")
DESK_ADDRESSES = frozenset({
    "lucknow.police@example.in", "noida.officer@example.in", "state.admin@example.in",  # devtools.stack's accounts
})

_DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
_MAIL_HOSTS = ("gmail.com", "yahoo.co.in", "rediffmail.com", "outlook.com", "hotmail.com", "yahoo.com")
_NAMES = ("ram", "sita", "rahul", "priya", "amit", "neha", "vikas", "pooja", "arjun", "kavita", "imran", "fatima")
_SURNAMES = ("kumar", "sharma", "verma", "yadav", "singh", "gupta", "khan", "mishra", "pandey", "maurya")


def _mobile(rng: random.Random) -> str:
    return str(rng.randint(6, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(9))


def _aadhaar(rng: random.Random) -> str:
    return str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(11))


def _phone_form(rng: random.Random, d: str) -> str:
    forms = (
        f"+91 {d[:5]} {d[5:]}", f"+91-{d[:5]}-{d[5:]}", f"+91{d}", f"0{d}", f"0{d[:5]} {d[5:]}", f"{d[:5]} {d[5:]}",
        f"{d[:5]}-{d[5:]}", d, f"{d[:3]}-{d[3:6]}-{d[6:]}", d.translate(_DEVANAGARI),
        f"+९१ {d[:5].translate(_DEVANAGARI)} {d[5:].translate(_DEVANAGARI)}",
    )
    return rng.choice(forms)


def _aadhaar_form(rng: random.Random, d: str) -> str:
    forms = (f"{d[:4]} {d[4:8]} {d[8:]}", f"{d[:4]}-{d[4:8]}-{d[8:]}", d,
             f"{d[:4]} {d[4:8]} {d[8:]}".translate(_DEVANAGARI), d.translate(_DEVANAGARI))
    return rng.choice(forms)


def _email(rng: random.Random) -> str:
    name, surname = rng.choice(_NAMES), rng.choice(_SURNAMES)
    local = rng.choice((f"{name}.{surname}", f"{name}{surname}{rng.randint(1, 99)}", f"{name}_{rng.randint(1970, 2005)}",
                        f"{name}.{surname}+up"))
    return f"{local}@{rng.choice(_MAIL_HOSTS)}"


# How a citizen frames each value: Hindi, Hinglish or English, sometimes glued to the word before or after.
_PHONE_SAYS = ("मेरा नंबर {} है", "mera number {} hai", "call me on {}", "संपर्क करें: {}", "mob:{}", "नं{}",
               "मोबाइल{}पर कॉल करें", "whatsapp {} pe bhejo")
_AADHAAR_SAYS = ("आधार {} है", "aadhaar no. {}", "my Aadhaar {} was misused", "आधारकार्ड{}", "UID {} wala")
_EMAIL_SAYS = ("ईमेल {} पर भेजें", "mail karo {}", "email: {}", "मेल:{}", "reply to {} please")


def plant(rng: random.Random) -> tuple[str, list[str]]:
    """A fragment of a citizen's post carrying one to three pieces of personal data, and the values exactly
    as written in it (a phone planted as '+91-98765-43210' is returned so)."""
    kinds = rng.sample(("phone", "aadhaar", "email"), rng.randint(1, 3))
    parts, values = [], []
    for kind in kinds:
        if kind == "phone":
            value, says = _phone_form(rng, _mobile(rng)), _PHONE_SAYS
        elif kind == "aadhaar":
            value, says = _aadhaar_form(rng, _aadhaar(rng)), _AADHAAR_SAYS
        else:
            value, says = _email(rng), _EMAIL_SAYS
        parts.append(rng.choice(says).format(value))
        values.append(value)
    return rng.choice((", ", " । ", "; ", " ")).join(parts), values


# ---------------------------------------------------------------------------------------------- the scan

# Groups of digits with up to three spaces, dots or dashes between them: one number however it was grouped.
_RUN = re.compile(r"[0-9]+(?:[\s.\-]{1,3}[0-9]+)*")
# A \uXXXX escape (a surrogate pair as one), however many times the text was JSON-encoded.
_JSON_ESCAPE = re.compile(r"\\+u([0-9a-fA-F]{4})(?:\\+u([dD][c-fC-F][0-9a-fA-F]{2}))?")
_JSON_QUOTED = re.compile(r'\\+(["/n])')
_EMAIL = re.compile(r"(?<![\w.+\-])([\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)")
# Generic numbers, not glued to an ASCII letter, digit, hyphen or a URL escape's % (a UUID's groups, a signature,
# an id, %20 before a number stay out).
_GENERIC_PHONE = re.compile(r"(?<![0-9A-Za-z\-%])(?:(?:\+|00)?91[ \-]?|0)?([6-9][0-9]{4}[ \-]?[0-9]{5})(?![0-9A-Za-z])")
_GENERIC_AADHAAR = re.compile(r"(?<![0-9A-Za-z\-%])([2-9][0-9]{3}[ \-]?[0-9]{4}[ \-]?[0-9]{4})(?![0-9A-Za-z])")


class _Fold(dict):
    """str.translate table: any script's digits as ASCII, dashes as '-', spaces as ' ', invisibles dropped."""

    def __missing__(self, cp: int) -> str | None:
        ch = chr(cp)
        digit = unicodedata.decimal(ch, None)
        category = unicodedata.category(ch)
        if digit is not None:
            out = str(digit)
        elif category in ("Cf", "Mn", "Me") and not ("\u0900" <= ch <= "\u097f"):  # zero-width, keycaps; not matras
            out = None
        elif category == "Zs":
            out = " "
        elif category == "Pd":
            out = "-"
        else:
            folded = unicodedata.normalize("NFKC", ch)
            out = folded if len(folded) == 1 else ch
        self[cp] = out
        return out


_FOLD = _Fold({cp: chr(cp) for cp in range(128)})


def _json_unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        high = int(m.group(1), 16)
        if m.group(2) and 0xD800 <= high < 0xDC00:
            return chr(0x10000 + ((high - 0xD800) << 10) + (int(m.group(2), 16) - 0xDC00))
        return chr(high) + (chr(int(m.group(2), 16)) if m.group(2) else "")
    return _JSON_QUOTED.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), _JSON_ESCAPE.sub(one, text))


# Each decoding, tried only when the text holds its sign.
_DECODERS = (("\\", _json_unescape), ("&", html.unescape), ("%", unquote), ("+", unquote_plus))


def _views(text: str) -> list[str]:
    """The text as captured and decoded every way a value could hide in it, each folded."""
    views, todo = [], [text]
    while todo and len(views) < 12:
        view = todo.pop()
        if view in views:
            continue
        views.append(view)
        for sign, decode in _DECODERS:
            if sign in view and (decoded := decode(view)) != view:
                todo.append(decoded)
    return list(dict.fromkeys(v.translate(_FOLD) for v in views))


def _digits(value: str) -> str:
    return "".join(ch for ch in value.translate(_FOLD) if ch.isdigit())


def _canonical(value: str) -> tuple[str, str]:
    """(kind, key) of a planted value: a phone's ten digits without +91 or 0, an Aadhaar's twelve, an
    address in lower case."""
    value = value.translate(_FOLD).strip()
    if "@" in value:
        return "email", value.lower()
    digits = _digits(value)
    # +91 or a leading 0 make twelve or eleven digits a phone; twelve written without a + are an Aadhaar.
    for prefix in ("0091", "91", "0"):
        if len(digits) == 10 + len(prefix) and digits.startswith(prefix) and value[0] in "+0":
            digits = digits[len(prefix):]
            break
    return ("phone" if len(digits) == 10 else "aadhaar" if len(digits) == 12 else "number"), digits


def _numbers_in(view: str) -> set[str]:
    """Every ten- or twelve-digit string a number in the view could be read as: groups of digits joined
    across the spaces, dots and dashes between them, starting and ending where a group does (a longer run
    such as a post's id is never cut), with and without a +91, 0091 or 0 in front."""
    out = set()
    for run in _RUN.finditer(view):
        if run.end() - run.start() < 10:
            continue
        groups = run.group().replace("-", " ").replace(".", " ").split()
        for i in range(len(groups)):
            joined = ""
            for group in groups[i:]:
                joined += group
                if len(joined) > 14:
                    break
                if len(joined) >= 10:
                    out.add(joined)
                    out.update(joined[len(p):] for p in ("0091", "91", "0") if joined.startswith(p))
    return out


def _is_desk_address(address: str) -> bool:
    address = address.lower()
    domain = address.rsplit("@", 1)[-1]
    return address in DESK_ADDRESSES or any(domain == d or domain.endswith("." + d) for d in DESK_DOMAINS)


def masked(kind: str, value: str) -> str:
    """A leaked value as the report shows it: enough to tell two apart, never the value."""
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = _digits(value)
    return f"{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}" if kind == "phone" else f"XXXX XXXX {digits[-4:]}"


_ANY_DIGIT = re.compile(r"\d")  # any script's
_HIDING = ("@", "%", "&#", "\\u")  # an address, or an escape a digit or an @ could be written in


def _worth_reading(text: str) -> bool:
    """Whether a text could hold a phone, Aadhaar or address at all: nine digits (a landline's fewest) or an
    @, or an escape that could hide either. Most log lines have neither and are passed over quickly."""
    return any(sign in text for sign in _HIDING) or len(_ANY_DIGIT.findall(text)) >= 9


def find_leaks(captured: Iterable[tuple[str, str]], planted: Iterable[str]) -> list[dict]:
    """Every planted value, and every other citizen-like phone, Aadhaar or address, found in the captured
    (where, text) pairs: one {"where", "kind", "value"} per place and value, the value masked."""
    kinds = dict(_canonical(value)[::-1] for value in planted)  # key -> kind
    addresses = {key for key, kind in kinds.items() if kind == "email"}
    found: dict[tuple[str, str, str], None] = {}
    texts = ((where, text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text))
             for where, text in captured if text)
    for where, text in dict.fromkeys(texts):  # each line once
        if not _worth_reading(text):
            continue
        for view in _views(text):
            for number in _numbers_in(view):
                if number in kinds:
                    found[(where, kinds[number], number)] = None
            for m in _EMAIL.finditer(view):
                address = m.group(1).lower().strip(".")
                # A planted address read with a word glued on ('to+a@b.in' in a query) or part cut off is that one.
                same = next((a for a in addresses if address.endswith(a) or a.endswith(address)), None)
                if same or not _is_desk_address(address):
                    found[(where, "email", same or address)] = None
            phones = []
            for m in _GENERIC_PHONE.finditer(view):
                phones.append(m.span())
                if (digits := _digits(m.group(1))) not in kinds and _digits(m.group()) not in kinds:
                    found[(where, "phone", digits)] = None
            for m in _GENERIC_AADHAAR.finditer(view):
                digits = _digits(m.group(1))
                if digits not in kinds and not any(a <= m.start() < b for a, b in phones):
                    found[(where, "aadhaar", digits)] = None
    return [{"where": where, "kind": kind, "value": masked(kind, value)} for where, kind, value in found]
