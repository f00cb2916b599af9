"""`make retrain`: corrections become labels, the model is fitted only with a cross-validated gain,
exported as plain weights, scored in pure Python the way scikit-learn scores it, and it only settles
what the rules leave for review."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sklearn")

from devtools import retrain  # noqa: E402
from chalicelib.triage import model as mdl, triage  # noqa: E402
from chalicelib.triage.normalise import tokens  # noqa: E402

# asks the rules cannot decide; officers said which ones were complaints
ASKS = ["sir please guide me about my {} file", "kindly see into my {} matter sir", "sir please help me with the {} form"]
WHAT = ["pension", "ration", "land", "scholarship", "fees", "salary", "bill", "water", "road", "bijli", "school", "court"]
FOLLOW = ["sir please follow back {}", "please retweet this sir {}", "sir kindly share this post {}"]
WHO = ["bhai", "friends", "everyone", "guys", "ji", "team", "all", "sirji", "dosto", "yaaron", "log", "sab"]


def _corrections(path):
    rows = [{"text": a.format(w), "outcome": "complaint", "kind": "review"} for a in ASKS for w in WHAT]
    rows += [{"text": f.format(w), "outcome": "not_actionable", "kind": "review"} for f in FOLLOW for w in WHO]
    rows.append({"text": "still undecided sir please", "outcome": "needs_review", "kind": "review"})
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def restore_model():
    saved = mdl.PATH
    yield
    mdl.reset(saved)


def test_corrections_with_a_gain_write_a_model_that_settles_review(tmp_path, capsys, restore_model):
    out = tmp_path / "model.json"
    assert triage("sir please guide me about my gas connection file", []).outcome == "needs_review"
    assert retrain.main(["--corrections", str(_corrections(tmp_path / "c.jsonl")), "--out", str(out)]) == 0
    report = capsys.readouterr().out
    assert "rules alone" in report and "rules + model" in report and "wrote" in report
    data = json.loads(out.read_text())
    assert data["meta"]["from_corrections"] == 72 and data["meta"]["cv_f1_with_model"] > data["meta"]["cv_f1_rules"]
    mdl.reset(out)
    t = triage("sir please guide me about my gas connection file", [])
    assert t.outcome == "complaint" and "model:complaint" in t.reason
    assert triage("sir please follow back brother", []).outcome == "not_actionable"
    assert triage("Meerut me meri bike chori ho gayi", []).outcome == "complaint"   # the rules' own decisions stay


def test_no_gain_writes_nothing(tmp_path, capsys):
    out = tmp_path / "model.json"
    assert retrain.main(["--out", str(out)]) == 0
    assert "not written" in capsys.readouterr().out and not out.exists()


def test_pure_python_scoring_matches_scikit_learn(tmp_path):
    texts = [a.format(w) for a in ASKS for w in WHAT] + [f.format(w) for f in FOLLOW for w in WHO]
    y = [1] * 36 + [0] * 36
    clf = retrain.fit(retrain.featurise(texts), y)
    m = mdl.Model(retrain.export(clf))
    want = clf.predict_proba(retrain.featurise(texts))[:, 1]
    for text, p in zip(texts, want):
        assert m.probability(tokens(text)) == pytest.approx(p, abs=2e-3)


def test_bad_corrections_are_refused_with_the_line(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok", "outcome": "complaint"}\n{"text": "x", "outcome": "maybe"}\n', encoding="utf-8")
    assert retrain.main(["--corrections", str(bad), "--out", str(tmp_path / "m.json")]) == 2
    assert "bad.jsonl:2" in capsys.readouterr().err
