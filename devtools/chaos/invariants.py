"""The invariants a chaos scenario ends with, checked on plain records (devtools/chaos/records.py reads them
from the stack; the unit tests make them by hand). Each check answers {"ok", "count", "violations": [...]},
each violation a dict with enough to find it again (tweet ids, references, texts' kinds).

posted: what the citizens did, one dict per act: key, op (post | follow_up | edit | retweet), id (the X id;
for an edit, the new version's), parent (the act's key it follows up, edits or retweets), created_at (ISO),
tagged (watched handle keys, lower-case).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timezone

SHOWN = 50  # violations listed per check; the count has them all
GAP_SINCE = re.compile(r"since (\d{4}-\d\d-\d\dT[\d:.]+(?:[+-]\d\d:\d\d|Z)?)")


def result(violations: list[dict], count: int | None = None, **figures) -> dict:
    count = len(violations) if count is None else count
    return {"ok": count == 0, "count": count, **figures, "violations": violations[:SHOWN]}


def _gap_start(reason: str) -> datetime | None:
    found = GAP_SINCE.search(reason)
    return _aware(datetime.fromisoformat(found.group(1))) if found else None


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def chains(posted: list[dict]) -> dict[str, list[str]]:
    """Each post's key -> its versions' ids, oldest first (an edit is a new version of its parent)."""
    out = {p["key"]: [p["id"]] for p in posted if p["op"] == "post"}
    for p in posted:
        if p["op"] == "edit":
            out[p["parent"]].append(p["id"])
    return out


def recording(posted: list[dict], complaints: list[dict], guards: dict[str, str], gaps: dict[str, str],
              cursors: list[dict]) -> dict[str, dict]:
    """No mention lost (recorded, or covered by a gap the desk reported), none recorded twice, follow-ups
    joined to their complaint, retweets not recorded; no cursor past a post that was not recorded."""
    by_tweet = defaultdict(list)
    for c in complaints:
        by_tweet[c["tweet_id"]].append(c)
    by_ref = {c["ref"]: c for c in complaints}
    by_key = {p["key"]: p for p in posted}
    versions = chains(posted)
    lost, covered, doubled, split, retweets, cursor_past = [], 0, [], [], [], []
    unguarded = 0  # first versions recorded only as their edit (the edit joined a thread the citizen had)
    for p in posted:
        if p["op"] == "retweet":
            if p["id"] in guards or p["id"] in by_tweet:
                retweets.append({"tweet_id": p["id"], "ref": guards.get(p["id"])})
            continue
        if p["id"] not in guards and p["op"] == "post" and any(i in guards for i in versions[p["key"]]):
            unguarded += 1  # X shows only the latest version: the post is recorded as edited
            continue
        if p["id"] not in guards:
            at = _aware(datetime.fromisoformat(p["created_at"]))
            starts = [_gap_start(gaps[h]) for h in p["tagged"] if h in gaps]
            if any(s is not None and s <= at for s in starts):
                covered += 1
                continue
            past = [c["handles"] for c in cursors if c.get("since_id") and int(c["since_id"]) >= int(p["id"])
                    and set(c["handles"]) & set(p["tagged"])]
            lost.append({"tweet_id": p["id"], "op": p["op"], "tagged": p["tagged"], "created_at": p["created_at"]})
            if past:
                cursor_past.append({"tweet_id": p["id"], "cursor_groups": past})
    for key, ids in versions.items():
        made = [c["ref"] for i in ids for c in by_tweet.get(i, [])]
        refs = {guards[i] for i in ids if i in guards}
        if len(made) > 1 or len(refs) > 1:
            doubled.append({"tweet_ids": ids, "complaints": sorted(set(made) | refs)})
    for p in posted:
        if p["op"] != "follow_up" or p["id"] not in guards:
            continue
        root = by_key[p["parent"]]
        root_ref = next((guards[i] for i in versions.get(root["key"], [root["id"]]) if i in guards), None)
        parent = by_ref.get(root_ref)
        if root_ref and guards[p["id"]] != root_ref and parent is not None and parent["takes_follow_ups"]:
            split.append({"follow_up": p["id"], "its_complaint": guards[p["id"]], "parent_complaint": root_ref})
    extra = sum(len(d["complaints"]) - 1 for d in doubled)
    return {
        "lost": result(lost, covered_by_gap=covered, recorded_as_their_edit=unguarded),
        "doubled_complaints": result(doubled + split, count=extra + len(split)),
        "retweets_recorded": result(retweets),
        "cursor_past_unrecorded": result(cursor_past),
    }


def alerted(complaints: list[dict], alerts: list[dict]) -> dict[str, dict]:
    """Every complaint that was to alert officers did (some queue holds it), and how many came twice."""
    seen = {a["ref"] for a in alerts if a["ref"]}
    missing = [{"ref": c["ref"], "alert": c["alert"]} for c in complaints
               if c["alert"]["state"] != "not_needed" and c["ref"] not in seen]
    copies = Counter((a["queue"], a["ref"], a["event"], a["level"]) for a in alerts if a["ref"])
    duplicates = [{"queue": q, "ref": r, "event": e, "level": lv, "copies": n} for (q, r, e, lv), n in copies.items()
                  if n > 1]
    extra = sum(d["copies"] - 1 for d in duplicates)
    rate = extra / len(copies) if copies else 0.0
    return {"alerted": result(missing, messages=sum(copies.values())),
            "duplicate_alerts": {**result(duplicates, count=extra), "ok": rate < 0.01, "rate": round(rate, 5),
                                 "distinct": len(copies)}}


def replied(complaints: list[dict], posts: list[dict]) -> dict[str, dict]:
    """Each reply kind posted at most once per complaint; a reply marked sent was posted."""
    by_parent = defaultdict(list)
    for p in posts:
        by_parent[p["replied_to"]].append(p)
    doubled, unposted, explained = [], [], set()
    for c in complaints:
        for kind, r in c["replies"].items():
            mine = [p for p in by_parent.get(c["tweet_id"], []) if p["text"] == r["text"]]
            explained.update(p["id"] for p in mine)
            if len(mine) > 1:
                doubled.append({"ref": c["ref"], "kind": kind, "post_ids": [p["id"] for p in mine]})
            if r["status"] == "sent" and not mine:
                unposted.append({"ref": c["ref"], "kind": kind, "post_id": r["post_id"]})
    unexplained = [{"post_id": p["id"], "replied_to": p["replied_to"]} for p in posts if p["id"] not in explained]
    return {"doubled_replies": result(doubled, count=sum(len(d["post_ids"]) - 1 for d in doubled)),
            "replies_marked_sent_not_posted": result(unposted),
            "posts_unexplained": result(unexplained)}


def pending(complaints: list[dict], queues: dict[str, int]) -> dict:
    """What still waits after the settling rounds: stuck. Blocked replies (no tagged handle authorised) are
    the desk's designed wait for a person and are listed, not stuck."""
    stuck = [{"ref": c["ref"], "alert": c["alert"]["state"]} for c in complaints if c["alert"]["state"] == "pending"]
    stuck += [{"ref": c["ref"], "reply": kind} for c in complaints for kind, r in c["replies"].items()
              if r["status"] == "pending"]
    count = len(stuck) + queues.get("mentions", 0)
    if queues.get("mentions"):
        stuck.append({"mentions_queue": queues["mentions"]})
    blocked = sum(r["status"] == "blocked" for c in complaints for r in c["replies"].values())
    return result(stuck, count=count, blocked_replies=blocked, dead_letter=queues.get("dead_letter", 0))


