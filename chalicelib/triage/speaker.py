"""Who is speaking: posts by official accounts are answers or announcements, not complaints.

An account is official when X says so (verified_type government or business, from the same user
expansion that gives the username: no extra request), when it is one of the desk's own handles
(``Speaker.is_watched``), or when it is on the maintained list in ``data/official_accounts.txt``
(central bodies, other departments, other states' police). The list is read on first use.
"""

from __future__ import annotations

from pathlib import Path

OFFICIAL_VERIFIED = frozenset({"government", "business"})

# The boilerplate of official replies and forwards (Hindi and English): a post with one of these is the
# body's answer, never a citizen's complaint.
OFFICIAL_REPLY: tuple[str, ...] = (
    "your complaint has been registered", "complaint has been registered on", "you may track your complaint",
    "you may track it via", "complaint no. has been sent", "reference no. has been sent", "has been sent through sms",
    "please share your pnr", "kindly share pnr", "kindly share your pnr", "share pnr and mobile",
    "kindly share user id", "preferably via dm", "preferably in direct message", "for necessary action escalated",
    "escalated to the concerned", "matter is being escalated", "has been escalated", "forwarded to the concerned",
    "forwarded for necessary action", "please share your mobile number", "kindly share your mobile number",
    "please dm your mobile number", "please dm your contact", "the concerned officer can contact you",
    "inconvenience caused is deeply regretted", "sorry for the inconvenience caused", "we're coordinating with",
    "for speedy redressal", "to enable us to take immediate action", "we regret the inconvenience",
    "आवश्यक कार्यवाही हेतु", "आवश्यक कार्रवाई हेतु", "कार्यवाही हेतु निर्देशित", "कार्रवाई हेतु निर्देशित",
    "निर्देशित किया गया है", "कृपया अपना मोबाइल नंबर", "मोबाइल नंबर डीएम करें", "मोबाइल नंबर dm करें",
    "संबंधित को निर्देशित", "सम्बन्धित को निर्देशित", "कृपया मोबाइल नंबर", "आवश्यक कार्यवाही की जा रही है",
    "प्रकरण संज्ञान में है", "प्रकरण के संबंध में", "थाना प्रभारी को निर्देशित", "को अवगत कराया गया है",
)

_LIST = Path(__file__).resolve().parent / "data" / "official_accounts.txt"
_NAMES: tuple[frozenset[str], tuple[str, ...]] | None = None


def _names() -> tuple[frozenset[str], tuple[str, ...]]:
    global _NAMES
    if _NAMES is None:
        exact, prefixes = set(), []
        for line in _LIST.read_text(encoding="utf-8").splitlines():
            name = line.strip().lstrip("@").lower()
            if not name or name.startswith("#"):
                continue
            if name.endswith("*"):
                prefixes.append(name[:-1])
            else:
                exact.add(name)
        _NAMES = frozenset(exact), tuple(prefixes)
    return _NAMES


def is_official_account(username: str) -> bool:
    """Whether a username is on the maintained list of official accounts."""
    name = (username or "").lstrip("@").lower()
    if not name:
        return False
    exact, prefixes = _names()
    return name in exact or name.startswith(prefixes)


def why_official(speaker) -> str:
    """Why a speaker is an official voice ("" when it is not): the reason triage records."""
    if speaker is None:
        return ""
    if speaker.is_watched:
        return "speaker:desk_handle"
    if (speaker.verified_type or "").lower() in OFFICIAL_VERIFIED:
        return f"speaker:verified_{speaker.verified_type.lower()}"
    if is_official_account(speaker.username):
        return "speaker:official_list"
    return ""
