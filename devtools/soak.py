"""`make soak`: `make serve` under steady load for SOAK_MINUTES (default 30), its memory sampled throughout.

The moto server and the local X each run in their own process (so each one's memory is measured apart),
and `python -m devtools.serve --aws-url ... --x-url ...` runs the rest as `make serve` does: the reconciler
every minute, the sweep every five, the stream holder, the mentions consumer, and `chalice local` on a free
port. Every watched handle is authorised, then citizens' mentions are posted into the local X one every
MENTION_EVERY seconds (Hindi, Hinglish and English, many handles: bench/mentions.py) and the API is read
every READ_EVERY seconds (/status, /complaints, /app/dashboard with an admin token). Each process's RSS is
sampled every SAMPLE_SECONDS. Prints a table (start, end, peak, growth per 10 minutes after warm-up),
writes dist/soak/report.json and ends with one JSON line; exits 1 when the bound (devtools/soak_report.py)
did not hold. The servers' logs go to dist/soak/*.log.

    SOAK_MINUTES=3 make soak        # a short check
    python -m devtools.soak moto    # moto alone (with devtools.moto_fixes), printing its URL: used by the soak
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import requests

from devtools.soak_report import report, table

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "dist" / "soak"
SAMPLE_SECONDS = 15.0
MENTION_EVERY = 2.0
READ_EVERY = 5.0
READY_SECONDS = 180


def serve_moto() -> None:
    """The moto server alone, as devtools.stack runs it, until SIGTERM."""
    from devtools.stack import MotoServer

    host, port = MotoServer().start()
    print(f"http://{host}:{port}", flush=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


def prepare(api: str) -> None:
    """In its own process, on the stack `make serve` wrote to .local/stack.env: authorise every watched handle
    (the real flow, its callback through the API) and print an admin token."""
    from bench.mentions import watched_handles
    from chalicelib.admin import LOCAL_STACK_ENV

    os.environ.update(dict(line.split("=", 1) for line in LOCAL_STACK_ENV.read_text().splitlines() if "=" in line))
    from chalicelib import auth, runtime

    x_url = os.environ["X_API_BASE_URL"]
    for handle in (h["handle"] for h in watched_handles()):
        consent = requests.post(f"{x_url}/_control/oauth2/consent", timeout=10, json={
            "authorize_url": runtime.authorisation_link(handle), "username": handle, "approve": True})
        consent.raise_for_status()
        callback = consent.json()["location"].split("/x/callback", 1)[1]
        requests.get(f"{api}/x/callback{callback}", timeout=30).raise_for_status()
    print(auth.issue(runtime.signing_key(), "soak", "admin", [], [], now=runtime.utcnow(), hours=4), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def started(name: str, argv: list[str], env: dict | None = None, url_line: bool = True) -> tuple[subprocess.Popen, str]:
    """A child process, its stderr (and stdout unless it prints its URL first) in dist/soak/<name>.log."""
    log = open(OUT / f"{name}.log", "w")
    child = subprocess.Popen([sys.executable, *argv], cwd=ROOT, env=env, stderr=log, text=True,
                             stdout=subprocess.PIPE if url_line else log)
    return child, child.stdout.readline().strip() if url_line else ""


def wait_for(url: str, child: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit(f"make serve's process stopped (see {OUT / 'serve.log'})")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(1)
    raise SystemExit(f"{url} did not answer in {READY_SECONDS} s")


def rss_mb(processes: dict[str, psutil.Process]) -> dict[str, float]:
    out = {}
    for name, p in processes.items():
        try:
            out[name] = round(p.memory_info().rss / 2**20, 1)
        except psutil.NoSuchProcess:
            out[name] = None
    return out


class Load:
    """Mentions into the local X and reads of the API, at steady rates, from two threads."""

    def __init__(self, x_url: str, api: str, token: str, minutes: float):
        from bench.mentions import generate

        self.x_url, self.api, self.token = x_url, api, token
        self.tweets = generate(int(minutes * 60 / MENTION_EVERY) + 10, seed=16, first_author=500_000)
        self.posted = 0
        self.reads: dict[str, dict[str, int]] = {}
        self.stop = threading.Event()

    def post_mentions(self) -> None:
        while not self.stop.wait(MENTION_EVERY) and self.posted < len(self.tweets):
            requests.post(f"{self.x_url}/_control/tweets", json=self.tweets[self.posted], timeout=30).raise_for_status()
            self.posted += 1

    def read_api(self) -> None:
        bearer = {"Authorization": f"Bearer {self.token}"}
        routes = (("/status", bearer), ("/complaints?limit=50", bearer),
                  ("/app/dashboard", {"Cookie": f"desk_session={self.token}"}))
        turn = 0
        while not self.stop.wait(READ_EVERY):
            path, headers = routes[turn % len(routes)]
            turn += 1
            counts = self.reads.setdefault(path.split("?")[0], {"ok": 0, "4xx": 0, "5xx": 0, "failed": 0})
            try:
                status = requests.get(f"{self.api}{path}", headers=headers, timeout=60).status_code
                counts["ok" if status < 400 else "4xx" if status < 500 else "5xx"] += 1
            except requests.RequestException:
                counts["failed"] += 1


def soak(minutes: float) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    api = f"http://127.0.0.1:{port}"
    moto, aws_url = started("moto", ["-m", "devtools.soak", "moto"])
    xapi, x_url = started("xapi", ["-m", "devtools.xapi"])
    serve, _ = started("serve", ["-m", "devtools.serve", "--aws-url", aws_url, "--x-url", x_url, "--no-autoreload"],
                       env=os.environ | {"PORT": str(port)}, url_line=False)
    children = (serve, xapi, moto)
    try:
        wait_for(f"{api}/openapi.json", serve)
        prep = subprocess.run([sys.executable, "-m", "devtools.soak", "prepare", api], cwd=ROOT, check=True,
                              capture_output=True, text=True, env={k: v for k, v in os.environ.items()
                                                                   if k != "AWS_ENDPOINT_URL"})
        token = prep.stdout.strip().splitlines()[-1]
        desk = psutil.Process(serve.pid)
        chalice = next(c for c in desk.children(recursive=True) if "chalice" in " ".join(c.cmdline()))
        processes = {"moto": psutil.Process(moto.pid), "local_x": psutil.Process(xapi.pid),
                     "serve": desk, "chalice_local": chalice}
        load = Load(x_url, api, token, minutes)
        threads = [threading.Thread(target=f, daemon=True) for f in (load.post_mentions, load.read_api)]
        for t in threads:
            t.start()
        samples, began = [], time.monotonic()
        print(f"soaking for {minutes:g} minutes: a mention every {MENTION_EVERY:g} s, a read every {READ_EVERY:g} s, "
              f"RSS every {SAMPLE_SECONDS:g} s", flush=True)
        while True:
            elapsed = time.monotonic() - began
            samples.append({"t": round(elapsed, 1), "rss_mb": rss_mb(processes)})
            if any(c.poll() is not None for c in children):
                raise SystemExit(f"a process of the stack stopped early (see {OUT}/*.log)")
            if elapsed >= minutes * 60:
                break
            time.sleep(min(SAMPLE_SECONDS, minutes * 60 - elapsed) or SAMPLE_SECONDS)
        load.stop.set()
        for t in threads:
            t.join(timeout=70)
        status = requests.get(f"{api}/status", headers={"Authorization": f"Bearer {token}"}, timeout=60).json()
        replies = len(requests.get(f"{x_url}/_control/posts", timeout=60).json())
        return report(minutes, samples, {"mentions_posted": load.posted, "reads": load.reads,
                                         "complaints": status["complaints"]["total"], "x_replies": replies})
    finally:
        for child in children:  # the desk first, so it does not log the servers going away
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=40)
            except subprocess.TimeoutExpired:
                child.kill()


def main(argv: list[str]) -> int:
    if argv[:1] == ["moto"]:
        serve_moto()
        return 0
    if argv[:1] == ["prepare"]:
        prepare(argv[1])
        return 0
    result = soak(float(os.environ.get("SOAK_MINUTES", "30")))
    print(table(result), flush=True)
    (OUT / "report.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result["summary"]), flush=True)
    return 0 if result["summary"]["bound_held"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
