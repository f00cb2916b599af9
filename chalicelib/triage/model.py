"""The learned part of the triage: a linear model over character n-grams, scored in pure Python.

``make retrain`` (devtools/retrain.py) fits it with scikit-learn on the project's own labelled set
plus officers' corrections and writes plain weights to ``data/model.json`` only when
cross-validation shows a gain. The rules stay in charge: the model is asked only about what the
rules send to review (``needs_review``), and settles it when it is confident; without a model file
nothing changes. Features are hashed n-grams of 3 to 5 characters inside each word (``features``),
the same function at training and scoring time, so the exported weights need nothing else.
"""

from __future__ import annotations

import json
import math
import zlib
from pathlib import Path

PATH = Path(__file__).resolve().parent / "data" / "model.json"
BUCKETS = 1 << 20
N_MIN, N_MAX = 3, 5


def features(toks: list[str]) -> set[int]:
    """Hashed character n-grams of each word (with its edges marked), as a set: presence only."""
    out: set[int] = set()
    crc = zlib.crc32
    for t in toks:
        if not (t.isalnum() or t[:1] >= "\u0900"):
            continue
        w = f" {t} "
        n_w = len(w)
        for n in range(N_MIN, N_MAX + 1):
            for i in range(n_w - n + 1):
                out.add(crc(w[i:i + n].encode("utf-8")) & (BUCKETS - 1))
    return out


class Model:
    def __init__(self, data: dict):
        self.bias = float(data["bias"])
        self.weights = {int(k): float(v) for k, v in data["weights"].items()}
        self.settle_above = float(data.get("settle_above", 0.85))
        self.settle_below = float(data.get("settle_below", 0.15))
        self.meta = data.get("meta", {})

    def probability(self, toks: list[str]) -> float:
        """P(a complaint) for a tweet's exact-form tokens."""
        w = self.weights
        z = self.bias + sum(w.get(f, 0.0) for f in features(toks))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def settle(self, toks: list[str]) -> str | None:
        """complaint / not_actionable when confident, None to leave it for review."""
        p = self.probability(toks)
        if p >= self.settle_above:
            return "complaint"
        if p <= self.settle_below:
            return "not_actionable"
        return None


_MODEL: Model | None = None
_LOADED = False


def model() -> Model | None:
    """The committed model, read on first use; None when there is none."""
    global _MODEL, _LOADED
    if not _LOADED:
        _LOADED = True
        if PATH.exists():
            _MODEL = Model(json.loads(PATH.read_text(encoding="utf-8")))
    return _MODEL


def reset(path: Path | None = None) -> None:
    """Read the model again (after retraining, or from another file in tests)."""
    global _MODEL, _LOADED, PATH
    if path is not None:
        PATH = path
    _MODEL, _LOADED = None, False
