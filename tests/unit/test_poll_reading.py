"""The poll with what X really sends: long posts, unnamed authors, renamed handles, edits, suspended accounts."""

from dataclasses import replace

import pytest

from chalicelib.adapters.x_source import mentions_from
from chalicelib.domain.complaint import MAX_FOLLOW_UPS
from chalicelib.domain.handles import load_registry
from chalicelib.domain.status import Status
from chalicelib.services.poll import poll
from chalicelib.services.ports import Page
from chalicelib.services.status import status
from tests.fakes import POLICIES, FakeAlerts, FakeClock, FakeDesk, FakeReplies, FakeSource, mention
from tests.unit.test_x_reading import BODY, LONG

REGISTRY = load_registry()


class Desk:
    def __init__(self):
        self.source, self.store, self.alerts, self.replies = FakeSource(), FakeDesk(), FakeAlerts(), FakeReplies()
        self.clock = FakeClock()
        self.store.grants.authorise(*(h.handle for h in REGISTRY))  # replies go from tagged, authorised handles

    def poll(self, registry=REGISTRY):
        return poll(registry, self.source, self.store, self.alerts, self.replies, self.clock, POLICIES)

    def complaint(self, tweet_id: str):
        return self.store.complaints.complaints[self.store.complaints.by_tweet[tweet_id]]

    def handle(self, name: str):
        return self.store.handles.states([name])[name]


def citizens(complaint):
    """The citizen's posts in a complaint's history (the replies sent are there too)."""
    return [e for e in complaint.history if e.action != "reply_sent"]


@pytest.fixture
def desk():
    return Desk()


def test_a_long_post_is_recorded_whole_and_routed_by_all_it_says(desk):
    [long] = [m for m in mentions_from(BODY)[0] if m.text == LONG]
    desk.source.add("uppolice", long)
    [ref] = desk.poll().created
    complaint = desk.store.complaints.complaints[ref]
    assert complaint.text == LONG and complaint.district == 162 and complaint.handles == ("Uppolice", "lucknowpolice")


def test_an_author_x_did_not_name_is_recorded_without_a_name(desk):
    desk.source.add("lucknowpolice", mention(201, "Aliganj me chori ho gayi", "lucknowpolice", named=False))
    [ref] = desk.poll().created
    complaint = desk.store.complaints.complaints[ref]
    assert (complaint.author_username, complaint.author_id) == ("", "id-citizen1")
    assert complaint.tweet_url == "https://x.com/i/web/status/201"


@pytest.mark.parametrize("named", [True, False])
def test_the_desk_s_own_post_is_told_by_its_author_id_named_or_not(desk, named):
    own = mention(202, "@lucknowpolice thana Aliganj ko nirdeshit kiya gaya", "lucknowpolice", author="Uppolice", named=named)
    desk.source.add("lucknowpolice", replace(own, author_username="UPPolice_renamed" if named else ""))
    report = desk.poll()
    assert report.created == [] and report.skipped["own_tweet"] == 1


def test_a_renamed_watched_handle_tagged_by_id_still_routes_the_complaint(desk):
    tagged = mention(203, "Hazratganj me chain snatching", "lko_police_new")
    desk.source.add("lucknowpolice", replace(tagged, mentioned_ids=("id-lucknowpolice",)))
    [ref] = desk.poll().created
    assert desk.store.complaints.complaints[ref].handles == ("lucknowpolice",)


def test_a_disabled_handle_tagged_by_id_is_not_one_the_complaint_is_for(desk):
    from chalicelib.domain.handles import Registry

    registry = Registry([replace(h, enabled=False) if h.key == "uppolice" else h for h in REGISTRY.all()])
    desk.source.add("lucknowpolice", mention(204, "Hazratganj me chain snatching", "Uppolice", "lucknowpolice"))
    desk.poll()  # learns the accounts' ids
    desk.source.add("lucknowpolice", mention(205, "Aliganj me chori", "Uppolice", "lucknowpolice"))
    [ref] = desk.poll(registry).created
    assert desk.store.complaints.complaints[ref].handles == ("lucknowpolice",)


# --- edits ------------------------------------------------------------------------------------

