"""An officer's queue: the open complaints in their scope, overdue first, then by deadline."""

from __future__ import annotations

from datetime import datetime

from ..domain.access import Principal
from ..domain.complaint import Complaint
from ..domain.status import OPEN
from .ports import ListQuery, Storage

PER_STATUS = 100  # a queue page shows at most this many of each open status; more is a job for the dashboard


def open_queue(store: Storage, principal: Principal, now: datetime) -> list[Complaint]:
    found: list[Complaint] = []
    for status in sorted(s.value for s in OPEN):
        # The scope is applied by the store, as for the API's listing, and checked again here.
        query = ListQuery(status=status, limit=PER_STATUS) if principal.is_admin else ListQuery(
            status=status, limit=PER_STATUS, scope_districts=principal.districts, scope_departments=principal.departments)
        complaints, _ = store.complaints.list(query)
        found += [c for c in complaints if principal.can_see(c.district, c.department)]
    return sorted(found, key=lambda c: _order(c, now))


def _order(c: Complaint, now: datetime) -> tuple:
    due = c.clock.due_at
    overdue = due is not None and due <= now
    # Overdue first (longest overdue first), then the nearest deadline, then those with none, oldest first.
    return (0 if overdue else 1 if due else 2, due or c.created_at, c.created_at)
