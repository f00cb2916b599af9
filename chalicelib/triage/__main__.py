"""Check routing on a sample: JSON lines in, one JSON line out per input line, in order.

    echo '{"text": "Gomti Nagar me bijli nahi", "mentions": ["Uppolice"]}' | python -m chalicelib.triage

Input: {"text": str, "mentions": [handle, ...]} (mentions optional). Output: {"is_complaint",
"district", "district_name", "department", "urgent", "confidence", "masked_text", "outcome",
"channel"}: outcome is complaint (is_complaint true: it would alert officers), needs_review,
not_actionable or outside_jurisdiction (channel names the body that owns it); a bad line
gets {"error": "..."} on its line. ``--explain`` adds the per-decision confidences and the
evidence used.
"""

from __future__ import annotations

import json
import sys

from ..domain.handles import load_registry
from . import triage


def run(lines, out, explain: bool = False) -> int:
    registry = load_registry()
    errors = 0
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise ValueError('expected an object with a "text" string')
            mentions = obj.get("mentions") or []
            if not isinstance(mentions, list) or not all(isinstance(m, str) for m in mentions):
                raise ValueError('"mentions" must be a list of handles')
            t = triage(obj["text"], registry.watched(mentions))
            res = {
                "is_complaint": t.is_complaint, "district": t.district, "district_name": t.district_name,
                "department": t.department, "urgent": t.urgent, "confidence": t.confidence,
                "masked_text": t.masked_text, "outcome": t.outcome, "channel": t.channel,
            }
            if explain:
                res.update(district_confidence=t.district_confidence,
                           department_confidence=t.department_confidence, reason=t.reason)
        except Exception as e:  # one bad line must not stop the batch
            errors += 1
            res = {"error": f"line {n}: {type(e).__name__}: {e}"}
        out.write(json.dumps(res, ensure_ascii=False) + "\n")
    return errors


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__.strip())
        return 0
    sys.stdout.reconfigure(encoding="utf-8")
    sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    run(sys.stdin, sys.stdout, explain="--explain" in argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
