"""Retrain the triage's model (``make retrain [CORRECTIONS=file.jsonl]``); build time only.

    .venv/bin/python -m devtools.retrain [--corrections FILE.jsonl] [--out PATH] [--force]

Labels: the project's own set (tests/triage/eval_set.jsonl; the frozen holdout_set.jsonl is never
used) plus officers' corrections, one JSON object a line as `python -m chalicelib.admin corrections
export` writes them ({"text", "district", "department", "outcome", "urgent", "kind", "at"}). A row's
label is whether it is a complaint someone must act on (outcome complaint or outside_jurisdiction);
rows still in needs_review teach nothing and are skipped.

The model (chalicelib/triage/model.py: logistic regression over hashed character n-grams, fitted with
scikit-learn, exported as plain weights) only settles what the rules send to review. The report
compares, by 5-fold cross-validation, the rules alone with the rules plus a model fitted on the other
folds: complaint precision, recall, F1 and how much is left for review. The model file is written
only when the combination is better (higher F1, or as good with less left for review); --force
writes it anyway.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN = ROOT / "tests" / "triage" / "eval_set.jsonl"
OUTCOMES = ("complaint", "needs_review", "not_actionable", "outside_jurisdiction")
FOUND = ("complaint", "outside_jurisdiction")
C = 4.0            # inverse regularisation; the sets are small, the features many
MIN_WEIGHT = 1e-3  # weights smaller than this are left out of the file


class CorrectionsError(ValueError):
    """A corrections file line that is not a usable label; names the line."""


def load_own(path: Path = OWN) -> list[tuple[str, int]]:
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [(r["text"], int(bool(r["is_complaint"]))) for r in rows]


def load_corrections(path: Path) -> list[tuple[str, int]]:
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                raise CorrectionsError(f"{path}:{n}: not JSON ({e.msg})") from None
            if not isinstance(r, dict) or not isinstance(r.get("text"), str) or not r["text"].strip():
                raise CorrectionsError(f"{path}:{n}: expected an object with a non-empty \"text\"")
            if r.get("outcome") not in OUTCOMES:
                raise CorrectionsError(f"{path}:{n}: \"outcome\" must be one of {', '.join(OUTCOMES)}")
            if r["outcome"] != "needs_review":
                out.append((r["text"], int(r["outcome"] in FOUND)))
    return out


def rules_outcomes(texts: list[str]) -> list[str]:
    """The rules' outcome for each text, with no model."""
    from chalicelib.triage import model as mdl
    from chalicelib.triage import triage
    saved = mdl.PATH
    mdl.reset(ROOT / "no-model.json")
    try:
        return [triage(t, []).outcome for t in texts]
    finally:
        mdl.reset(saved)


def featurise(texts: list[str]):
    from scipy.sparse import csr_matrix
    from chalicelib.triage.model import BUCKETS, features
    from chalicelib.triage.normalise import tokens
    rows, cols = [], []
    for i, t in enumerate(texts):
        fs = sorted(features(tokens(t)))
        rows += [i] * len(fs)
        cols += fs
    return csr_matrix(([1.0] * len(cols), (rows, cols)), shape=(len(texts), BUCKETS))


def fit(X, y):
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000).fit(X, y)


def export(clf) -> dict:
    w = clf.coef_[0]
    nz = [(int(i), round(float(w[i]), 4)) for i in w.nonzero()[0] if abs(w[i]) >= MIN_WEIGHT]
    return {"bias": round(float(clf.intercept_[0]), 4), "weights": dict(nz), "settle_above": 0.85,
            "settle_below": 0.15}


def scores(y, found, review) -> dict:
    tp = sum(1 for a, b in zip(y, found) if a and b)
    p = tp / max(1, sum(found))
    r = tp / max(1, sum(y))
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "review": sum(review) / max(1, len(review))}


def cross_validate(texts, y, outcomes, folds: int = 5, seed: int = 0) -> tuple[dict, dict]:
    from sklearn.model_selection import StratifiedKFold
    from chalicelib.triage.model import Model
    from chalicelib.triage.normalise import tokens
    X = featurise(texts)
    combined = list(outcomes)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        m = Model(export(fit(X[train], [y[i] for i in train])))
        for i in test:
            if outcomes[i] == "needs_review":
                combined[i] = m.settle(tokens(texts[i])) or "needs_review"
    rules = scores(y, [o in FOUND for o in outcomes], [o == "needs_review" for o in outcomes])
    both = scores(y, [o in FOUND for o in combined], [o == "needs_review" for o in combined])
    return rules, both


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corrections", type=Path, help="officers' corrections, JSON lines")
    ap.add_argument("--out", type=Path, default=None, help="model file (default chalicelib/triage/data/model.json)")
    ap.add_argument("--force", action="store_true", help="write the model even without a cross-validated gain")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from chalicelib.triage import model as mdl

    data = load_own()
    n_own = len(data)
    if args.corrections:
        try:
            data += load_corrections(args.corrections)
        except (OSError, CorrectionsError) as e:
            print(f"retrain: {e}", file=sys.stderr)
            return 2
    texts, y = [t for t, _ in data], [lbl for _, lbl in data]
    if len(set(y)) < 2 or min(y.count(0), y.count(1)) < 5:
        print("retrain: need at least 5 complaints and 5 non-complaints to train", file=sys.stderr)
        return 2
    outcomes = rules_outcomes(texts)
    rules, both = cross_validate(texts, y, outcomes)
    print(f"labels: {n_own} from the project's set, {len(data) - n_own} from corrections "
          f"({sum(y)} complaints); 5-fold cross-validation, the model settles only what the rules leave for review")
    print("| | complaint P | complaint R | F1 | left for review |\n|---|---|---|---|---|")
    for name, s in (("rules alone", rules), ("rules + model", both)):
        print(f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['review']:.1%} |")
    gain = both["f1"] - rules["f1"]
    better = gain > 1e-9 or (abs(gain) <= 1e-9 and both["review"] < rules["review"])
    out = args.out or mdl.PATH
    if not (better or args.force):
        print(f"no cross-validated gain (F1 {gain:+.3f}): {out} not written")
        return 0
    model = export(fit(featurise(texts), y))
    model["meta"] = {"labels": len(data), "from_corrections": len(data) - n_own, "cv_f1_rules": round(rules["f1"], 4),
                     "cv_f1_with_model": round(both["f1"], 4), "cv_review_rules": round(rules["review"], 4),
                     "cv_review_with_model": round(both["review"], 4)}
    out.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"F1 {gain:+.3f}, left for review {both['review'] - rules['review']:+.1%}: wrote {out} "
          f"({len(model['weights'])} weights, {out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
