"""Every request the DynamoDB adapters can make is well formed, checked without AWS: DynamoDB refuses
names and values an expression declares but does not use, paths written twice or overlapping, and
empty expression maps (moto checks some of this, not all). Every save the domain can produce is
sent through the adapter to a client that records the requests."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.adapters.dynamo import storage
from chalicelib.domain import sla
from chalicelib.domain.lifecycle import ACTIONS
from chalicelib.domain.status import TRANSITIONS, Status
from chalicelib.domain.tally import STATE, Scope
from chalicelib.domain.values import Reply
from chalicelib.services.ports import ALL_DISTRICTS, Grant, HandleState, ListQuery, Report
from tests.builders import NOW, POLICIES, act, received
from tests.fakes import mention

EXPRESSIONS = ("UpdateExpression", "ConditionExpression", "KeyConditionExpression", "FilterExpression",
               "ProjectionExpression")


class Recorder:
    """A DynamoDB client that answers every request with success and keeps each write and query."""

    def __init__(self):
        self.requests: list[tuple[str, dict]] = []

    def _keep(self, operation, answer):
        def call(**request):
            self.requests.append((operation, request))
            return answer

        return call

    def __getattr__(self, operation):
        answers = {"update_item": {"Attributes": {"n": {"N": "7"}, "handle": {"S": "h"}, "verifier": {"S": "v"}}}, "query": {"Items": []},
                   "batch_get_item": {"Responses": {}}, "get_item": {}}
        return self._keep(operation, answers.get(operation, {}))

    def bodies(self):
        """Each single request: a transaction's items one by one."""
        for operation, request in self.requests:
            if operation == "transact_write_items":
                for action in request["TransactItems"]:
                    [(kind, body)] = action.items()
                    yield kind, body
            else:
                yield operation, request


def assert_well_formed(kind: str, body: dict) -> None:
    text = " ".join(body.get(e, "") for e in EXPRESSIONS)
    names, values = body.get("ExpressionAttributeNames"), body.get("ExpressionAttributeValues")
    assert names != {} and values != {}, f"{kind}: an empty expression map is refused"
    assert set(names or {}) == set(re.findall(r"#\w+", text)), f"{kind}: names declared vs used in {text}"
    assert set(values or {}) == set(re.findall(r":\w+", text)), f"{kind}: values declared vs used in {text}"
    update = body.get("UpdateExpression", "")
    paths = [clause.strip().split(" ")[0].split("=")[0].strip()
             for part in re.split(r"\b(?:SET|REMOVE|ADD|DELETE)\b", update)[1:]
             for clause in re.split(r",(?![^(]*\))", part) if clause.strip()]
    for i, path in enumerate(paths):
        for other in paths[i + 1:]:
            assert path != other and not path.startswith(other + ".") and not other.startswith(path + "."), (
                f"{kind}: {path} and {other} overlap in {update}")


def check(*changes, keep_reply_flag=False):
    """Save the changes through the adapter; every request it made is well formed."""
    recorder = Recorder()
    desk = storage("complaints", client=recorder)
    for change in changes:
        assert desk.complaints.save(change)
    if keep_reply_flag:
        from chalicelib.adapters import dynamo_items

        for change in changes:
            assert_well_formed("Update", dynamo_items.update("complaints", change, keep_reply_flag=True)["Update"])
    assert recorder.requests
    for kind, body in recorder.bodies():
        assert_well_formed(kind, body)
    return recorder


def in_status(status: Status, urgent=False):
    """A complaint that reached `status` the way officers move it: its clock and reply fit."""
    c = received(1, urgent=urgent).after
    sent = c.alert_sent("m-1", NOW).after
    clock = sla.after_transition(POLICIES.sla, c.clock, status, NOW, c.department, c.urgent, False)
    resolved = {"resolved_at": NOW} if status in (Status.RESOLVED, Status.CLOSED) else {}
    return replace(sent, status=status, clock=clock, version=3, **resolved)


# A mention waiting for review is decided only by a review (below).
LEGAL = [(status, name) for status in Status for name in ACTIONS
         if ACTIONS[name] in TRANSITIONS[status] and status != Status.NEEDS_REVIEW]


