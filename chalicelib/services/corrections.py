"""Officers' corrections of triage, exported as labelled examples for `make retrain` (CORRECTIONS=path)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TextIO

from .ports import Corrections


def export(corrections: Corrections, out: TextIO, since: datetime | None = None) -> int:
    """Write every example made at or after `since` (None: all), oldest first, one JSON object per line:
    {"text", "district", "department", "outcome", "urgent", "kind", "at"}. Returns how many."""
    written = 0
    for example in corrections.read(since):
        out.write(json.dumps(example.as_dict(), ensure_ascii=False) + "\n")
        written += 1
    return written
