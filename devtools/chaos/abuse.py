"""The abuse run: the desk's HTTP surface served by `chalice local` on the local stack, fuzzed from its
OpenAPI document by schemathesis (abuse_fuzz) and fed forged and replayed credentials (abuse_forged) and
oversized, malformed and tricky requests (abuse_bodies). Every answer is counted; a 5xx, an answer the
document does not describe, a complaint outside an officer's scope or a forged credential taken is a defect.

    python -m devtools.chaos.abuse [--seed N] [--out DIR]

starts a local stack of its own, seeds it (the sample mentions: complaints in several districts), runs,
prints what it found and ends with one JSON line. The chaos harness calls run() on its own stack.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import requests

ROOT = Path(__file__).resolve().parents[2]
CAPTURE_CHARS = 4000  # of each answer kept for the personal-data scan: enough for a page's words
OFFICER_DISTRICT = 162  # Lucknow: the sample mentions give it complaints, and others elsewhere


@dataclass
class Tally:
    """What the run saw: every answer counted, defects said in words, answers kept for the PII scan."""

    requests: int = 0
    api_5xx: int = 0
    schema_violations: int = 0
    scope_leaks: int = 0
    forged_accepted: int = 0
    defects: list[str] = field(default_factory=list)
    captured: list[list[str]] = field(default_factory=list)

    def saw(self, where: str, answer) -> None:
        """One answer (requests' or schemathesis' Response): counted, a 5xx named a defect, its body kept."""
        self.requests += 1
        status = answer.status_code
        text = answer.content.decode("utf-8", "replace")
        if status >= 500:
            self.api_5xx += 1
            self.defect(f"{where}: {status} {text[:200]}")
        self.captured.append([f"http:{where}", text[:CAPTURE_CHARS]])

    def defect(self, text: str) -> None:
        if text not in self.defects:
            self.defects.append(text)

    def figures(self) -> dict:
        return {"requests": self.requests, "api_5xx": self.api_5xx, "schema_violations": self.schema_violations,
                "scope_leaks": self.scope_leaks, "forged_accepted": self.forged_accepted,
                "defects": self.defects, "captured": self.captured}


@dataclass(frozen=True)
class Credentials:
    """Bearer tokens of the desk's own kind, signed with the stack's key as `python -m chalicelib.admin token`
    signs them: an admin, an officer of one district, and an admin's token that expired an hour ago."""

    admin: str
    officer: str
    expired: str
    officer_district: int = OFFICER_DISTRICT

    @classmethod
    def issue(cls, district: int = OFFICER_DISTRICT) -> "Credentials":
        from chalicelib import auth, runtime

        key, now = runtime.signing_key(), runtime.utcnow()
        return cls(admin=auth.issue(key, "abuse-admin", "admin", now=now, hours=1),
                   officer=auth.issue(key, "abuse-officer", "officer", [district], now=now, hours=1),
                   expired=auth.issue(key, "abuse-expired", "admin", now=now - timedelta(hours=2), hours=1),
                   officer_district=district)


def busiest_district() -> int:
    """The district with the most new complaints (Lucknow on the seeded stack): the officer's scope, and where
    the CSRF and link checks find complaints to act on."""
    from collections import Counter

    from chalicelib import runtime
    from chalicelib.domain.access import Principal
    from chalicelib.services.queue import open_queue

    admin = Principal("abuse", "admin", frozenset(), frozenset())
    new = Counter(c.district for c in open_queue(runtime.storage(), admin, runtime.utcnow())
                  if c.status.value == "new" and c.district is not None)
    return new.most_common(1)[0][0] if new else OFFICER_DISTRICT


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """`chalice local` on a free port with the stack's environment, as tests/app/test_chalice_local.py starts
    it; its output goes to log_path. Yields the base URL; stopped (and waited for) on the way out."""
    port = free_port()
    chalice = Path(sys.executable).with_name("chalice")
    log = log_path.open("wb")
    # Without autoreload: its worker is a child process that terminate() would leave running.
    server = subprocess.Popen([str(chalice), "local", "--stage", "local", "--host", "127.0.0.1", "--port", str(port),
                               "--no-autoreload"], cwd=ROOT, env=os.environ | env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/openapi.json", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"chalice local did not start; see {log_path}") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def run(stack, seed: int, out_dir: Path) -> dict:
    """The whole abuse run against `stack` (started, provisioned, seeded): the figures of Tally plus the
    seconds each part took; the answers' bodies and the server's log lines are in "captured"."""
    from . import abuse_bodies, abuse_forged, abuse_fuzz

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tally, seconds = Tally(), {}
    credentials = Credentials.issue(busiest_district())
    log_path = out_dir / "abuse-chalice-local.log"
    with served(stack.env, log_path) as url:
        for name, part in (("fuzz", abuse_fuzz.run), ("forged", abuse_forged.run), ("bodies", abuse_bodies.run)):
            started = time.monotonic()
            part(url, stack, credentials, random.Random(f"{seed}:{name}"), tally)
            seconds[name] = round(time.monotonic() - started, 1)
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        tally.captured.append(["log:chalice-local", line])
        if "Traceback" in line:
            tally.defect(f"chalice local logged a traceback: see {log_path}")
    return tally.figures() | {"seconds": seconds}


def _seeded_stack(stack) -> int:
    """Provision the stack and record the sample mentions (complaints in Lucknow, Noida and elsewhere)."""
    from chalicelib import runtime

    stack.provision()
    for held in (runtime.config, runtime.cognito_keys, runtime.officers_pool, runtime.registry):
        held.cache_clear()
    return len(runtime.run_poll()["created"])


def main(argv: list[str] | None = None) -> int:
    from devtools.stack import LocalStack

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "chaos")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with LocalStack() as stack:
        created = _seeded_stack(stack)
        result = run(stack, args.seed, args.out)
    summary = {k: v for k, v in result.items() if k != "captured"} | {
        "complaints": created, "captured": len(result["captured"]), "elapsed_s": round(time.monotonic() - started, 1)}
    (args.out / "abuse.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    for defect in result["defects"]:
        print("defect:", defect)
    print(json.dumps(summary, ensure_ascii=False))
    failed = result["api_5xx"] or result["schema_violations"] or result["scope_leaks"] or result["forged_accepted"]
    return 1 if failed or result["defects"] else 0


if __name__ == "__main__":
    sys.exit(main())
