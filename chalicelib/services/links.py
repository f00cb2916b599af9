"""Alert links: the one-tap way from an alert to its complaint's page, and the actions taken there.

Opening a link changes nothing (mail scanners follow links). It acts as an officer of the office the
alert went to, on that one complaint only. A link is used once an action through it ends that office's
part (SPENDING: resolved, not actionable, transferred); acknowledging and "in progress" leave it usable,
so the officer who acknowledged from the alert can resolve from it later. Used links are remembered
until they expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from ..domain import links
from ..domain.access import Principal
from ..domain.complaint import Complaint, Policies
from ..domain.districts import district_key
from ..errors import DeskError
from . import complaints as complaint_service
from .ports import Alerts, Storage, UsedLink

SPENDING = frozenset({"resolve", "reject", "transfer"})


class LinkUnusable(DeskError):
    """A link that opens nothing: `reason` is "refused", "expired" or "used" (the page says which, plainly)."""

    status, code = 410, "link_unusable"

    def __init__(self, reason: str, message: str, used: UsedLink | None = None):
        super().__init__(message)
        self.reason, self.used = reason, used
        if reason == "refused":
            self.status = 404


@dataclass(frozen=True)
class Opened:
    complaint: Complaint
    link: links.Link
    principal: Principal  # who acts through the link: an officer of the alerted office, for this complaint


def alert_link(key: bytes, base_url: str, complaint: Complaint, now: datetime) -> str:
    """The link an alert about `complaint`, sent now, carries."""
    clock = complaint.clock  # the latest deadline running: an officer who acknowledges may resolve from the link
    expires_at = links.expiry((clock.resolve_due_at or clock.due_at) if clock.stage else None, now)
    link = links.sign(key, complaint.ref, complaint.district, complaint.department, expires_at)
    return f"{base_url.rstrip('/')}/app/a/{link.token}"


def open_link(store: Storage, key: bytes, token: str, now: datetime) -> Opened:
    try:
        ref, _, _ = links.parse(token)
        complaint = store.complaints.get(ref)
        if complaint is None:
            raise links.LinkRefused("no such complaint")
        link = links.check(key, token, complaint.district, complaint.department, now)
    except links.LinkRefused:
        raise LinkUnusable("refused", "This link is not valid: it was altered, or the complaint has moved to "
                                      "another office.") from None
    except links.LinkExpired as e:
        raise LinkUnusable("expired", f"This link expired on {e.expired_at.isoformat()}.") from None
    used = store.links.used(link.signature)
    if used is not None:
        raise LinkUnusable("used", "This link has been used: an action was taken through it.", used)
    office = f"{district_key(complaint.district)}/{complaint.department}"
    principal = Principal(subject=f"alert-link:{office}", role="officer",
                          districts=frozenset() if complaint.district is None else frozenset({complaint.district}),
                          departments=frozenset({complaint.department}))
    return Opened(complaint, link, principal)


def act(store: Storage, alerts: Alerts, key: bytes, token: str, request: dict, clock: Callable[[], datetime],
        policies: Policies) -> dict:
    """An action taken on the link's page (the action request as the API takes it)."""
    opened = open_link(store, key, token, clock())
    done = complaint_service.act(store, alerts, opened.principal, opened.complaint.ref, request, clock, policies)
    if request["action"] in SPENDING:
        # After the action, not before: a refused action leaves the link usable. Two at once: the
        # complaint's version lets one through, and the first mark stands.
        store.links.mark_used(opened.link.signature, request["action"], clock(), opened.link.expires_at)
    return done