@pytest.mark.parametrize("status, name", LEGAL)
def test_every_officer_action_from_every_status_is_a_well_formed_save(status, name):
    before = in_status(status)
    claim = "api-1" if name == "transfer" else None
    check(act(before, name, NOW + timedelta(hours=1), claim=claim, note="n"))
    # ...also by an officer whose read is older than the replies that went out meanwhile.
    acknowledged = replace(before, replies={k: r.sent("p", NOW, "lucknowpolice") for k, r in before.replies.items()})
    check(act(acknowledged, name, NOW + timedelta(hours=1), claim=claim))


@pytest.mark.parametrize("decision", [
    {"outcome": "complaint", "to_district": 144, "to_department": "police", "urgent": True},
    {"outcome": "complaint", "to_district": 162, "to_department": "police"},
    {"outcome": "not_actionable"},
    {"outcome": "outside_jurisdiction", "channel": "railways"},
])
def test_every_review_decision_and_its_kept_example_are_a_well_formed_save(decision):
    waiting = received(1, outcome="needs_review", district=None).after
    recorder = check(act(waiting, "review", NOW + timedelta(hours=1), claim="api-1", note="n", **decision))
    kept = [body for kind, body in recorder.bodies() if kind == "Put"]
    assert [body["Item"]["kind"]["S"] for body in kept] == ["review"]


@pytest.mark.parametrize("status", sorted(s for s in Status if s.is_open))
def test_an_urgency_changed_on_any_open_complaint_is_a_well_formed_save(status):
    check(act(in_status(status), "urgency", NOW + timedelta(hours=1), urgent=True, note="n"))
    check(act(in_status(status, urgent=True), "urgency", NOW + timedelta(hours=1), urgent=False))


def test_a_transfer_to_a_department_of_the_same_district_and_a_rescue_are_well_formed():
    check(act(in_status(Status.NEW), "transfer", NOW, claim="api-1", to_district=None, to_department="water"))
    rescued = received(1, is_complaint=False).after
    check(act(rescued, "transfer", NOW, claim=None, to_district=None, to_department="police"))


@pytest.mark.parametrize("urgent", [False, True])
def test_the_sweeps_reminders_escalations_and_breaches_are_well_formed_saves(urgent):
    c = received(1, urgent=urgent).after
    now, seen = NOW, 0
    while c.clock.next_check_at and seen < 8:
        now = c.clock.next_check_at
        change = c.check_deadline(now, POLICIES, claim=f"sweep-{seen}")
        check(change)
        c, seen = change.after, seen + 1
    assert seen >= 3


def test_alert_claims_sends_and_failures_are_well_formed_saves():
    c = received(1, claim=None).after
    claimed = c.claim_alert("sender-a", NOW)
    check(claimed)
    check(claimed.after.alert_sent("m-1", NOW), claimed.after.alert_failed("SNS down", NOW))
    held = received(1, claim="poll-1").after
    check(held.alert_sent("m-1", NOW), held.alert_failed("SNS down", NOW))
    failed = held.alert_failed("SNS down", NOW).after
    check(failed.claim_alert("sender-b", NOW + timedelta(minutes=1)))
    taken = failed.claim_alert("sender-b", NOW).after
    check(taken.claim_alert("sender-c", NOW + timedelta(minutes=6)))  # a crashed sender's claim
    check(taken.claim_alert("sender-b", NOW))  # renewed within the same microsecond: changes nothing


def test_replies_sent_failed_and_undeliverable_are_well_formed_saves():
    c = received(1).after
    check(c.reply_sent("acknowledged", "p-1", NOW, "lucknowpolice"), c.reply_sent("acknowledged", None, NOW, "lucknowpolice"), keep_reply_flag=True)
    check(c.reply_failed("acknowledged", "503", NOW), c.reply_failed("acknowledged", "403", NOW, final=True),
          keep_reply_flag=True)
    both = replace(c, replies=c.replies | {"resolved": Reply("Complaint resolved: done")})
    check(both.reply_sent("acknowledged", "p-1", NOW, "lucknowpolice"), both.reply_sent("resolved", "p-2", NOW, "lucknowpolice"))
    blocked = c.reply_blocked("acknowledged", "no tagged handle is authorised", NOW)
    check(blocked, blocked.after.reply_blocked("acknowledged", "still", NOW + timedelta(hours=49)), keep_reply_flag=True)


