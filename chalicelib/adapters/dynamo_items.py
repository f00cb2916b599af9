"""A complaint as a DynamoDB item, and the writes that create and change it: the only place that
knows the complaint's attribute names and keys (dynamo_indexes.py: the indexes that find it).

Items (pk, sk):
  C#<ref>, C                   the complaint (layout in `to_item`)
  T#<tweet id>, T              the tweet guard: a tweet is recorded once, in the write that records it;
                               an edited post's first id is guarded too (ref: where it is recorded)
  V#<conversation>#<author>, V  the citizen's complaint in a conversation, for their follow-ups
  SEQ#<code>-<year>, SEQ       the reference number counter of a district and year
  HOLD#REPLIES, HOLD           per handle key: until when X's posting limit holds its replies back

A complaint carries its index keys only while it is on the index: alert_pending and reply_pending
("Y") while something waits to be sent, next_check_at while its deadline clock runs, open_district
while it is open. Each is set or removed in the same write as the field it follows.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from ..domain import sla
from ..domain.complaint import Change, Complaint
from ..domain.districts import district_key
from ..domain.messages import KINDS
from ..domain.status import OPEN, Status
from ..domain.values import CLAIM_EXPIRES, WAITING, Alert, Entry, Reply, reference_code
from .dynamo_table import Expression, deserialize, key, serialize

COMPLAINT = "C"  # the sort key of every complaint: also the partition of the feed and deadline indexes
PENDING = "Y"
UNKNOWN_DISTRICT = district_key(None)  # the state triage queue, as alert filters spell it
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
TIMES = {"claimed_at", "sent_at", "at", "started_at", "due_at", "resolve_due_at", "remind_at", "next_check_at",
         "next_attempt_at", "blocked_since"}


def seconds(at: datetime) -> Decimal:
    """A time as seconds since 1970, to the microsecond: a third of the bytes of ISO text (every byte
    under a kilobyte halves what a write of the complaint costs), and ordered as numbers."""
    delta = at - EPOCH
    whole = delta.days * 86400 + delta.seconds
    return Decimal(f"{whole}.{delta.microseconds:06d}" if delta.microseconds else whole)


def from_seconds(n: Decimal | None) -> datetime | None:
    if n is None:
        return None
    whole = int(n)
    return EPOCH + timedelta(seconds=whole, microseconds=int((n - whole) * 1_000_000))


def complaint_key(ref: str) -> dict:
    return key(f"C#{ref}", COMPLAINT)


def ref_of(item: dict) -> str:
    return item["pk"]["S"][2:]


def thread_key(conversation_id: str, author_id: str) -> dict:
    return key(f"V#{conversation_id}#{author_id}", "V")


def sequence_key(district: int | None, year: int) -> dict:
    return key(f"SEQ#{reference_code(district)}-{year}", "SEQ")


def allocate(district: int | None, year: int, count: int) -> dict:
    """The UpdateItem taking `count` reference numbers; `allocated` reads the last one taken."""
    return {"Key": sequence_key(district, year), "UpdateExpression": "ADD n :count",
            "ExpressionAttributeValues": {":count": {"N": str(count)}}, "ReturnValues": "UPDATED_NEW"}


def allocated(answer: dict) -> int:
    return int(answer["Attributes"]["n"]["N"])


def thread_ref(item: dict | None) -> str | None:
    return item["ref"]["S"] if item else None


guarded_ref = thread_ref  # a tweet guard names its complaint the same way


REPLIES_HOLD = key("HOLD#REPLIES", "HOLD")  # a handle's replies wait until X's posting window resets


def replies_hold(handle: str, until: datetime) -> dict:
    """The UpdateItem holding one handle's replies: an attribute per handle, so holds never overwrite each other."""
    e = Expression()
    return {"Key": REPLIES_HOLD, "UpdateExpression": f"SET {e.name(handle)} = {e.value(seconds(until))}", **e.params()}


def held(item: dict | None) -> dict[str, datetime]:
    return {name: from_seconds(Decimal(value["N"])) for name, value in (item or {}).items() if name not in ("pk", "sk")}


def _waiting(e: Expression, kind: str) -> str:
    return f"{e.name(f'replies.{kind}.status')} IN ({', '.join(e.value(s) for s in WAITING)})"


def guard_key(tweet_id: str) -> dict:
    return key(f"T#{tweet_id}", "T")


def guard(table: str, tweet_id: str, ref: str) -> dict:
    item = guard_key(tweet_id) | {"ref": {"S": ref}}
    return {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}


# --- the complaint item ----------------------------------------------------------------------

def _present(**fields) -> dict:
    return {k: v for k, v in fields.items() if v is not None}


def _map(value) -> dict:
    """An alert, reply or clock as a map: its fields that are set, times as seconds."""
    return {k: seconds(v) if isinstance(v, datetime) else v for k, v in vars(value).items() if v is not None}


