"""Alert links on the local stack: every alert carries one, opening it changes nothing, a closing action uses
it up (remembered in DynamoDB), and a moved or expired complaint's link opens nothing."""

import re
from datetime import timedelta

import pytest

from chalicelib import runtime
from chalicelib.services import links

BASE = "http://localhost:8000"


@pytest.fixture
def alerted(stack):
    runtime.run_poll()
    [first, *_] = stack.received("lucknow-police")
    found = re.search(re.escape(BASE) + r"/app/a/(\S+)", first["message"])
    assert found, first["message"]
    return found.group(1)


def act(token, action, **fields):
    return runtime.act_through_link(token, {"action": action, **fields})


def test_every_alert_carries_a_link_and_no_personal_data_in_it(stack):
    runtime.run_poll()
    received = stack.received("lucknow-police") + stack.received("noida-police")
    assert received and all(re.search(r"/app/a/UP-[A-Z]+-\d\d-\d+\.[0-9a-z]+\.[\w-]{22}\s", a["message"]) for a in received)


def test_opening_changes_nothing_and_a_closing_action_uses_the_link_up(alerted):
    ref = alerted.split(".")[0]
    before = runtime.storage().complaints.get(ref)
    opened = links.open_link(runtime.storage(), runtime.link_key(), alerted, runtime.utcnow())
    assert opened.complaint.ref == ref and runtime.storage().complaints.get(ref).version == before.version
    assert act(alerted, "acknowledge")["status"] == "acknowledged"
    assert act(alerted, "start")["status"] == "in_progress"  # still usable: the officer's part goes on
    assert act(alerted, "resolve", note="done")["status"] == "resolved"
    with pytest.raises(links.LinkUnusable) as used:
        act(alerted, "reopen")
    assert used.value.reason == "used" and used.value.used.action == "resolve" and used.value.status == 410
    with pytest.raises(links.LinkUnusable):  # opening it again says so too
        links.open_link(runtime.storage(), runtime.link_key(), alerted, runtime.utcnow())


def test_a_refused_action_leaves_the_link_usable(alerted):
    from chalicelib.errors import IllegalTransition

    with pytest.raises(IllegalTransition):
        act(alerted, "reopen")
    assert act(alerted, "resolve", note="done")["status"] == "resolved"


def test_once_the_complaint_moves_to_another_office_the_old_link_opens_nothing(alerted):
    from chalicelib.domain.access import Principal

    # Moved by the state desk, not through the link: the link is not used, but it is for the old office.
    runtime.act(Principal("state-desk", "admin"), alerted.split(".")[0], {"action": "transfer", "to_district": 144})
    with pytest.raises(links.LinkUnusable) as refused:
        links.open_link(runtime.storage(), runtime.link_key(), alerted, runtime.utcnow())
    assert refused.value.reason == "refused" and refused.value.status == 404


def test_an_expired_link_says_so(alerted, monkeypatch):
    later = runtime.utcnow() + timedelta(days=40)
    monkeypatch.setattr(runtime, "utcnow", lambda: later)
    with pytest.raises(links.LinkUnusable) as expired:
        act(alerted, "acknowledge")
    assert expired.value.reason == "expired"
