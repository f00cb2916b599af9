"""DynamoDB refuses expression values and names an expression does not use (moto's transactions
do not check), so every change the API and the sweep make is checked here."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.adapters.dynamo_store import DynamoComplaintStore
from chalicelib.domain import sla
from chalicelib.domain.complaint import TRANSITIONS, Status
from chalicelib.domain.lifecycle import ACTIONS, Action, apply
from chalicelib.domain.messages import load_messages
from tests.unit.test_lifecycle import NOW, complaint

POLICY = sla.load_sla_policy()
STORE = DynamoComplaintStore("complaints")


def assert_every_placeholder_is_used(update: dict) -> None:
    text = update["UpdateExpression"] + " " + update["ConditionExpression"]
    used_values = set(re.findall(r":\w+", text))
    used_names = set(re.findall(r"#\w+", text))
    assert set(update["ExpressionAttributeValues"]) == used_values
    assert set(update["ExpressionAttributeNames"]) == used_names
    paths = [p.strip().split("=")[0].strip() for p in re.split(r"\b(?:SET|REMOVE)\b", update["UpdateExpression"])[1:]
             for p in p.split(",") if p.strip()]
    assert len(paths) == len(set(paths)), f"a path is set twice: {paths}"


LEGAL = [(status, name) for status in Status for name in ACTIONS if ACTIONS[name] in TRANSITIONS[status]]


@pytest.mark.parametrize("status, name", LEGAL)
def test_every_officer_action_writes_a_well_formed_update(status, name):
    before = complaint(status, resolved_at=NOW if status == Status.RESOLVED else None,
                       sla=sla.receive(POLICY, NOW, "police", False).as_dict())
    kwargs = {"reject": {"reason": "duplicate"}, "transfer": {"to_district": 144}}.get(name, {})
    after = apply(before, Action(name, "officer", note="n", **kwargs), NOW, load_messages(), timedelta(days=7))
    after = replace(after, sla=sla.after_transition(POLICY, sla.Clock.from_dict(before.sla), after.status, NOW,
                                                   after.department, after.urgent, name in ("transfer", "reopen")).as_dict())
    assert_every_placeholder_is_used(STORE.change_update(before, after))


def test_the_sweeps_reminders_and_escalations_write_well_formed_updates():
    before = complaint(sla=sla.receive(POLICY, NOW, "police", True).as_dict())
    for minutes in (12, 15):
        result = sla.check(POLICY, sla.Clock.from_dict(before.sla), NOW + timedelta(minutes=minutes), "police", True)
        after = replace(before, sla=result.clock.as_dict(), version=before.version + 1, alert="pending",
                        alert_event=result.event, alert_level=result.clock.level)
        assert_every_placeholder_is_used(STORE.change_update(before, after))
        before = after
