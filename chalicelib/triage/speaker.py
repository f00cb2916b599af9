"""Who is speaking: posts by official accounts are answers or announcements, not complaints.

An account is official when X says so (verified_type government or business, from the same user
expansion that gives the username: no extra request), when it is one of the desk's own handles
(``Speaker.is_watched``), or when it is on the maintained list in ``data/official_accounts.txt``
(central bodies, other departments, other states' police). The list is read on first use.
"""

from __future__ import annotations

from pathlib import Path

OFFICIAL_VERIFIED = frozenset({"government", "business"})
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