def counters(complaints: list[dict], stored: dict[str, dict]) -> dict:
    """The counters (STAT items) equal a recount of the complaints, per state, district and department."""
    recount: dict[str, Counter] = defaultdict(Counter)
    for c in complaints:
        for scope in ("STATE", f"D#{c['district']}", f"P#{c['department']}"):
            n = recount[scope]
            n["complaints"] += 1
            n[f"status:{c['status']}"] += 1
            if c["open"]:
                n["open"] += 1
                n["breached_open"] += int(c["breached"])
        recount["STATE"]["urgent"] += int(c["urgent"])
    wrong = []
    for scope, counts in recount.items():
        names = set(counts) | {k for k in stored.get(scope, {}) if k.startswith("status:") or k in counts}
        for name in sorted(names):
            if counts.get(name, 0) != stored.get(scope, {}).get(name, 0):
                wrong.append({"scope": scope, "counter": name, "stored": stored.get(scope, {}).get(name, 0),
                              "recount": counts.get(name, 0)})
    return result(wrong)


def references(complaints: list[dict], sequences: dict[str, int], explained: int, killed_recorders: int) -> dict:
    """No reference beyond its counter; the numbers taken but unused (gaps) explained by the finished runs'
    mentions that made no complaint (follow-ups, edits, posts recorded before, left for later), the rest by
    runs killed after taking a block. Unexplained only when gaps remain and no recording run was killed."""
    used: dict[str, list[int]] = defaultdict(list)
    for c in complaints:
        code, year, number = c["ref"].rsplit("-", 2)
        used[f"{code[3:]}-20{year}"].append(int(number))
    beyond = [{"counter": k, "allocated": sequences.get(k, 0), "max_used": max(v)} for k, v in used.items()
              if max(v) > sequences.get(k, 0)]
    repeats = [{"counter": k, "number": n} for k, v in used.items() for n, times in Counter(v).items() if times > 1]
    gaps = sum(sequences.get(k, 0) - len(set(used.get(k, []))) for k in sequences)
    by_kills = max(0, gaps - explained)
    unexplained = by_kills if killed_recorders == 0 else 0
    out = result(beyond + repeats, count=len(beyond) + len(repeats) + unexplained, gaps=gaps,
                 explained_by_runs=min(gaps, explained), left_to_killed_runs=by_kills if killed_recorders else 0)
    return out
