"""Officers' replies on the local X count (issue 14.1): moto's DynamoDB and SNS, the local X server through
real tweepy. An officer's reply in the citizen's thread acknowledges the complaint (its escalation stops), a
later one saying "निस्तारित" resolves it; the desk's own acknowledgement, as X shows it, moves nothing.

Like X, the officer's reply names the accounts in the conversation (the citizen and @Uppolice, which the
citizen tagged): that is how it reaches the Uppolice timeline the desk reads."""

from datetime import timedelta

from chalicelib import runtime
from chalicelib.domain.status import Status
from chalicelib.services.sweep import sweep
from tests.integration.local_x import control

URGENT = "@Uppolice @lucknowpolice Hazratganj Lucknow me abhi accident hua hai, do log ghayal hain, ambulance bhejo"
OTHER = "@Uppolice @lucknowpolice Aminabad Lucknow me abhi accident hua hai, ek aadmi ghayal hai, ambulance bhejo"


def complaint(ref):
    return runtime.storage().complaints.get(ref)


def test_an_officer_s_replies_on_x_acknowledge_then_resolve_and_the_escalation_stops(stack, x_control):
    control(stack.x, "POST", "reset", {"mentions": False})
    stack.authorise("lucknowpolice")  # the desk's acknowledgement goes out through @lucknowpolice
    answered, unanswered = x_control.tweets({"author": "meena_lko", "text": URGENT},
                                            {"author": "ravi_lko", "text": OTHER})
    first = runtime.run_poll()
    assert first["replies_sent"] == 2
    ref = runtime.storage().complaints.recorded(answered)
    other = runtime.storage().complaints.recorded(unanswered)
    desk_reply = complaint(ref).replies["acknowledged"].text

    x_control.tweets(
        # The desk's own acknowledgement as X shows it in the thread: not an officer's reply.
        {"author": "lucknowpolice", "text": f"@meena_lko @Uppolice {desk_reply}", "in_reply_to": answered},
        {"author": "lucknowpolice", "in_reply_to": answered,
         "text": "@meena_lko @Uppolice थाना हजरतगंज को निर्देशित किया गया है, एम्बुलेंस रवाना की गई है।"},
    )
    second = runtime.run_poll()
    assert second["skipped"].get("officer_reply") == 1 and second["skipped"].get("own_tweet") == 1
    acknowledged = complaint(ref)
    assert acknowledged.status == Status.ACKNOWLEDGED and acknowledged.clock.stage == "resolve"
    [entry] = [e for e in acknowledged.history if e.action == "officer_reply"]
    assert entry.by == "@lucknowpolice" and (entry.details["from"], entry.details["to"]) == ("new", "acknowledged")
    assert entry.details["tweet_url"].startswith("https://x.com/lucknowpolice/status/")
    assert "थाना हजरतगंज को निर्देशित" in entry.details["note"]

    # Past the urgent 15-minute acknowledgement window: only the complaint nobody answered escalates.
    stack.received("ssp-lucknow")
    later = runtime.utcnow() + timedelta(minutes=16)
    report = sweep(runtime.storage(), runtime.alerts(), runtime.policies(), lambda: later)
    assert report.escalations == 1
    assert [e.action for e in complaint(ref).history if e.action == "escalate"] == []
    assert complaint(other).clock.level == "L2"
    assert [a["message"].splitlines()[0].endswith(other) for a in stack.received("ssp-lucknow")] == [True]

    x_control.tweets({"author": "lucknowpolice", "in_reply_to": answered,
                      "text": "@meena_lko @Uppolice घायलों को अस्पताल पहुँचाया गया, प्रकरण निस्तारित।"})
    third = runtime.run_poll()
    resolved = complaint(ref)
    assert third["skipped"].get("officer_reply") == 1 and resolved.status == Status.RESOLVED
    assert resolved.resolved_at is not None and resolved.clock.stage is None
    assert [e.details.get("to") for e in resolved.history if e.action == "officer_reply"] == ["acknowledged", "resolved"]
    # Read again (a repeated poll, another path): nothing more.
    assert runtime.run_poll()["skipped"].get("officer_reply", 0) == 0
    assert len(complaint(ref).history) == len(resolved.history)


def test_a_reply_naming_no_watched_handle_is_found_by_search_and_resolves(stack, x_control):
    """The citizen tagged only @lucknowpolice: its answer names only the citizen, so no timeline the desk reads
    has it. The query groups ask for the handles' own replies too (from:, is:reply)."""
    from dataclasses import replace

    from chalicelib.services.reconcile import reconcile

    def run():
        return reconcile(runtime.registry(), runtime.source(), runtime.source(), runtime.storage(), runtime.alerts(),
                         runtime.replies(), runtime.ops_notices(), runtime.utcnow, runtime.policies())

    control(stack.x, "POST", "reset", {"mentions": False})
    run()  # the seed handles' cursors: their timelines are read, not searched
    searches = runtime.storage().searches
    five_minutes_ago = (runtime.utcnow() - timedelta(minutes=5)).replace(microsecond=0).isoformat()
    for group_id, cursor in searches.load().items():
        searches.save(group_id, replace(cursor, read_to=five_minutes_ago))
    [citizen] = x_control.tweets({"author": "asha_lko", "text": "@lucknowpolice Aliganj me chain snatching hui",
                                  "minutes_ago": 3})
    [ref] = runtime.run_poll()["created"]
    x_control.tweets({"author": "lucknowpolice", "in_reply_to": citizen, "minutes_ago": 2,
                      "text": "@asha_lko अभियुक्त गिरफ्तार, चेन बरामद। प्रकरण का निस्तारण कर दिया गया है।"})
    assert runtime.run_poll()["skipped"].get("officer_reply", 0) == 0 and complaint(ref).status == Status.NEW
    # The polls learned the handles' X user ids; the next minute's registry has them, and search asks for
    # the replies of handles it can tell by id (it reads no author names).
    runtime.registry.cache_clear()
    report = run()
    assert report.skipped["officer_reply"] == 1 and complaint(ref).status == Status.RESOLVED
    assert report.created == []  # the officer's post is no complaint
    assert run().skipped.get("officer_reply", 0) == 0  # read again by the next search: once
