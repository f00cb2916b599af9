"""India Post's directory as the triage reads it: places outside UP and UP's PIN codes.

``data/india_places.json`` is derived at build time by devtools/build_india_places.py from the
``indian-pincode`` packages (development dependencies only; the Lambda reads just this file):

- ``outside``: exact forms (``normalise.name_key``) of names that place a text outside UP, 1 for
  states and big cities (any case), 0 for other states' districts and post offices (only when
  capitalised or a hashtag, so that ordinary words stay words); names UP also has are left out;
- ``pin``: UP's PIN codes that name one district; ``shared``: UP place names another state also has;
  ``up_offices``: UP post offices the gazetteer does not know (weak evidence).
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "india_places.json"
MAX_TOKENS = 4
_STOP = frozenset(',;:!?()[]|"“”/\n')
_PIN_WORDS = frozenset({"pin", "pincode", "code", "पिन", "पिनकोड", "कोड"})
_MONEY_WORDS = frozenset({"rs", "inr", "rupees", "rupaye", "rupee", "रुपये", "रुपए", "रु", "amount", "lakh", "लाख"})


class India:
    def __init__(self, path: Path = DATA):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        self.pins: dict[int, int] = {int(k): v for k, v in data["pin"].items()}
        self.outside: dict[str, int] = data["outside"]
        self.first = frozenset(data["outside_first"])
        self.shared = frozenset(data["shared"])
        self.up_offices: dict[str, list] = data["up_offices"]   # exact form -> [name, LGD code]

    def outside_spans(self, toks: list[str], raw_toks: list[str], taken) -> list:
        """(first, last, None) for a state or big city outside UP, (first, last, ()) for a smaller place
        outside UP: longest first, up to four tokens, where no UP name matched (``taken``)."""
        first = self.first
        starts = [i for i, t in enumerate(toks) if t in first]
        if not starts:
            return []
        used = {i for a, b, _ in taken for i in range(a, b + 1)} if taken else ()
        out = []
        n, table, after = len(toks), self.outside, -1
        for i in starts:
            if i <= after:
                continue                  # inside the span found last
            best = None
            acc = ""
            for j in range(i, min(i + MAX_TOKENS, n)):
                if j in used or toks[j] in _STOP:
                    break
                acc += toks[j]
                hit = table.get(acc)
                if hit is not None and (hit or raw_toks[i][:1].isupper() or raw_toks[i][:1] == "#"):
                    best = (j, hit)
            if best is not None:
                out.append((i, best[0], None if best[1] else ()))
                after = best[0]
        return out

    def pin_districts(self, toks: list[str]):
        """(PIN code, LGD district) for each UP PIN code in the text that does not read as money."""
        for i, t in enumerate(toks):
            if len(t) == 6 and t.isdigit() and int(t) in self.pins and _pin_context(toks, i):
                yield t, self.pins[int(t)]


def _pin_context(toks: list[str], i: int) -> bool:
    near = toks[max(0, i - 2):i] + toks[i + 1:i + 2]
    return not _PIN_WORDS.isdisjoint(near) or _MONEY_WORDS.isdisjoint(near)
