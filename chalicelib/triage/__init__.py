"""Triage: decide a mention's district, department, urgency and whether it is a complaint.

First, simple version: district from a district name in the text or from a district handle,
department from the handle. The bilingual triage replaces the internals, not this interface.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..domain.districts import DISTRICTS
from ..domain.handles import WatchedHandle


@dataclass(frozen=True)
class Triage:
    is_complaint: bool
    district: int | None
    district_name: str | None
    department: str | None
    urgent: bool
    confidence: float
    masked_text: str


_NAMES = {name.lower(): d.lgd for d in DISTRICTS.values() for name in (d.name_en, d.name_hi)}


def _district_in_text(text: str) -> int | None:
    words = re.findall(r"[^\W_]+", text.lower())
    found = {_NAMES[w] for w in words if w in _NAMES}
    found |= {_NAMES[f"{a} {b}"] for a, b in zip(words, words[1:]) if f"{a} {b}" in _NAMES}
    return found.pop() if len(found) == 1 else None


def triage(text: str, tagged: Sequence[WatchedHandle]) -> Triage:
    district = _district_in_text(text)
    if district is None:
        handle_districts = {h.district for h in tagged if h.district is not None}
        district = handle_districts.pop() if len(handle_districts) == 1 else None
    department = next((h.department for h in tagged if h.kind != "state"), None)
    if department is None:
        department = tagged[0].department if tagged else "other"
    return Triage(
        is_complaint=True,
        district=district,
        district_name=DISTRICTS[district].name_en if district else None,
        department=department,
        urgent=False,
        confidence=0.5 if district else 0.0,
        masked_text=text,
    )