def _clock(c: sla.Clock) -> dict:
    """Without its defaults, nor next_check_at (an index key of its own)."""
    defaults = _map(sla.Clock())
    return {k: v for k, v in _map(c).items() if defaults.get(k) != v and k != "next_check_at"}


def _value(kind, raw: dict):
    """An Alert, Reply or Clock from its map: times back from seconds, counts as int."""
    return kind(**{k: from_seconds(v) if k in TIMES else int(v) if isinstance(v, Decimal) else v for k, v in raw.items()})


def _flags(c: Complaint) -> dict:
    """The index keys a complaint carries now (absent: not on that index)."""
    return _present(alert_pending=PENDING if c.alert.pending else None,
                    reply_pending=PENDING if c.pending_replies else None,
                    next_check_at=c.clock.next_check_at and seconds(c.clock.next_check_at),
                    open_district=district_key(c.district) if c.status.is_open else None)


def to_item(c: Complaint) -> dict:
    plain = {
        "tweet_id": c.tweet_id, "text": c.text, "author_id": c.author_id,
        "author_username": c.author_username, "tweet_url": c.tweet_url, "conversation_id": c.conversation_id,
        "tweeted_at": seconds(c.tweeted_at), "created_at": seconds(c.created_at), "district": district_key(c.district),
        "department": c.department, "urgent": c.urgent, "confidence": Decimal(repr(c.confidence)),
        "handles": list(c.handles), "status": c.status.value, "version": c.version, "alert": _map(c.alert),
        "clock": _clock(c.clock), "replies": {k: _map(r) for k, r in c.replies.items()},
        "history": [e.as_dict() for e in c.history], **_flags(c),
    }
    if c.resolved_at:
        plain["resolved_at"] = seconds(c.resolved_at)
    if c.channel:
        plain["channel"] = c.channel
    if c.masked_text != c.text:  # mostly there was nothing to mask
        plain["masked_text"] = c.masked_text
    return complaint_key(c.ref) | {k: serialize(v) for k, v in plain.items()}


