"""Replies to citizens on X: which are sent, their text in Hindi or English, and X's length rule."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .departments import NAMES_HI
from .districts import DISTRICTS

MAX_WEIGHT = 280
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "replies.json"
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# X counts these code points as 1 and everything else as 2 (twitter-text's default weighting).
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
KINDS = ("acknowledged", "resolved")
ELLIPSIS = "…"


def x_weight(text: str) -> int:
    return sum(1 if any(lo <= ord(ch) <= hi for lo, hi in _LIGHT) else 2 for ch in text)


def language(text: str) -> str:
    return "hi" if _DEVANAGARI.search(text) else "en"


def _fit(template: str, values: dict, note: str) -> str:
    """Fill the template; shorten the officer's note, never the reference, to stay within 280."""
    text = template.format(**values, note=note)
    if x_weight(text) <= MAX_WEIGHT:
        return text
    room = MAX_WEIGHT - x_weight(template.format(**values, note="")) - x_weight(ELLIPSIS)
    kept, used = [], 0
    for ch in note:
        used += x_weight(ch)
        if used > room:
            break
        kept.append(ch)
    return template.format(**values, note="".join(kept).rstrip() + ELLIPSIS)


class ReplyPolicy:
    def __init__(self, raw: dict):
        self.default = raw["default"]
        self.departments = raw.get("departments", {})

    def _setting(self, department: str, key: str):
        return self.departments.get(department, {}).get(key, self.default[key])

    def text(self, kind: str, complaint, note: str = "") -> str | None:
        """The reply to post, or None when this department does not send this kind of reply."""
        if not self._setting(complaint.department, {"acknowledged": "acknowledge", "resolved": "resolve"}[kind]):
            return None
        lang = language(complaint.text)
        district = DISTRICTS.get(complaint.district) if complaint.district is not None else None
        if lang == "hi":
            values = {"ref": complaint.ref, "district": district.name_hi if district else "उत्तर प्रदेश",
                      "department": NAMES_HI[complaint.department]}
        else:
            values = {"ref": complaint.ref, "district": district.name_en if district else "Uttar Pradesh",
                      "department": complaint.department}
        return _fit(self._setting(complaint.department, kind)[lang], values, note or "")


def load_reply_policy(path: Path | str = DEFAULT_PATH) -> ReplyPolicy:
    with open(path, encoding="utf-8") as f:
        return ReplyPolicy(json.load(f))
