"""What the desk left behind on a chaos stack, read back as plain records for the invariants
(devtools/chaos/invariants.py): complaints, tweet guards, reference counters, counters, handles' gaps and
search cursors (one scan of the table, read through the adapters' item layouts), the alerts in the officers'
queues, the ops notices, the desk's posts on the local X and what is left on the mentions queue.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

import requests

from chalicelib.adapters import dynamo_items as items
from chalicelib.adapters.dynamo_table import deserialize
from chalicelib.domain.districts import district_key

REF = re.compile(r"UP-[A-Z]+-\d{2}-\d{6}")


def scan(stack) -> list[dict]:
    pages = stack.client("dynamodb").get_paginator("scan").paginate(TableName=stack.env["TABLE_NAME"],
                                                                    ConsistentRead=True)
    return [item for page in pages for item in page["Items"]]


def complaint_record(item: dict) -> dict:
    c = items.from_item(item)
    return {"ref": c.ref, "tweet_id": c.tweet_id, "status": c.status.value, "open": c.status.is_open,
            "takes_follow_ups": c.takes_follow_ups, "district": district_key(c.district),
            "department": c.department, "urgent": c.urgent, "breached": bool(c.clock.breached),
            "alert": {"state": c.alert.state, "event": c.alert.event, "level": c.alert.level},
            "replies": {k: {"status": r.status, "text": r.text, "post_id": r.post_id, "from": r.from_handle}
                        for k, r in c.replies.items()},
            "history": [e.action for e in c.history]}


def _number(value) -> int:
    return int(value) if isinstance(value, Decimal) else value


def table_records(stack) -> dict:
    out = {"complaints": [], "guards": {}, "sequences": {}, "counters": {}, "gaps": {}, "cursors": []}
    for item in scan(stack):
        pk, sk = item["pk"]["S"], item["sk"]["S"]
        if sk == items.COMPLAINT and pk.startswith("C#"):
            out["complaints"].append(complaint_record(item))
        elif sk == "T" and pk.startswith("T#"):
            out["guards"][pk[2:]] = item["ref"]["S"]
        elif sk == "SEQ" and pk.startswith("SEQ#"):
            out["sequences"][pk[4:]] = int(item["n"]["N"])
        elif sk == "STAT" and pk.startswith("STAT#"):
            out["counters"][pk[5:]] = {k: _number(deserialize(v)) for k, v in item.items() if k not in ("pk", "sk")}
        elif sk == "H" and pk.startswith("H#") and "gap" in item:
            out["gaps"][pk[2:].lower()] = item["gap"]["S"]
        elif pk == "SEARCH" and sk.startswith("SEARCH#"):
            out["cursors"].append({"handles": sorted(item.get("handles", {}).get("SS", [])),
                                   "since_id": item.get("since_id", {}).get("S")})
    return out


def alerts(stack) -> tuple[list[dict], list[tuple[str, str]]]:
    """Every message in the officers' queues (drained): (alerts with their ref, (where, text) for the PII scan)."""
    out, captured = [], []
    for officer in stack.officers:
        for m in stack.received(officer.name):
            where = f"sns:officer-{officer.name}"
            captured.append((where, f"{m['subject'] or ''}\n{m['message']}"))
            found = REF.search(m["subject"] or "") or REF.search(m["message"])
            out.append({"queue": officer.name, "ref": found.group(0) if found else None,
                        "event": m["attributes"].get("event"), "level": m["attributes"].get("level")})
    return out, captured


def ops_notices(stack) -> list[dict]:
    return [{"subject": m["subject"], "message": m["message"]} for m in stack.received("ops")]


def desk_posts(stack) -> list[dict]:
    """What the desk posted on the local X: replies to citizens (and any other post)."""
    answer = requests.get(f"{stack.x.url}/_control/posts", timeout=30)
    answer.raise_for_status()
    out = []
    for p in answer.json():
        replied = [r["id"] for r in p.get("referenced_tweets", []) if r.get("type") == "replied_to"]
        out.append({"id": p["id"], "text": html.unescape(p.get("text", "")), "author_id": p.get("author_id"),
                    "replied_to": replied[0] if replied else None})
    return out


def queue_depths(stack) -> dict:
    sqs = stack.client("sqs")
    name = stack.env["MENTIONS_QUEUE_URL"].rsplit("/", 1)[1]
    out = {}
    for label, queue in (("mentions", name), ("dead_letter", f"{name}-dlq")):
        url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        out[label] = int(got["ApproximateNumberOfMessages"]) + int(got["ApproximateNumberOfMessagesNotVisible"])
    return out