def test_an_edit_of_a_recorded_post_joins_its_complaint_without_a_second_alert_or_reply(desk):
    desk.source.add("lucknowpolice", mention(301, "Aliganj me chori hogyi", "lucknowpolice"))
    [ref] = desk.poll().created
    desk.source.add("lucknowpolice", mention(302, "Aliganj me chori ho gayi, kal raat 2 baje", "lucknowpolice", edit_of=301))
    report = desk.poll()
    assert report.created == [] and report.skipped["edited"] == 1
    complaint = desk.store.complaints.complaints[ref]
    assert complaint.text == "Aliganj me chori ho gayi, kal raat 2 baje"
    assert [(e.action, e.details["tweet_id"], e.details["edit_of"]) for e in citizens(complaint)] == [("edited", "302", "301")]
    assert len(desk.alerts.sent) == 1 and len(desk.replies.posted) == 1 and len(desk.store.complaints.complaints) == 1


def test_a_post_and_its_edit_fetched_in_one_poll_are_one_complaint_with_the_latest_text(desk):
    desk.source.add("lucknowpolice", mention(311, "Aliganj me chori", "lucknowpolice"),
                    mention(312, "Aliganj me chori, 2 mobile gaye", "lucknowpolice", edit_of=311))
    report = desk.poll()
    assert len(report.created) == 1 and report.skipped["edited"] == 1
    assert desk.complaint("312").text == "Aliganj me chori, 2 mobile gaye" and len(desk.replies.posted) == 1


def test_an_edit_of_a_closed_complaint_joins_it_and_does_not_reopen_it(desk):
    desk.source.add("lucknowpolice", mention(321, "Good morning, thank you for your great work!", "lucknowpolice"))
    [ref] = desk.poll().created
    assert desk.store.complaints.complaints[ref].status == Status.NOT_ACTIONABLE
    desk.source.add("lucknowpolice", mention(322, "Good morning, thanks for the great work!", "lucknowpolice", edit_of=321))
    assert desk.poll().created == []
    complaint = desk.store.complaints.complaints[ref]
    assert complaint.status == Status.NOT_ACTIONABLE and complaint.history[-1].action == "edited"


def test_an_edit_whose_original_was_never_recorded_is_one_complaint_and_later_versions_join_it(desk):
    desk.source.add("lucknowpolice", mention(332, "Aliganj me chori ho gayi", "lucknowpolice", edit_of=331))
    [ref] = desk.poll().created
    desk.source.add("lucknowpolice", mention(333, "Aliganj me chori ho gayi, FIR nahi likhi", "lucknowpolice",
                                                     edit_of=(331, 332)))
    report = desk.poll()
    assert report.created == [] and report.skipped["edited"] == 1
    assert desk.complaint("333").ref == ref and desk.complaint("331").ref == ref
    assert desk.store.complaints.complaints[ref].text.endswith("FIR nahi likhi")
    assert len(desk.alerts.sent) == 1 and len(desk.replies.posted) == 1


def test_an_edit_fetched_again_is_recorded_once(desk):
    desk.source.add("lucknowpolice", mention(341, "Aliganj me chori", "lucknowpolice"),
                    mention(342, "Aliganj me chori hui", "lucknowpolice", edit_of=341))
    desk.poll()
    desk.store.handles.handles["lucknowpolice"] = replace(desk.handle("lucknowpolice"), since_id=None)  # a lost cursor
    report = desk.poll()
    assert report.created == [] and report.skipped["already_recorded"] == 2
    assert [e.action for e in citizens(desk.complaint("341"))] == ["edited"]


def test_an_edited_follow_up_joins_the_history_and_leaves_the_complaint_s_text(desk):
    desk.source.add("lucknowpolice", mention(351, "Aliganj me chori ho gayi", "lucknowpolice"),
                    mention(352, "abhi tak koi nahi aaya", "lucknowpolice", conversation=351))
    [ref] = desk.poll().created
    desk.source.add("lucknowpolice", mention(353, "abhi tak koi nahi aaya, 3 ghante ho gaye", "lucknowpolice", edit_of=352))
    desk.poll()
    complaint = desk.store.complaints.complaints[ref]
    assert complaint.text == "Aliganj me chori ho gayi"
    assert [e.action for e in citizens(complaint)] == ["citizen_follow_up", "edited"]
    assert complaint.history[-1].details["note"] == "abhi tak koi nahi aaya, 3 ghante ho gaye"


