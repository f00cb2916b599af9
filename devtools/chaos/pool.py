"""The worker processes of one scenario: each invocation of a desk function is a subprocess
(devtools/chaos/worker.py) the harness can SIGKILL; its output goes to a log file that the PII scan reads.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from devtools.chaos.worker import RESULT_MARK

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Worker:
    n: int
    function: str
    proc: subprocess.Popen
    log: Path
    started: float = field(default_factory=time.monotonic)
    killed_at: float | None = None  # seconds after its start
    result: dict | None = None
    code: int | None = None

    @property
    def age(self) -> float:
        return time.monotonic() - self.started


class Pool:
    def __init__(self, out_dir: Path):
        self.dir = out_dir / "workers"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.running: list[Worker] = []
        self.done: list[Worker] = []
        self.most_at_once: dict[str, int] = {}  # per function: the most invocations running together
        self._n = 0

    def spawn(self, function: str, env: dict[str, str]) -> Worker:
        self._n += 1
        log = self.dir / f"{self._n:04d}-{function}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "devtools.chaos.worker", function], cwd=ROOT, env=env,
                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        worker = Worker(self._n, function, proc, log)
        self.reap()
        self.running.append(worker)
        self.most_at_once[function] = max(self.most_at_once.get(function, 0), self.count(function))
        return worker

    def count(self, function: str) -> int:
        return sum(w.function == function for w in self.running)

    def reap(self) -> list[Worker]:
        """The workers that ended since the last call, with their answers."""
        ended = [w for w in self.running if w.proc.poll() is not None]
        for w in ended:
            self.running.remove(w)
            w.code = w.proc.returncode
            w.result = _result(w.log)
            self.done.append(w)
        return ended

    def kill(self, worker: Worker) -> None:
        if worker.proc.poll() is None:
            os.kill(worker.proc.pid, signal.SIGKILL)
            worker.killed_at = round(worker.age, 2)

    def wait(self, worker: Worker, timeout: float) -> Worker:
        try:
            worker.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill(worker)
            worker.proc.wait()
        self.reap()
        return worker

    def wait_all(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for w in list(self.running):
            self.wait(w, max(0.1, deadline - time.monotonic()))

    def kills(self) -> list[dict]:
        return [{"n": w.n, "function": w.function, "after_s": w.killed_at} for w in self.done if w.killed_at is not None]

    def crashes(self) -> list[dict]:
        """Invocations that ended in an error, not killed: the traceback's last lines."""
        out = []
        for w in self.done:
            if w.killed_at is None and w.code not in (0, None):
                tail = w.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-6:]
                out.append({"n": w.n, "function": w.function, "code": w.code, "tail": tail})
        return out

    def captured(self) -> list[tuple[str, str]]:
        """Every line every worker wrote (logs, EMF metrics, errors), for the PII scan."""
        return [(f"log:{w.function}", line) for w in self.done
                for line in w.log.read_text(encoding="utf-8", errors="replace").splitlines()]

    def summary(self) -> dict:
        by: dict[str, dict] = {}
        for w in self.done:
            s = by.setdefault(w.function, {"runs": 0, "killed": 0, "crashed": 0})
            s["runs"] += 1
            s["killed"] += w.killed_at is not None
            s["crashed"] += w.killed_at is None and w.code not in (0, None)
        return by


def _result(log: Path) -> dict | None:
    for line in reversed(log.read_text(encoding="utf-8", errors="replace").splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK):])
    return None
