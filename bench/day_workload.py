"""The simulated day's workload, made from a seed (the same seed gives the same day): the state's 250
watched handles and 5,000 citizens' posts with their times, and when X is down.

Pure: no servers, no clock. bench/day.py feeds it to the local stack.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.departments import DEPARTMENTS
from chalicelib.domain.districts import DISTRICTS
from chalicelib.domain.handles import Registry, WatchedHandle

from bench.mentions import TEMPLATES

DAY = timedelta(days=1)
# Police zones and ranges (ADG zones, IG ranges): police handles of several districts, no district of their own.
ZONES = ("agra", "bareilly", "gorakhpur", "kanpur", "lucknow", "meerut", "prayagraj", "varanasi")
RANGES = ("agra", "aligarh", "ayodhya", "azamgarh", "bareilly", "basti", "chitrakoot", "devipatan", "gorakhpur",
          "jhansi", "kanpur", "lucknow", "meerut", "mirzapur", "moradabad", "prayagraj", "saharanpur", "varanasi")
# Hour weights for the ordinary traffic, by UTC hour (IST is UTC+5:30): quiet at night, busy in the day.
HOURLY = (2, 1, 2, 4, 6, 8, 9, 9, 9, 9, 8, 8, 8, 9, 9, 8, 6, 4, 3, 2, 2, 1, 1, 1)


@dataclass(frozen=True)
class Shape:
    """What the day holds; the defaults are the issue's."""

    handles: int = 250
    district_police: int = 75
    magistrates: int = 75
    zones_and_ranges: int = 10  # the rest (90) are departments: the state's and their district offices
    posts: int = 5000
    burst_posts: int = 2000
    burst_hour: int = 5  # UTC: 10:30 IST
    multi_tag_share: float = 0.30  # posts tagging two or more watched handles
    outage_start: timedelta = timedelta(hours=6, minutes=10)  # 11:40 IST, just after the burst
    drop_share: float = 0.05  # of the stream's deliveries
    outage: timedelta = timedelta(minutes=20)
    seed: int = 12


@dataclass(frozen=True)
class Post:
    author: str
    text: str
    created_at: datetime
    tagged: tuple[str, ...]  # the watched handles it tags (lower-case), first the one it is about

    def spec(self) -> dict:
        """The local X's /_control/tweets entry."""
        return {"author": self.author, "text": self.text, "created_at": self.created_at.isoformat()}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def handles(shape: Shape = Shape()) -> Registry:
    """The state's watched handles: every district's police and magistrate, zones and ranges, departments."""
    districts = sorted(DISTRICTS.values(), key=lambda d: d.lgd)
    if shape.district_police > len(districts) or shape.magistrates > len(districts):
        raise ValueError(f"UP has {len(districts)} districts")
    out = [WatchedHandle(f"{_slug(d.name_en)[:11]}pol", "district_police", "police", d.lgd)
           for d in districts[: shape.district_police]]
    out += [WatchedHandle(f"dm{_slug(d.name_en)[:13]}", "department", "revenue", d.lgd)
            for d in districts[: shape.magistrates]]
    ranges = [f"igrange{r}"[:15] for r in RANGES]
    zones = [name for z, r in zip(ZONES, ranges) for name in (f"adgzone{z}"[:15], r)] + ranges[len(ZONES):]
    out += [WatchedHandle(z, "state", "police", None) for z in zones[: shape.zones_and_ranges]]
    departments = [d for d in DEPARTMENTS if d not in ("police", "other")]
    i = 0
    while len(out) < shape.handles:
        department, district = departments[i % len(departments)], districts[i % len(districts)]
        # A state department's handle, or its office in one district.
        if i < len(departments):
            out.append(WatchedHandle(f"up{department}"[:15], "department", department, None))
        else:
            out.append(WatchedHandle(f"{department[:4]}{_slug(district.name_en)[:8]}{i}", "department", department,
                                     district.lgd))
        i += 1
    return Registry(out[: shape.handles])


def _times(rng: random.Random, shape: Shape, start: datetime) -> list[datetime]:
    """Every post's time: the burst hour's share uniformly in that hour, the rest after HOURLY."""
    others = shape.posts - shape.burst_posts
    hours = rng.choices(range(24), weights=HOURLY, k=others)
    times = [start + timedelta(hours=h, seconds=rng.uniform(0, 3600)) for h in hours]
    times += [start + timedelta(hours=shape.burst_hour, seconds=rng.uniform(0, 3600)) for _ in range(shape.burst_posts)]
    return sorted(t.replace(microsecond=t.microsecond // 1000 * 1000) for t in times)


def posts(registry: Registry, shape: Shape = Shape(), start: datetime | None = None) -> list[Post]:
    """The day's posts, oldest first, each by a new citizen, tagging one watched handle or (a share) several."""
    if start is None:
        raise ValueError("the day needs its start (UTC midnight)")
    rng = random.Random(shape.seed)
    watched = [h for h in registry]
    districts = sorted(DISTRICTS.values(), key=lambda d: d.lgd)
    out = []
    for i, at in enumerate(_times(rng, shape, start)):
        first = rng.choice(watched)
        tags = [first]
        if rng.random() < shape.multi_tag_share:
            extra = [h for h in rng.sample(watched, 3) if h.key != first.key]
            tags += extra[: rng.choice((1, 1, 2))]
        district = DISTRICTS.get(first.district) or rng.choice(districts)
        language = rng.choice(tuple(TEMPLATES))
        named = first.district is None or rng.random() < 0.2
        where = {"where": f" in {district.name_en}" if named else "",
                 "where_hl": f"{district.name_en} me" if named else "Hamare mohalle me",
                 "where_hi": f"{district.name_hi} में" if named else "हमारे मोहल्ले में"}
        text = rng.choice(TEMPLATES[language]).format(n=rng.randint(2, 9), **where)
        out.append(Post(f"daycitizen{i:05d}", " ".join(f"@{h.handle}" for h in tags) + " " + text, at,
                        tuple(h.key for h in tags)))
    return out


def outage(shape: Shape, start: datetime) -> tuple[datetime, datetime]:
    """When X answers 503 to everything (the day's one outage)."""
    return start + shape.outage_start, start + shape.outage_start + shape.outage


def minute_batches(day_posts: list[Post], start: datetime, minutes: int) -> list[list[Post]]:
    """The posts created in each minute of the day: batch m holds those in [start+m, start+m+1)."""
    batches: list[list[Post]] = [[] for _ in range(minutes)]
    for p in day_posts:
        m = int((p.created_at - start).total_seconds() // 60)
        if not 0 <= m < minutes:
            raise ValueError(f"post at {p.created_at} is outside the day")
        batches[m].append(p)
    return batches
