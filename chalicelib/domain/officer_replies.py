"""Officers' replies on X: whose reply moves a complaint, whether it says the complaint is resolved, and
which posts in a thread are the desk's own replies (sent through a handle) rather than an officer's.

The phrases and negations are data (chalicelib/data/reply_phrases.json), in Hindi and English, so the
desk can learn how officers write without a code change.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .handles import WatchedHandle

if TYPE_CHECKING:
    from .complaint import Complaint

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "reply_phrases.json"
_CLAUSES = re.compile(r"([.,;:!?।॥\n]+)")
_EDGES = "\"'“”‘’()[]{}<>*_#~`…-–—"
_LEADING_MENTIONS = re.compile(r"^(?:\s*@\w+)+\s*")


class PhrasesError(ValueError):
    pass


def _words(text: str) -> tuple[str, ...]:
    """Lower-case words without mentions, links or surrounding punctuation; typographic apostrophes made plain."""
    text = unicodedata.normalize("NFC", text).casefold().replace("’", "'")
    words = (w.strip(_EDGES) for w in text.split() if not w.startswith(("@", "http")))
    return tuple(w for w in words if w)


def _find(words: tuple[str, ...], phrase: tuple[str, ...]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(words) - n + 1) if words[i:i + n] == phrase]


@dataclass(frozen=True)
class ReplyPhrases:
    phrases: tuple[tuple[str, ...], ...]
    negations: tuple[tuple[str, ...], ...]
    window: int

    def resolves(self, text: str) -> bool:
        """True when a clause of `text` says, un-negated and not as a question, that the complaint is resolved."""
        parts = _CLAUSES.split(text)
        for clause, end in zip(parts[0::2], [*parts[1::2], ""]):
            if "?" in end:
                continue
            words = _words(clause)
            for phrase in self.phrases:
                if any(not self._negated(words, i, i + len(phrase)) for i in _find(words, phrase)):
                    return True
        return False

    def _negated(self, words: tuple[str, ...], start: int, end: int) -> bool:
        near = words[max(0, start - self.window):start], words[end:end + self.window]
        return any(_find(side, cue) for side in near for cue in self.negations)


def parse_phrases(raw: dict) -> ReplyPhrases:
    """Refused at once if an entry could never match: no words, or a clause's end inside it."""
    listed = {name: raw.get(name) or [] for name in ("resolution_phrases", "negations")}
    for name, entries in listed.items():
        if unfit := [e for e in entries if not isinstance(e, str) or not _words(e) or _CLAUSES.search(e)]:
            raise PhrasesError(f"reply phrases: {name} {unfit!r} can never match (words, no . , ; : ! ? ।)")
    if not listed["resolution_phrases"]:
        raise PhrasesError("reply phrases: 'resolution_phrases' must not be empty")
    phrases, negations = (tuple(_words(e) for e in entries) for entries in listed.values())
    window = raw.get("window", 4)
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 10:
        raise PhrasesError("reply phrases: 'window' is a number of words from 0 to 10")
    return ReplyPhrases(phrases, negations, window)


@cache
def load_phrases(path: Path | str = DEFAULT_PATH) -> ReplyPhrases:
    with open(path, encoding="utf-8") as f:
        return parse_phrases(json.load(f))


def owns(handle: WatchedHandle, complaint: Complaint) -> bool:
    """A state handle, or one whose district (or, for a state-wide department handle, department) is the
    complaint's: its reply moves the complaint. Any other watched handle's reply is recorded only."""
    if handle.kind == "state":
        return True
    if handle.district is not None:
        return handle.district == complaint.district
    return handle.department == complaint.department


def is_desk_reply(post_id: str, text: str, complaint: Complaint) -> bool:
    """The desk's own reply to the citizen, posted through a handle: by the id X gave it, or, when the post is
    read before that id was saved (or X refused a repeat and gave none), by the text the desk wrote."""
    if any(r.post_id == post_id for r in complaint.replies.values()):
        return True
    plain = _LEADING_MENTIONS.sub("", text).strip()  # X may put the replied-to accounts before the text
    return any(plain == r.text.strip() for r in complaint.replies.values())
