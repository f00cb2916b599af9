"""The memory of the whole chaos run: every 0.5 s, the resident set of this process and every process below
it (the scenarios with their moto and local X, the workers, chalice local), summed; the peak of the sum and
the peak per kind of process; and the CPU seconds each kind used (as last seen: a process's final half second
is missed)."""

from __future__ import annotations

import os
import threading

import psutil

INTERVAL = 0.5


def kind(process: psutil.Process) -> str:
    try:
        cmd = process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return "gone"
    if "devtools.chaos.worker" in cmd:
        return f"worker:{cmd[-1]}"
    if any(part.endswith("chalice") for part in cmd) and "local" in cmd:
        return "chalice_local"
    return "scenario (driver + moto + local X)"


class PeakRss:
    def __init__(self):
        self.peak_mb = 0.0
        self.peak_by_kind: dict[str, float] = {}
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (kind, user + system seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        me = psutil.Process(os.getpid())
        by_kind = {"harness": me.memory_info().rss}
        for child in me.children(recursive=True):
            try:
                rss = child.memory_info().rss
                times = child.cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            k = self.cpu[child.pid][0] if child.pid in self.cpu else kind(child)
            if k == "gone":
                continue
            self.cpu[child.pid] = (k, times.user + times.system)
            by_kind[k] = by_kind.get(k, 0) + rss
        self.peak_mb = max(self.peak_mb, sum(by_kind.values()) / 2**20)
        for k, rss in by_kind.items():
            self.peak_by_kind[k] = max(self.peak_by_kind.get(k, 0.0), rss / 2**20)

    def _run(self) -> None:
        while not self._stop.wait(INTERVAL):
            self.sample()

    def as_dict(self) -> dict:
        cpu: dict[str, float] = {}
        for k, seconds in self.cpu.values():
            cpu[k] = cpu.get(k, 0.0) + seconds
        return {"peak_rss_mb": round(self.peak_mb, 1),
                "peak_rss_mb_by_kind": {k: round(v, 1) for k, v in sorted(self.peak_by_kind.items())},
                "cpu_seconds_by_kind": {k: round(v, 1) for k, v in sorted(cpu.items())}}