def test_a_follow_up_is_a_well_formed_save_with_its_tweet_guard():
    c = received(1).after
    recorder = check(c.follow_up(mention(2, "still waiting", conversation=1), "still waiting", NOW))
    [(operation, request)] = recorder.requests
    assert operation == "transact_write_items" and len(request["TransactItems"]) == 2


def test_a_save_without_counters_is_one_plain_update_and_with_them_one_transaction():
    c = received(1, claim=None).after
    assert [op for op, _ in check(c.claim_alert("sender-a", NOW)).requests] == ["update_item"]
    assert [op for op, _ in check(c.alert_failed("down", NOW)).requests] == ["transact_write_items"]


def test_creations_counters_queries_reports_and_handles_are_well_formed():
    recorder = Recorder()
    desk = storage("complaints", client=recorder)
    for change in (received(1), received(2, district=None, urgent=True), received(3, is_complaint=False)):
        assert desk.complaints.create(change)
    desk.complaints.next_references(162, 2026, 3)
    desk.complaints.thread_of("1", "u-1")
    desk.complaints.get("UP-LKO-26-000001")
    desk.complaints.due_for_check(NOW)
    for district in (162, None, ALL_DISTRICTS):
        desk.complaints.oldest_open(district)
    for query in (ListQuery(), ListQuery(district=162, urgent=True), ListQuery(unknown_district=True, status="new"),
                  ListQuery(department="police", scope_districts=frozenset({162, 144})),
                  ListQuery(scope_districts=frozenset({162}), scope_departments=frozenset({"police", "water"}))):
        desk.complaints.list(query)
    desk.outbox.pending_alerts()
    desk.outbox.pending_replies(NOW)
    desk.outbox.replies_held()
    desk.outbox.hold_replies("lucknowpolice", NOW)
    grant = Grant("lucknowpolice", "1001", b"sealed", NOW, 3)
    desk.grants.store(grant, NOW)
    desk.grants.take_lease(grant, "lease", NOW, NOW)
    desk.grants.renew(grant, b"new", NOW)
    desk.grants.renamed("lucknowpolice", "LKOPolice")
    desk.grants.mark_needs_authorisation(grant, "revoked", NOW)
    desk.grants.start_authorisation("state", "lucknowpolice", "verifier", NOW)
    desk.grants.finish_authorisation("state", NOW)
    desk.grants.states()
    desk.grants.get("1001")
    report = Report("digest", "2026-11-29", "162")
    desk.stats.claim_report(report, "run-1", NOW)
    desk.stats.report_sent(report, "run-1", NOW)
    desk.stats.release_report(report, "run-1")
    desk.stats.read([STATE, Scope.of_district(None), Scope.of_week((2026, 48), "police")])
    desk.handles.save("lucknowpolice", HandleState(user_id="1", since_id="2"))
    desk.handles.path_succeeded("timelines", NOW)
    desk.handles.states(["lucknowpolice"])
    desk.handles.paths()
    for kind, body in recorder.bodies():
        assert_well_formed(kind, body)


def test_every_registry_request_is_well_formed():
    from chalicelib.domain.handles import WatchedHandle

    recorder = Recorder()
    registry = storage("complaints", client=recorder).registry
    jal = WatchedHandle("UPJalNigam", "department", "water", None, user_id="9", start_at=NOW, owner_contact="a@b.in")
    hapur = WatchedHandle("hapurpolice", "district_police", "police", 661)
    registry.load()
    registry.add(jal)
    registry.add(hapur)
    registry.change(jal)  # no district, a contact: one REMOVE, the rest SET
    registry.change(hapur)  # a district, no contact
    registry.set_enabled("UPJalNigam", False)
    registry.record_user_id("hapurpolice", "661")
    from chalicelib.adapters.dynamo_registry import item

    recorder.get_item = lambda **request: {"Item": item(jal)}  # a rename reads the entry as stored first
    registry.rename(jal, "upjalnigam")  # the case only: in place
    registry.rename(jal, "UPJalBoard")  # a new key: a transaction
    assert [op for op, _ in recorder.requests][-2:] == ["update_item", "transact_write_items"]
    for kind, body in recorder.bodies():
        assert_well_formed(kind, body)
