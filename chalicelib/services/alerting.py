"""Sending the alerts that wait on complaints. Used by the poll, the sweep and the API (transfers).

Each alert is claimed before it is published, so two senders running at once publish it once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Callable

from .ports import AlertFailed, Alerts, ComplaintStore


def send_alert(store: ComplaintStore, alerts: Alerts, ref: str, clock: Callable[[], datetime],
               claimer: str | None = None) -> bool | None:
    """True: sent; False: failed and left pending; None: another sender holds it."""
    claimer = claimer or uuid.uuid4().hex
    if not store.claim_alert(ref, claimer, clock()):
        return None
    # Read after claiming: a transfer or escalation since the list was read replaces the alert,
    # and the new owner must get the new one.
    complaint = store.get(ref)
    try:
        message_id = alerts.notify(complaint)
    except AlertFailed as e:
        store.alert_failed(complaint.ref, claimer, str(e), clock())
        return False
    store.alert_sent(complaint.ref, claimer, message_id, clock())
    return True


def send_pending_alerts(store: ComplaintStore, alerts: Alerts, clock: Callable[[], datetime]) -> tuple[int, int]:
    """Send every alert still waiting; (sent, failed)."""
    claimer = uuid.uuid4().hex
    outcomes = [send_alert(store, alerts, c.ref, clock, claimer) for c in store.pending_alerts()]
    return outcomes.count(True), outcomes.count(False)