def _plain(value):
    """Numbers in history details come back as Decimal: whole ones become int, others float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def from_item(item: dict) -> Complaint:
    raw = {k: deserialize(v) for k, v in item.items()}
    return Complaint(
        ref=ref_of(item), tweet_id=raw["tweet_id"], text=raw["text"], masked_text=raw.get("masked_text", raw["text"]),
        author_id=raw["author_id"], author_username=raw["author_username"], tweet_url=raw["tweet_url"],
        conversation_id=raw["conversation_id"], tweeted_at=from_seconds(raw["tweeted_at"]),
        created_at=from_seconds(raw["created_at"]), district=None if raw["district"] == UNKNOWN_DISTRICT else int(raw["district"]),
        department=raw["department"], urgent=raw["urgent"], confidence=float(raw["confidence"]),
        handles=tuple(raw["handles"]), status=Status(raw["status"]), version=int(raw["version"]),
        alert=_value(Alert, raw["alert"]),
        clock=_value(sla.Clock, raw["clock"] | _present(next_check_at=raw.get("next_check_at"))),
        replies={k: _value(Reply, r) for k, r in raw["replies"].items()},
        history=tuple(Entry.from_dict(_plain(e)) for e in raw["history"]), resolved_at=from_seconds(raw.get("resolved_at")),
        channel=raw.get("channel"),
    )


# --- writes ----------------------------------------------------------------------------------

def create(table: str, change: Change, take_thread: bool) -> list[dict]:
    """The tweet guard, the thread pointer (the citizen's follow-ups join this complaint) and the complaint.

    A post takes the pointer only if no complaint holds it yet: a thread's first post whose follow-up arrived
    first, and a follow-up that found no complaint to join while another run recorded the thread's first post,
    are told which complaint holds it (ThreadTaken) instead of splitting the thread. `take_thread` replaces
    whatever holds it (the holder was closed).
    """
    c = change.after
    thread = {"TableName": table, "Item": thread_key(c.conversation_id, c.author_id) | {"ref": {"S": c.ref}}}
    if not take_thread:
        thread |= {"ConditionExpression": "attribute_not_exists(pk)", "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
    complaint = {"TableName": table, "Item": to_item(c), "ConditionExpression": "attribute_not_exists(pk)"}
    first = [guard(table, change.first_version, c.ref)] if change.first_version not in (None, c.tweet_id) else []
    return [guard(table, c.tweet_id, c.ref), {"Put": thread}, {"Put": complaint}, *first]


def update(table: str, change: Change, keep_reply_flag: bool = False) -> dict:
    """The UpdateItem of a save: only what the change changed, under what it expects.

    Removing reply_pending (no reply waits any more) also requires that no other reply was
    added meanwhile; when that is what failed, the save is made again with `keep_reply_flag`.
    """
    before, after, e = change.before, change.after, Expression()
    sets, removes, conditions = [], [], [_expected(change, e)]
    flags = _flags(after)

    def put(path: str, value) -> None:
        sets.append(f"{e.name(path)} = {e.value(value)}")

    def follow(flag: str) -> None:
        if flag in flags:
            put(flag, flags[flag])
        else:
            removes.append(e.name(flag))

    for name in ("status", "version", "department", "urgent", "channel"):
        if getattr(after, name) != getattr(before, name):
            put(name, getattr(after, name).value if name == "status" else getattr(after, name))
    if after.district != before.district:
        put("district", district_key(after.district))
    if (after.text, after.masked_text) != (before.text, before.masked_text):  # an edit of the post
        put("text", after.text)
        if after.masked_text != after.text:
            put("masked_text", after.masked_text)
        else:
            removes.append(e.name("masked_text"))
    if (after.status, after.district) != (before.status, before.district):
        follow("open_district")
    if after.alert != before.alert:
        put("alert", _map(after.alert))
        follow("alert_pending")
    if after.clock != before.clock:
        put("clock", _clock(after.clock))
        follow("next_check_at")
    written = [kind for kind, r in after.replies.items() if r != before.replies.get(kind)]
    for kind in written:
        put(f"replies.{kind}", _map(after.replies[kind]))
    if written and "reply_pending" in flags:
        put("reply_pending", PENDING)
    elif written and not keep_reply_flag:
        removes.append(e.name("reply_pending"))
        conditions += [f"(attribute_not_exists({e.name(f'replies.{k}.status')}) OR NOT {_waiting(e, k)})"
                       for k in KINDS if k not in written]
    if len(after.history) > len(before.history):
        added = [entry.as_dict() for entry in after.history[len(before.history):]]
        sets.append(f"{e.name('history')} = list_append({e.name('history')}, {e.value(added)})")
    if after.resolved_at != before.resolved_at:
        if after.resolved_at:
            put("resolved_at", seconds(after.resolved_at))
        else:
            removes.append(e.name("resolved_at"))
    if not sets and not removes:
        # A change that changes nothing (a claim renewed within the same microsecond) is still
        # answered by whether what it expects holds.
        sets.append(f"{e.name('version')} = {e.name('version')}")
    request = {"TableName": table, "Key": complaint_key(after.ref),
               "UpdateExpression": " ".join(f"{verb} {', '.join(parts)}" for verb, parts in
                                            (("SET", sets), ("REMOVE", removes)) if parts),
               "ConditionExpression": " AND ".join(conditions)}
    if len(conditions) > 1:
        request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return {"Update": request | e.params()}


def _expected(change: Change, e: Expression) -> str:
    """The condition of change.expect (see the Change docstring)."""
    before, after = change.before, change.after
    if change.expect == "version":
        return f"{e.name('version')} = {e.value(before.version)}"
    if change.expect == "alert_claim":
        claim, pending = e.name("alert.claim"), f"{e.name('alert.state')} = {e.value('pending')}"
        mine = after.alert.claim
        if mine is not None and mine != before.alert.claim:
            # Free, already ours (an answer lost and retried), or held by a sender that crashed; and
            # still the alert that was read: a newer one (a transfer, an escalation) raised the version.
            claimed_at, stale = e.name("alert.claimed_at"), seconds(after.alert.claimed_at - CLAIM_EXPIRES)
            return (f"{pending} AND {e.name('version')} = {e.value(before.version)} AND "
                    f"(attribute_not_exists({claim}) OR {claim} = {e.value(mine)} OR "
                    f"attribute_not_exists({claimed_at}) OR {claimed_at} <= {e.value(stale)})")
        if before.alert.claim is None:
            return f"{pending} AND attribute_not_exists({claim})"
        return f"{pending} AND {claim} = {e.value(before.alert.claim)}"
    if change.expect.startswith("reply:"):
        kind = change.expect.split(":", 1)[1]
        sender = e.name(f"replies.{kind}.from_handle")
        named = {before.replies[kind].from_handle, after.replies[kind].from_handle}
        # The handle it goes from is the one this run read, or the one it names: another run's choice stands.
        from_ok = " OR ".join([f"attribute_not_exists({sender})"] * (None in named)
                              + [f"{sender} = {e.value(h)}" for h in sorted(named - {None})])
        return (f"{_waiting(e, kind)} AND {e.name(f'replies.{kind}.text')} = {e.value(before.replies[kind].text)}"
                f" AND ({from_ok})")
    if change.expect == "exists":
        return "attribute_exists(pk)"
    if change.expect == "open":
        statuses = ", ".join(e.value(s.value) for s in sorted(OPEN))
        return f"{e.name('status')} IN ({statuses})"
    raise ValueError(f"unknown expectation {change.expect!r}")


def clear_reply_flag(ref: str) -> dict:
    """Remove a reply_pending no reply needs any more (left by a crash), unless one waits again."""
    e = Expression()
    waiting = [_waiting(e, k) for k in KINDS]
    return {"Key": complaint_key(ref), "UpdateExpression": f"REMOVE {e.name('reply_pending')}",
            "ConditionExpression": f"NOT ({' OR '.join(waiting)})", **e.params()}
