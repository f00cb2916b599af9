"""Faults the local X injects (XState.faults): queued ones, taken in order by the requests whose path
starts with their prefix; chance rules, which fail a share of the matching requests, chosen by a
seeded random generator so a run can be repeated; and an outage, every API request answering 503
(or a chosen status) until it is cleared. The token endpoint (/2/oauth2/token) takes faults too.

What a fault does (gateway.py and server.py apply it):
  status            answer with this HTTP error and X's problem body (429: the window shown exhausted)
  reset_header      with status 429: False leaves out X's x-rate-limit-* headers, as X sometimes does
  reset_in_seconds  with status 429: when the exhausted window resets
  oauth_error       on the token endpoint: 400 {"error": oauth_error}, a refused refresh token or code
  delay_seconds     answer this much later (longer than the desk's HTTP timeout: a timeout)
  malformed         a 200 whose body is broken: True or "truncated" (half the JSON), "html" (a proxy's
                    page), "wrong_shape" (JSON whose `data` is not a list of posts)
  drop              close the connection without answering
  answer_lost       do the request (a post is posted), then close the connection without answering

Chance kinds (POST /_control/faults {"path_prefix", "probability", "kinds", "seed", "delay_seconds", "spare"};
"spare": prefixes under path_prefix left alone, e.g. the stream's connect):
"429", "429_no_reset", "500", "503", "timeout", "truncated", "html", "wrong_shape", "drop", "answer_lost",
"invalid_grant" (the token endpoint only)."""

from __future__ import annotations

import random
from dataclasses import dataclass

MALFORMED = ("truncated", "html", "wrong_shape")
TIMEOUT_SECONDS = 12.0  # longer than the desk's HTTP timeout (config http_timeout_seconds, 10 s)


@dataclass
class Fault:
    path_prefix: str
    times: int = 1
    status: int | None = None
    delay_seconds: float = 0.0
    malformed: str | None = None
    reset_in_seconds: int | None = None
    skip: int = 0  # matching requests to let through first, e.g. to fail the second page
    reset_header: bool = True
    oauth_error: str | None = None
    drop: bool = False
    answer_lost: bool = False


def fault(path_prefix: str = "/2/", status: int | None = None, times: int = 1, delay_seconds: float = 0.0,
          malformed: bool | str = False, reset_in_seconds: int | None = None, skip: int = 0, reset_header: bool = True,
          oauth_error: str | None = None, drop: bool = False, answer_lost: bool = False) -> Fault:
    """A queued fault from control words, checked; ValueError names what is wrong."""
    if status is not None and not 400 <= int(status) <= 599:
        raise ValueError("status must be an HTTP error status")
    if malformed is True:
        malformed = "truncated"
    if malformed and malformed not in MALFORMED:
        raise ValueError(f"malformed is one of {MALFORMED}")
    if status is None and not (delay_seconds or malformed or oauth_error or drop or answer_lost):
        raise ValueError("a fault needs a status, delay_seconds, malformed, oauth_error, drop or answer_lost")
    if int(times) < 1:
        raise ValueError("times must be at least 1")
    return Fault(path_prefix, int(times), status and int(status), float(delay_seconds), malformed or None,
                 reset_in_seconds, int(skip), bool(reset_header), oauth_error, bool(drop), bool(answer_lost))


def of_kind(kind: str, path_prefix: str, delay_seconds: float) -> Fault:
    """The one-off fault a chance rule's kind stands for."""
    if kind in ("429", "500", "503"):
        return Fault(path_prefix, status=int(kind))
    if kind == "429_no_reset":
        return Fault(path_prefix, status=429, reset_header=False)
    if kind == "timeout":
        return Fault(path_prefix, delay_seconds=delay_seconds)
    if kind in MALFORMED:
        return Fault(path_prefix, malformed=kind)
    if kind == "invalid_grant":
        return Fault(path_prefix, oauth_error="invalid_grant")
    if kind in ("drop", "answer_lost"):
        return Fault(path_prefix, **{kind: True})
    raise ValueError(f"unknown fault kind {kind!r}")


KINDS = ("429", "429_no_reset", "500", "503", "timeout", *MALFORMED, "invalid_grant", "drop", "answer_lost")


@dataclass
class Chance:
    path_prefix: str
    probability: float
    kinds: tuple[str, ...]
    rng: random.Random
    delay_seconds: float
    spared: tuple[str, ...] = ()  # prefixes under path_prefix the rule leaves alone
    hits: int = 0


class Faults:
    """The queued faults, the chance rules and the outage; the caller holds the state's lock."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.queued: list[Fault] = []
        self.chances: list[Chance] = []
        self.outage: int | None = None  # the status every request answers while X is down

    def __len__(self) -> int:
        return len(self.queued) + len(self.chances)

    def add(self, payload: dict) -> None:
        if "probability" in payload:
            self.add_chance(**payload)
        else:
            self.queued.append(fault(**payload))

    def add_chance(self, path_prefix: str = "/2/", probability: float = 0.0, kinds=("503",), seed: int = 0,
                   delay_seconds: float = TIMEOUT_SECONDS, spare=()) -> None:
        probability = float(probability)
        if not 0 < probability <= 1:
            raise ValueError("probability is above 0 and at most 1")
        kinds = tuple(kinds)
        if not kinds or set(kinds) - set(KINDS):
            raise ValueError(f"kinds are some of {KINDS}")
        if isinstance(spare, str) or not all(isinstance(p, str) for p in spare):
            raise ValueError("spare is a list of path prefixes")
        self.chances.append(Chance(path_prefix, probability, kinds, random.Random(int(seed)), float(delay_seconds),
                                   tuple(spare)))

    def set_outage(self, status: int | None) -> None:
        if status is not None and not 500 <= int(status) <= 599:
            raise ValueError("an outage answers a 5xx status")
        self.outage = status and int(status)

    def take(self, path: str) -> Fault | None:
        if self.outage:
            return Fault(path, status=self.outage)
        for queued in self.queued:
            if path.startswith(queued.path_prefix):
                if queued.skip:
                    queued.skip -= 1
                    return None
                queued.times -= 1
                if queued.times == 0:
                    self.queued.remove(queued)
                return queued
        for chance in self.chances:
            if chance.spared and path.startswith(chance.spared):
                continue
            if path.startswith(chance.path_prefix) and chance.rng.random() < chance.probability:
                kind = chance.rng.choice(chance.kinds)
                if kind == "invalid_grant" and not path.startswith("/2/oauth2/"):
                    continue  # only the token endpoint refuses a grant
                chance.hits += 1
                return of_kind(kind, path, chance.delay_seconds)
        return None

    def report(self) -> dict:
        return {"queued": len(self.queued), "outage": self.outage,
                "chances": [{"path_prefix": c.path_prefix, "probability": c.probability, "kinds": list(c.kinds),
                             "hits": c.hits} for c in self.chances]}
