"""The deadline sweep against the moto server: two sweeps at once escalate once and alert once."""

import threading
from datetime import timedelta

import requests

from chalicelib import runtime
from chalicelib.services.sweep import sweep
from devtools.stack import Officer

URGENT = "@lucknowpolice Hazratganj Lucknow me abhi accident hua hai, do log ghayal hain, ambulance bhejo"


def test_two_sweeps_at_once_escalate_once_and_alert_once(stack, x_control):
    stack.subscribe(Officer("ssp-lucknow", {"district": ["162"], "level": ["L2"]}))
    requests.post(f"{stack.x.url}/_control/reset", json={"mentions": False}, timeout=5).raise_for_status()
    x_control.tweets({"author": "meena_lko", "text": URGENT})
    [ref] = runtime.run_poll()["created"]
    stack.received("ssp-lucknow")
    later = runtime.utcnow() + timedelta(minutes=16)

    reports, start = [], threading.Barrier(2)

    def run():
        start.wait()
        reports.append(sweep(runtime.storage(), runtime.alerts(), runtime.policies(), lambda: later))

    threads = [threading.Thread(target=run) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]

    assert sum(r.escalations for r in reports) == 1
    assert sum(r.sent.alerts_sent for r in reports) == 1
    escalations = [h for h in runtime.storage().complaints.get(ref).history if h.action == "escalate"]
    assert len(escalations) == 1
    [alert] = stack.received("ssp-lucknow")
    assert alert["attributes"]["level"] == "L2" and alert["attributes"]["event"] == "escalation"
    assert runtime.storage().complaints.get(ref).clock.level == "L2"
    # And the same sweep again, later the same minute: nothing more.
    assert sweep(runtime.storage(), runtime.alerts(), runtime.policies(), lambda: later).escalations == 0
    assert stack.received("ssp-lucknow") == []
