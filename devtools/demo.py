"""`make demo`: the whole path once, on the local stack, then a report of what happened.

Starts moto and the local X server, provisions the resources, authorises the handles the sample
mentions tag (the real OAuth 2.0 flow against the local X), runs the scheduled reconcile
function (the minute's batched search of every watched handle) twice (the second must create nothing), runs the deadline sweep with its clock
advanced 20 minutes (urgent complaints nobody acknowledged escalate), prints the complaints with the
handle each citizen's reply went from, the alerts each example officer received, what X would bill
(the local X's cost ledger) and the /status body, and stops everything it started.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

from devtools.stack import LocalStack


def main() -> None:
    started = time.monotonic()
    with LocalStack() as stack:
        stack.provision()
        # The handles the seed mentions tag let the desk reply as them (admin link, consent on the local X, callback).
        print(f"authorised on the local X: {', '.join('@' + h for h in stack.authorise_seeded())}", flush=True)
        from chalice.test import Client

        from app import app
        from chalicelib import auth, runtime

        with Client(app, stage_name="local") as client:
            event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
            first = client.lambda_.invoke("reconcile", event).payload
            second = client.lambda_.invoke("reconcile", event).payload
            later = runtime.utcnow() + timedelta(minutes=20)
            swept = runtime.run_sweep(clock=lambda: later)
            admin = auth.issue(runtime.signing_key(), "demo-admin", "admin", now=runtime.utcnow(), hours=1)
            status = client.http.get("/status", headers={"Authorization": f"Bearer {admin}"}).json_body

        complaints = runtime.storage().complaints
        # The seed handles went live 30 days ago, past search's 7 days: the first run reads their timelines.
        print(f"Reconcile 1: {len(first['groups'])} query groups, {len(first['backfilled'])} handles' timelines "
              f"backfilled; {len(first['created'])} complaints created, skipped {first['skipped']}, "
              f"{first['alerts_sent']} alerts sent, {first['alerts_failed']} failed, "
              f"{first['replies_sent']} replies to citizens posted on X")
        searches = sum(g["requests"] for g in second["groups"])
        print(f"Reconcile 2: {searches} searches, {len(second['created'])} complaints created, skipped {second['skipped']}")
        print(f"Deadline sweep, clock advanced 20 minutes: {swept['reminders']} reminders, "
              f"{swept['escalations']} escalations, {swept['alerts_sent']} alerts sent\n")
        print(f"{'reference':<18} {'district':<22} {'department':<12} {'status':<15} {'urgent':<7} reply to the citizen")
        for ref in first["created"]:
            c = complaints.get(ref)
            print(f"{c.ref:<18} {c.district_name or '(state triage)':<22} {c.department:<12} {c.status.value:<15} "
                  f"{'yes' if c.urgent else '':<7} {_reply(c)}")
        for officer in stack.officers:
            alerts = stack.received(officer.name)
            print(f"\nAlerts received by {officer.name} (filter {json.dumps(officer.filter_policy)}): {len(alerts)}")
            for alert in alerts:
                print(f"  {alert['subject']}  {alert['attributes']}")
        costs = stack.x.costs()
        print(f"\nWhat X would bill for this demo (the local X's ledger, 2026 pay-per-use prices): "
              f"${costs['total_usd']:.3f}")
        for kind, line in sorted(costs["by_kind"].items()):
            if line["count"]:
                print(f"  {kind.replace('_', ' '):<22} {line['count']:>4}  ${line['usd']:.3f}")
        print("\nGET /status:")
        print(json.dumps(status, ensure_ascii=False, separators=(",", ":")))
    print(f"\nDemo finished in {time.monotonic() - started:.1f} s; local stack stopped.")


def _reply(complaint) -> str:
    """Which handle answered the citizen: X takes a reply only from an account the citizen tagged."""
    replies = [r for r in complaint.replies.values()]
    if not replies:
        return "(none: not actionable)"
    return "; ".join(f"{r.status} from @{r.from_handle}" if r.from_handle else f"{r.status}: {r.last_error or ''}".strip()
                     for r in replies)


if __name__ == "__main__":
    main()