def test_edits_count_towards_the_posts_a_history_keeps():
    from tests.builders import NOW, received

    c = received(1).after
    for n in range(MAX_FOLLOW_UPS):
        c = c.follow_up(mention(100 + n, "x", "lucknowpolice", conversation=1), "again", NOW).after
    edit = c.edited(mention(999, "Aliganj me chori, kal raat", "lucknowpolice", edit_of=1), "Aliganj me chori, kal raat", NOW)
    assert edit.after.history == c.history and edit.after.text == "Aliganj me chori, kal raat" and edit.recorded_tweet == "999"


# --- accounts X says are gone ---------------------------------------------------------------------

def test_a_suspended_watched_account_is_unavailable_and_looked_up_again_only_a_day_later(desk):
    desk.source.add("noidapolice", mention(401, "Sector 18 me chori", "noidapolice"))
    desk.poll()
    desk.source.suspend("noidapolice", "Forbidden: User has been suspended: [id-noidapolice].")
    desk.source.add("noidapolice", mention(402, "Sector 62 me jam", "noidapolice"))
    desk.clock.advance(minutes=5)
    [outcome] = [h for h in desk.poll().handles if h.handle == "noidapolice"]
    assert (outcome.outcome, outcome.detail) == ("unavailable", "Forbidden: User has been suspended: [id-noidapolice].")
    shown = {h["handle"]: h for h in status(desk.store, REGISTRY, desk.clock)["handles"]}["noidapolice"]
    assert shown["outcome"] == "unavailable" and "suspended" in shown["detail"]

    asked = len(desk.source.calls)
    desk.clock.advance(hours=23)
    report = desk.poll()
    assert [c for c in desk.source.calls[asked:] if c[0] == "id-noidapolice"] == [] and desk.source.checks == []
    assert {h.handle: h.outcome for h in report.handles}["noidapolice"] == "unavailable"
    assert "timelines" in desk.store.handles.paths()  # the other handles were read: the path is fine

    desk.clock.advance(hours=1, minutes=5)
    desk.poll()
    assert desk.source.checks == ["id-noidapolice"] and desk.handle("noidapolice").outcome == "unavailable"
    assert desk.handle("noidapolice").checked_at == desk.clock().isoformat()

    desk.source.restore("noidapolice")
    desk.clock.advance(hours=2)
    assert desk.poll().created == []  # still within the day since it was last looked up
    desk.clock.advance(days=1)
    report = desk.poll()
    assert {h.handle: h.outcome for h in report.handles}["noidapolice"] == "ok" and len(report.created) == 1
    assert desk.complaint("402").handles == ("noidapolice",) and desk.handle("noidapolice").checked_at is None


def test_a_handle_x_says_is_gone_on_its_first_lookup_is_unavailable(desk):
    desk.source.suspend("hapurpolice", "Not Found Error: Could not find user with id: [id-hapurpolice].")
    report = desk.poll()
    assert {h.handle: h.outcome for h in report.handles}["hapurpolice"] == "unavailable"
    assert report.metrics()["HandlesUnavailable"] == ("Count", 1)


def test_x_s_errors_about_other_accounts_are_counted_and_the_page_recorded(desk):
    class Partial(FakeSource):
        def pages(self, user_id, since_id, start_time=None):
            for page in super().pages(user_id, since_id, start_time):
                yield replace(page, partial_errors=len(page.mentions))

    desk.source = Partial()
    desk.source.add("lucknowpolice", mention(501, "Aliganj me chori", "lucknowpolice", named=False))
    report = desk.poll()
    assert len(report.created) == 1 and report.x_partial_errors == 1
    assert report.metrics()["XApiPartialErrors"] == ("Count", 1) and report.as_dict()["x_partial_errors"] == 1
    assert isinstance(Page([], None).partial_errors, int)
