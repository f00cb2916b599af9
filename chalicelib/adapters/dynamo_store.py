"""Complaint state in one DynamoDB table, written with conditions so nothing is lost or doubled.

Items (pk, sk):
  C#<ref>, C          the complaint; GSIs list it by district, department, status and time (feed);
                      sparse GSI keys find work and age: `alert_pending`, `reply_pending`,
                      `sla_pending` + `next_check_at` (deadlines), `open` and `open_district`
  T#<tweet id>, T     the tweet guard: one complaint per tweet, written in the same transaction
  V#<conversation>#<author>, V   a citizen's complaint in a conversation, so their follow-ups join it
  SEQ#<code>-<year>   the reference number counter per district and year
  H#<handle>, H       a watched handle: its user id, cursor (since_id) and last poll
  STATS, STATS        running counters: status, district, department, alerts, replies, deadlines
  DAY#<date>, WEEK#<year-Wnn>   counters for the daily digests and weekly summaries
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timedelta
from functools import cached_property

from ..domain.complaint import Complaint, Status, reference, sequence_key
from ..domain.replies import KINDS
from ..domain.sla import Clock
from ..domain.tally import district_key
from ..errors import InvalidCursor
from ..services.ports import HandleState, ListQuery, VersionConflict
from .aws import client

PENDING = "Y"  # the one value of the sparse index keys: only their presence matters
_COMPLAINT_FIELDS = {f.name for f in fields(Complaint)}
_DATES = {"tweeted_at", "created_at", "resolved_at"}
INDEXES = {"district": "by_district", "department": "by_department", "status": "by_status"}
INDEX_KEYS = {"by_district": "district_key", "by_department": "department", "by_status": "status", "feed": "feed"}


def _counter_updates(table: str, deltas: dict[str, dict[str, int]]) -> list[dict]:
    return [{"Update": _counter_update(table, counts, item)} for item, counts in deltas.items() if counts]


def _key(pk: str, sk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _counter_update(table: str, counts: dict[str, int], item: str = "STATS") -> dict:
    names = {f"#c{i}": name for i, name in enumerate(counts)}
    values = {f":v{i}": {"N": str(n)} for i, n in enumerate(counts.values())}
    return {
        "TableName": table,
        "Key": _key(item, item),
        "UpdateExpression": "ADD " + ", ".join(f"#c{i} :v{i}" for i in range(len(counts))),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


class DynamoComplaintStore:
    def __init__(self, table_name: str, dynamodb=None):
        self.table = table_name
        self._client = dynamodb

    @property
    def db(self):
        return self._client or client("dynamodb")

    @cached_property
    def _types(self):
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        return TypeSerializer(), TypeDeserializer()

    # --- conversion -------------------------------------------------------------------------

    def _to_item(self, c: Complaint) -> dict:
        plain = {name: getattr(c, name) for name in _COMPLAINT_FIELDS}
        plain.update(
            status=c.status.value,
            handles=list(c.handles),
            tweeted_at=c.tweeted_at.isoformat(),
            created_at=c.created_at.isoformat(),
            resolved_at=c.resolved_at.isoformat() if c.resolved_at else None,
            district_key=district_key(c.district),
            feed="complaint",
            # Floats are not a DynamoDB type; confidence keeps three decimals as text.
            confidence=f"{c.confidence:.3f}",
            pk=f"C#{c.ref}",
            sk="C",
        )
        if c.alert == "pending":
            plain["alert_pending"] = PENDING
        if any(r["status"] == "pending" for r in c.replies.values()):
            plain["reply_pending"] = PENDING
        if c.status.is_open:
            plain["open"] = PENDING
            plain["open_district"] = district_key(c.district)
        next_check = Clock.from_dict(c.sla).next_check_at
        if next_check:
            plain.update(sla_pending=PENDING, next_check_at=next_check.isoformat())
        serializer, _ = self._types
        return {k: serializer.serialize(v) for k, v in plain.items() if v is not None}

    def _from_item(self, item: dict) -> Complaint:
        _, deserializer = self._types
        plain = {k: deserializer.deserialize(v) for k, v in item.items() if k in _COMPLAINT_FIELDS}
        for name in _DATES & plain.keys():
            plain[name] = datetime.fromisoformat(plain[name])
        plain["status"] = Status(plain["status"])
        plain["handles"] = tuple(plain.get("handles", ()))
        plain["confidence"] = float(plain["confidence"])
        plain["district"] = int(plain["district"]) if plain.get("district") is not None else None
        plain["version"] = int(plain["version"])
        plain["alert_attempts"] = int(plain.get("alert_attempts", 0))
        return Complaint(**plain)

    # --- watched handles --------------------------------------------------------------------

    def handle_state(self, handle: str) -> HandleState:
        item = self.db.get_item(TableName=self.table, Key=_key(f"H#{handle}", "H"), ConsistentRead=True).get("Item")
        return self._handle_state(item or {})

    @staticmethod
    def _handle_state(item: dict) -> HandleState:
        def s(name):
            return item[name]["S"] if name in item else None

        lag = item.get("lag_seconds", {}).get("N")
        return HandleState(
            user_id=s("user_id"),
            since_id=s("since_id"),
            last_poll_at=s("last_poll_at"),
            last_outcome=s("last_outcome"),
            last_success_at=s("last_success_at"),
            lag_seconds=float(lag) if lag is not None else None,
        )

    def handle_states(self, handles: list[str]) -> dict[str, HandleState]:
        states = {h: HandleState() for h in handles}
        for start in range(0, len(handles), 100):
            request = {self.table: {"Keys": [_key(f"H#{h}", "H") for h in handles[start : start + 100]]}}
            while request:
                answer = self.db.batch_get_item(RequestItems=request)
                for item in answer["Responses"].get(self.table, []):
                    states[item["pk"]["S"][2:]] = self._handle_state(item)
                request = answer.get("UnprocessedKeys") or None
        return states

    def remember_user_id(self, handle: str, user_id: str) -> None:
        self.db.update_item(
            TableName=self.table,
            Key=_key(f"H#{handle}", "H"),
            UpdateExpression="SET user_id = :u",
            ExpressionAttributeValues={":u": {"S": user_id}},
        )

    def advance_cursor(self, handle: str, since_id: str | None, at: datetime, lag_seconds: float) -> None:
        values = {":at": {"S": at.isoformat()}, ":ok": {"S": "ok"}, ":lag": {"N": f"{lag_seconds:.1f}"}}
        expression = "SET last_poll_at = :at, last_success_at = :at, last_outcome = :ok, lag_seconds = :lag"
        if since_id:
            values[":since"] = {"S": since_id}
            expression += ", since_id = :since"
        self.db.update_item(
            TableName=self.table,
            Key=_key(f"H#{handle}", "H"),
            UpdateExpression=expression,
            ExpressionAttributeValues=values,
        )

    def record_poll_failure(self, handle: str, at: datetime, outcome: str, detail: str) -> None:
        self.db.update_item(
            TableName=self.table,
            Key=_key(f"H#{handle}", "H"),
            UpdateExpression="SET last_poll_at = :at, last_outcome = :o, last_detail = :d",
            ExpressionAttributeValues={":at": {"S": at.isoformat()}, ":o": {"S": outcome}, ":d": {"S": detail[:500]}},
        )

    # --- complaints -------------------------------------------------------------------------

    def is_recorded(self, tweet_id: str) -> bool:
        answer = self.db.get_item(TableName=self.table, Key=_key(f"T#{tweet_id}", "T"), ConsistentRead=True)
        return "Item" in answer

    def next_reference(self, district: int | None, year: int) -> str:
        answer = self.db.update_item(
            TableName=self.table,
            Key=_key(f"SEQ#{sequence_key(district, year)}", "SEQ"),
            UpdateExpression="ADD n :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return reference(district, year, int(answer["Attributes"]["n"]["N"]))

    def record_new(self, complaint: Complaint, deltas: dict[str, dict[str, int]]) -> bool:
        guard = _key(f"T#{complaint.tweet_id}", "T") | {"ref": {"S": complaint.ref}}
        thread = _key(f"V#{complaint.conversation_id}#{complaint.author_id}", "V") | {"ref": {"S": complaint.ref}}
        items = [
            {"Put": {"TableName": self.table, "Item": guard, "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": self.table, "Item": thread}},
            {
                "Put": {
                    "TableName": self.table,
                    "Item": self._to_item(complaint),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            *_counter_updates(self.table, deltas),
        ]
        return self._transact(items)

    def _transact(self, items: list[dict]) -> bool:
        """Run a transaction; False when a condition failed (already done), retried on conflicts."""
        errors = self.db.exceptions
        for _ in range(5):
            try:
                self.db.transact_write_items(TransactItems=items)
                return True
            except errors.TransactionCanceledException as e:
                reasons = {(r or {}).get("Code") for r in e.response.get("CancellationReasons") or []}
                if not reasons - {None, "None"}:
                    # Some answers carry the reasons only in the message text.
                    reasons = {c for c in ("ConditionalCheckFailed", "TransactionConflict") if c in str(e)}
                if "ConditionalCheckFailed" in reasons:
                    return False
                if "TransactionConflict" not in reasons:
                    raise
        raise RuntimeError("transaction kept conflicting with concurrent writers")

    def complaint_for_conversation(self, conversation_id: str, author_id: str) -> str | None:
        item = self.db.get_item(
            TableName=self.table, Key=_key(f"V#{conversation_id}#{author_id}", "V"), ConsistentRead=True
        ).get("Item")
        return item["ref"]["S"] if item else None

    def attach(self, ref: str, tweet_id: str, entry: dict) -> bool:
        """Append a citizen's follow-up tweet to the complaint's history, once per tweet."""
        serializer, _ = self._types
        guard = _key(f"T#{tweet_id}", "T") | {"ref": {"S": ref}}
        return self._transact(
            [
                {"Put": {"TableName": self.table, "Item": guard, "ConditionExpression": "attribute_not_exists(pk)"}},
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": _key(f"C#{ref}", "C"),
                        "UpdateExpression": "SET history = list_append(history, :e)",
                        "ExpressionAttributeValues": {":e": serializer.serialize([entry])},
                    }
                },
            ]
        )

    def change_update(self, before: Complaint, after: Complaint) -> dict:
        """The conditional update for a change. Only the fields a change owns are set, and history
        is appended, so the poller's concurrent writes (alert and reply state, citizens'
        follow-ups) are never overwritten."""
        serializer, _ = self._types
        names = {"#status": "status", "#open": "open"}
        values = {
            ":status": after.status.value,
            ":version": after.version,
            ":before": before.version,
            ":district": after.district,
            ":district_key": district_key(after.district),
            ":department": after.department,
            ":entries": after.history[len(before.history):],
            ":sla": after.sla,
        }
        sets = [
            "#status = :status", "version = :version", "district = :district", "district_key = :district_key",
            "department = :department", "history = list_append(history, :entries)", "sla = :sla",
        ]
        removes = []
        if after.status.is_open:
            sets += ["#open = :y", "open_district = :district_key"]
        else:
            removes += ["#open", "open_district"]
        next_check = Clock.from_dict(after.sla).next_check_at
        if next_check:
            sets += ["sla_pending = :y", "next_check_at = :next_check"]
            values[":next_check"] = next_check.isoformat()
        else:
            removes += ["sla_pending", "next_check_at"]
        if after.resolved_at != before.resolved_at:
            sets.append("resolved_at = :resolved_at")
            values[":resolved_at"] = after.resolved_at.isoformat()
        alert = (after.alert, after.alert_event, after.alert_level)
        if after.alert == "pending" and alert != (before.alert, before.alert_event, before.alert_level):
            # A new alert replaces one still waiting; a sender holding the old one must not mark it sent.
            sets += ["alert = :alert", "alert_event = :alert_event", "alert_level = :alert_level", "alert_pending = :y"]
            removes.append("alert_claim")
            values.update({":alert": "pending", ":alert_event": after.alert_event, ":alert_level": after.alert_level})
        changed_replies = {k: r for k, r in after.replies.items() if r != before.replies.get(k)}
        for kind, reply in changed_replies.items():
            names[f"#reply_{kind}"] = kind
            sets.append(f"replies.#reply_{kind} = :reply_{kind}")
            values[f":reply_{kind}"] = reply
        if changed_replies:
            sets.append("reply_pending = :y")
        if any(":y" in part for part in sets):
            # DynamoDB refuses a value the expression does not use.
            values[":y"] = PENDING
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        return {
            "TableName": self.table,
            "Key": _key(f"C#{after.ref}", "C"),
            "UpdateExpression": expression,
            "ConditionExpression": "version = :before",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": {k: serializer.serialize(v) for k, v in values.items()},
        }

    def save_change(self, before: Complaint, after: Complaint, deltas: dict[str, dict[str, int]]) -> None:
        """Write an officer's or the sweep's change if nobody changed the complaint since `before` was read."""
        if not self._transact([{"Update": self.change_update(before, after)}, *_counter_updates(self.table, deltas)]):
            raise VersionConflict(after.ref)

    def list_complaints(self, query: ListQuery) -> tuple[list[Complaint], str | None]:
        """Newest first, from the index that matches the most selective filter; no scans."""
        key_name, key_value = next(
            ((name, getattr(query, name)) for name in ("district", "department", "status") if getattr(query, name)),
            (None, None),
        )
        if key_name is None and len(query.scope_districts) == 1:
            key_name, key_value = "district", next(iter(query.scope_districts))
        elif key_name is None and len(query.scope_departments) == 1:
            key_name, key_value = "department", next(iter(query.scope_departments))
        index = INDEXES.get(key_name, "feed")
        names = {"#h": INDEX_KEYS[index]}
        values = {":h": {"S": key_value or "complaint"}}
        filters = []
        for name, attribute, wanted in (
            ("district", "district_key", query.district),
            ("department", "department", query.department),
            ("status", "status", query.status),
        ):
            if wanted and name != key_name:
                names[f"#{name}"] = attribute
                values[f":{name}"] = {"S": wanted}
                filters.append(f"#{name} = :{name}")
        if query.urgent is not None:
            values[":urgent"] = {"BOOL": query.urgent}
            filters.append("urgent = :urgent")
        for label, attribute, scope in (("sd", "district_key", query.scope_districts), ("sp", "department", query.scope_departments)):
            if scope:
                names[f"#{label}"] = attribute
                placeholders = []
                for i, value in enumerate(sorted(scope)):
                    values[f":{label}{i}"] = {"S": value}
                    placeholders.append(f":{label}{i}")
                filters.append(f"#{label} IN ({', '.join(placeholders)})")
        start = decode_cursor(query.cursor, index)
        found: list[Complaint] = []
        # A filter drops items after DynamoDB's Limit counted them: ask for what is still missing,
        # a bounded number of times, and hand back a cursor that resumes exactly after the last read.
        for _ in range(10):
            kwargs = {"ExclusiveStartKey": start} if start else {}
            if filters:
                kwargs["FilterExpression"] = " AND ".join(filters)
            answer = self.db.query(
                TableName=self.table,
                IndexName=index,
                KeyConditionExpression="#h = :h",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ScanIndexForward=False,
                Limit=query.limit - len(found),
                **kwargs,
            )
            found += [self._from_item(i) for i in answer["Items"]]
            start = answer.get("LastEvaluatedKey")
            if not start or len(found) >= query.limit:
                break
        return found, encode_cursor(start, index) if start else None

    def get(self, ref: str) -> Complaint | None:
        item = self.db.get_item(TableName=self.table, Key=_key(f"C#{ref}", "C"), ConsistentRead=True).get("Item")
        return self._from_item(item) if item else None

    # --- alerts -----------------------------------------------------------------------------

    def pending_alerts(self) -> list[Complaint]:
        return self._query_all("alerts_pending", "alert_pending = :y")

    def _query_all(self, index: str, condition: str, values: dict | None = None) -> list[Complaint]:
        """Every complaint a sparse index holds under the condition: the work still to do, oldest first."""
        found, start = [], None
        while True:
            kwargs = {"ExclusiveStartKey": start} if start else {}
            answer = self.db.query(
                TableName=self.table,
                IndexName=index,
                KeyConditionExpression=condition,
                ExpressionAttributeValues={":y": {"S": PENDING}, **(values or {})},
                **kwargs,
            )
            found += [self._from_item(i) for i in answer["Items"]]
            start = answer.get("LastEvaluatedKey")
            if not start:
                return found

    def claim_alert(self, ref: str, claimer: str, at: datetime, stale_after: timedelta = timedelta(minutes=5)) -> bool:
        """Take the complaint's pending alert for sending; only one sender holds it at a time.

        A claim older than `stale_after` belongs to a sender that crashed, and may be taken over.
        """
        try:
            self.db.update_item(
                TableName=self.table,
                Key=_key(f"C#{ref}", "C"),
                UpdateExpression="SET alert_claim = :c, alert_claim_at = :at",
                ConditionExpression="attribute_exists(alert_pending) AND "
                "(attribute_not_exists(alert_claim) OR alert_claim_at < :stale)",
                ExpressionAttributeValues={
                    ":c": {"S": claimer},
                    ":at": {"S": at.isoformat()},
                    ":stale": {"S": (at - stale_after).isoformat()},
                },
            )
            return True
        except self.db.exceptions.ConditionalCheckFailedException:
            return False

    def alert_sent(self, ref: str, claimer: str, message_id: str, at: datetime) -> None:
        self._change_and_count(
            ref,
            "alerts#sent",
            UpdateExpression="SET alert = :sent, alert_message_id = :m, alert_sent_at = :at "
            "REMOVE alert_pending, alert_claim, alert_claim_at ADD alert_attempts :one",
            ConditionExpression="alert_claim = :c",
            ExpressionAttributeValues={
                ":sent": {"S": "sent"},
                ":m": {"S": message_id},
                ":at": {"S": at.isoformat()},
                ":one": {"N": "1"},
                ":c": {"S": claimer},
            },
        )

    def alert_failed(self, ref: str, claimer: str, error: str, at: datetime) -> None:
        self._change_and_count(
            ref,
            "alerts#failed",
            UpdateExpression="SET alert_last_error = :e, alert_failed_at = :at "
            "REMOVE alert_claim, alert_claim_at ADD alert_attempts :one",
            ConditionExpression="alert_claim = :c",
            ExpressionAttributeValues={
                ":e": {"S": error[:500]},
                ":at": {"S": at.isoformat()},
                ":one": {"N": "1"},
                ":c": {"S": claimer},
            },
        )

    def _change_and_count(self, ref: str, counter: str, **update) -> bool:
        """Update a complaint and move one running counter in the same transaction."""
        change = {"TableName": self.table, "Key": _key(f"C#{ref}", "C"), **update}
        return self._transact([{"Update": change}, {"Update": _counter_update(self.table, {counter: 1})}])

    def due_for_check(self, now: datetime) -> list[Complaint]:
        """Complaints whose deadline clock needs a look: a reminder, a breach or a re-alert is due."""
        return self._query_all(
            "sla_due", "sla_pending = :y AND next_check_at <= :now", {":now": {"S": now.isoformat()}}
        )

    def claim_report(self, key: str, at: datetime, keep: timedelta = timedelta(days=60)) -> bool:
        """Mark a digest or summary as going out; False if it went out already. Expires by TTL."""
        try:
            self.db.put_item(
                TableName=self.table,
                Item=_key(key, "R") | {"at": {"S": at.isoformat()}, "expires_at": {"N": str(int((at + keep).timestamp()))}},
                ConditionExpression="attribute_not_exists(pk)",
            )
            return True
        except self.db.exceptions.ConditionalCheckFailedException:
            return False

    def release_report(self, key: str) -> None:
        self.db.delete_item(TableName=self.table, Key=_key(key, "R"))

    def counters_of(self, item: str) -> dict[str, int]:
        """A counter item other than the running totals: DAY#<date> or WEEK#<year-Wweek>."""
        answer = self.db.get_item(TableName=self.table, Key=_key(item, item), ConsistentRead=True)
        return {k: int(v["N"]) for k, v in answer.get("Item", {}).items() if "N" in v}

    def oldest_open_in(self, district: int | None) -> datetime | None:
        answer = self.db.query(
            TableName=self.table,
            IndexName="open_by_district",
            KeyConditionExpression="open_district = :d",
            ExpressionAttributeValues={":d": {"S": district_key(district)}},
            ScanIndexForward=True,
            Limit=1,
        )
        items = answer["Items"]
        return datetime.fromisoformat(items[0]["created_at"]["S"]) if items else None

    # --- replies to citizens ---------------------------------------------------------------

    def pending_replies(self) -> list[Complaint]:
        return self._query_all("replies_pending", "reply_pending = :y")

    def reply_sent(self, ref: str, kind: str, text: str, post_id: str | None, at: datetime) -> None:
        """Mark the reply with this text sent (a reply rewritten meanwhile stays pending), then
        drop the complaint from the replies index if nothing else waits."""
        reply = {"status": "sent", "text": text, "at": at.isoformat()} | ({"post_id": post_id} if post_id else {})
        serializer, _ = self._types
        self._change_and_count(
            ref,
            "replies#sent",
            UpdateExpression="SET replies.#k = :r",
            ConditionExpression="replies.#k.#s = :pending AND replies.#k.#t = :text",
            ExpressionAttributeNames={"#k": kind, "#s": "status", "#t": "text"},
            ExpressionAttributeValues={
                ":r": serializer.serialize(reply), ":pending": {"S": "pending"}, ":text": {"S": text}
            },
        )
        waiting = " OR ".join(f"replies.#k{i}.#s = :pending" for i in range(len(KINDS)))
        try:
            self.db.update_item(
                TableName=self.table,
                Key=_key(f"C#{ref}", "C"),
                UpdateExpression="REMOVE reply_pending",
                ConditionExpression=f"NOT ({waiting})",
                ExpressionAttributeNames={"#s": "status"} | {f"#k{i}": k for i, k in enumerate(KINDS)},
                ExpressionAttributeValues={":pending": {"S": "pending"}},
            )
        except self.db.exceptions.ConditionalCheckFailedException:
            pass  # another reply still waits: the complaint stays in the index

    def reply_failed(self, ref: str, kind: str, error: str, at: datetime) -> None:
        self._change_and_count(
            ref,
            "replies#failed",
            UpdateExpression="SET replies.#k.last_error = :e, replies.#k.failed_at = :at",
            ExpressionAttributeNames={"#k": kind},
            ExpressionAttributeValues={":e": {"S": error[:500]}, ":at": {"S": at.isoformat()}},
        )

    # --- reporting --------------------------------------------------------------------------

    def counters(self) -> dict[str, int]:
        return self.counters_of("STATS")

    def oldest_open_since(self) -> datetime | None:
        answer = self.db.query(
            TableName=self.table,
            IndexName="open_by_age",
            KeyConditionExpression="#o = :y",
            ExpressionAttributeNames={"#o": "open"},
            ExpressionAttributeValues={":y": {"S": PENDING}},
            ScanIndexForward=True,
            Limit=1,
        )
        items = answer["Items"]
        return datetime.fromisoformat(items[0]["created_at"]["S"]) if items else None


def encode_cursor(key: dict, index: str) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps({"i": index, "k": key}, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None, index: str) -> dict | None:
    import base64
    import binascii
    import json

    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        key = raw["k"]
        # A resume key is exactly the table's keys and the index's keys; anything else DynamoDB refuses.
        valid = raw["i"] == index and set(key) == {"pk", "sk", INDEX_KEYS[index], "created_at"} and all(
            isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values()
        )
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):
        valid = False
    if not valid:
        raise InvalidCursor("the cursor is not one this listing handed out (filters must stay the same)")
    return key
