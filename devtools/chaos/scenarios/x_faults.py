"""X failing as X fails, while the workload is posted and the desk's functions run two at a time (and some are
killed): a seeded share of every API request (reads, replies, the stream's connect, the token endpoint) answers
429 with and without X's rate-limit headers, 500 or 503, times out (12 s, past the desk's 10 s), comes back
truncated, as a proxy's HTML page or of the wrong shape, or loses its connection before or after X did the work;
the filtered stream is cut mid-post now and then. Halfway, every handle's access token expires at once, so the
overlapping functions race to refresh them, through the same faults, and X refuses two refreshes outright.

A refresh whose answer is lost breaks X's chain for good (X rotated the refresh token unheard): the desk flags the
handle and tells ops; when the faults stop, the owners of the flagged handles authorise the desk again, as ops
would ask them to, and their held replies must go out once.
"""

from __future__ import annotations

import threading
from datetime import timedelta

CHAOS_SECONDS = 60.0
KILLS = 30  # the suite asks at least 30 per scenario
SHARE = 0.15  # of API requests failed (the stream's connect apart)
KINDS = ["429", "429_no_reset", "500", "503", "timeout", "truncated", "html", "wrong_shape", "drop", "answer_lost"]
STREAM = "/2/tweets/search/stream"
CONNECT_SHARE = 0.2  # of the stream's connects refused or dropped (tweepy backs off and tries again)
STREAM_CUT_SHARE = 0.03  # of stream deliveries cut mid-post
TIMEOUT_SECONDS = 11  # past the desk's HTTP timeout (10 s)


def run(ctx) -> dict:
    waves = ctx.workload()
    ctx.x("POST", "faults", {"path_prefix": "/2/", "probability": SHARE, "kinds": KINDS, "seed": ctx.seed,
                             "delay_seconds": TIMEOUT_SECONDS, "spare": [STREAM]})
    ctx.x("POST", "faults", {"path_prefix": STREAM, "probability": CONNECT_SHARE, "kinds": ["503", "drop"],
                             "seed": ctx.seed})
    ctx.x("POST", "stream", {"cut_share": STREAM_CUT_SHARE, "seed": ctx.seed})
    flagged: list[str] = []
    ctx.faults_off.append(lambda: _faults_off(ctx, flagged))
    halfway = threading.Timer(CHAOS_SECONDS / 2, _expire_all, args=(ctx,))
    halfway.start()
    try:
        ctx.chaos(CHAOS_SECONDS, waves, kills=KILLS)
    finally:
        halfway.cancel()
        halfway.join()
    report = ctx.x("GET", "faults")
    grants = ctx.x("GET", "oauth2/grants")
    return {"injected": {c["path_prefix"]: c["hits"] for c in report["chances"]},
            "stream_connects": ctx.x("GET", "stream")["connects"],
            "token_refreshes": sum(g["refreshes"] for g in grants), "reauthorised": flagged}


def _expire_all(ctx) -> None:
    """Every handle's access token expires at once: the running functions race to refresh them; two refreshes
    X refuses outright (invalid_grant), and the desk must flag those handles once."""
    for handle in ctx.handles:
        ctx.x("POST", "oauth2/expire", {"username": handle})
    ctx.x("POST", "faults", {"path_prefix": "/2/oauth2/token", "oauth_error": "invalid_grant", "times": 2, "skip": 5})


def _faults_off(ctx, flagged: list[str]) -> None:
    """X works again; a while later (past any hold a 429 of the token endpoint left), the owners of the handles
    the desk flagged authorise it again, as ops asked them to."""
    from chalicelib import runtime

    ctx.x("DELETE", "faults")
    ctx.x("POST", "stream", {"cut_share": 0})
    ctx.advance(timedelta(minutes=16))
    runtime.utcnow = ctx.now  # the callback runs in this process: on the desk's clock, as the workers' are
    runtime.x_authorisation.cache_clear()  # it was built with the clock it had
    states = runtime.storage().grants.states()
    flagged += sorted(h for h, s in states.items() if s.state == "needs_authorisation")
    for handle in flagged:
        ctx.stack.authorise(handle)
