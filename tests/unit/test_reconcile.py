"""The search reconciler against in-memory fakes: groups, cursors, the indexing delay, regrouping,
what it catches, backfill after a long outage and gaps."""

import math
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.handles import Registry, WatchedHandle, load_registry
from chalicelib.domain.search_groups import QUERY_LIMIT, pack
from chalicelib.services.reconcile import INDEX_DELAY, reconcile
from chalicelib.services.status import status
from tests.fakes import (POLICIES, FakeAlerts, FakeClock, FakeDesk, FakeOps, FakeReplies, FakeSource, FakeXBudget,
                         SourceUnavailable, mention)

REGISTRY = load_registry()
T0 = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)


def many(n: int, start_at=None) -> list[WatchedHandle]:
    return [WatchedHandle(f"h{i:04d}_xxxxxxxxx", "department", "other", None, start_at=start_at) for i in range(n)]


class Desk:
    def __init__(self, registry=REGISTRY):
        self.registry = registry
        self.source, self.store, self.alerts, self.clock = FakeSource(), FakeDesk(), FakeAlerts(), FakeClock(T0)
        self.ops, self.replies = FakeOps(), FakeReplies()
        self.store.grants.authorise(*(h.handle for h in registry))

    def run(self):
        return reconcile(self.registry, self.source, self.source, self.store, self.alerts, self.replies, self.ops,
                         self.clock, POLICIES, timeline_cap=self.source.cap or 800)

    def post(self, tweet_id: int, handle: str, ago: timedelta, text="Gomti Nagar me chain snatching hui"):
        self.source.add(handle, mention(tweet_id, text, handle, at=self.clock() - ago))

    def recorded(self, tweet_id: int) -> bool:
        return self.store.complaints.recorded(str(tweet_id)) is not None


@pytest.fixture
def desk():
    return Desk()


def test_handles_pack_into_queries_under_512_characters_each_once_with_stable_ids():
    handles = many(250)
    groups = pack(handles)
    assert all(len(g.query) < QUERY_LIMIT for g in groups) and len(groups) >= 10
    assert sorted(k for g in groups for k in g.handles) == sorted(h.key for h in handles)
    assert [g.id for g in pack(reversed(handles))] == [g.id for g in groups]
    # A handle added at the end leaves every group before the last one as it was.
    grown = pack([*handles, WatchedHandle("zz_new", "department", "other", None)])
    assert [g.id for g in grown[: len(groups) - 1]] == [g.id for g in groups[:-1]]
    assert groups[0].query.startswith("(@h0000_xxxxxxxxx OR @h0001_xxxxxxxxx") and groups[0].query.endswith(") -is:retweet")


def test_a_post_search_finds_is_one_complaint_counted_as_caught(desk):
    desk.post(101, "lucknowpolice", timedelta(minutes=2))
    report = desk.run()
    assert report.created == ["UP-LKO-26-000001"] and report.caught == 1
    assert report.metrics()["SearchCaught"] == ("Count", 1)
    again = desk.run()
    assert again.created == [] and again.caught == 0
    shown = status(desk.store, desk.registry, desk.clock)["ingestion"]["search"]
    assert shown["caught"] == 1 and shown["last_success_at"] == T0.isoformat()
    assert [s[1] for s in desk.source.searches[-len(pack(REGISTRY)):]].count("101") == 1  # the cursor moved to it


def test_a_post_another_path_recorded_is_not_caught(desk):
    desk.post(101, "lucknowpolice", timedelta(minutes=2))
    from chalicelib.services.poll import poll

    poll(Registry([REGISTRY.get("lucknowpolice")]), desk.source, desk.store, desk.alerts, desk.replies, desk.clock,
         POLICIES)
    report = desk.run()
    assert report.created == [] and report.caught == 0 and report.metrics()["SearchCaught"] == ("Count", 0)


def test_paging_reaches_the_end_before_the_cursor_moves(desk):
    desk.source.page_size = 2
    for i in range(5):
        desk.post(201 + i, "lucknowpolice", timedelta(minutes=3))
    # The second page of the group holding @lucknowpolice (each group before it reads one empty page).
    before = next(i for i, g in enumerate(pack(REGISTRY)) if "lucknowpolice" in g.handles)
    desk.source.search_faults = [None] * before + [None, SourceUnavailable("X answered 503")]
    failed = desk.run()
    [broken] = [g for g in failed.groups if g.outcome == "error"]
    assert broken.group not in desk.store.searches.cursors  # what was read is recorded, the cursor stays
    assert len(failed.created) == 2
    desk.clock.advance(minutes=1)
    later = desk.run()
    assert len(later.created) == 3 and all(desk.recorded(201 + i) for i in range(5))
    assert desk.store.searches.cursors[broken.group].since_id == "205"


def test_a_post_younger_than_the_indexing_delay_is_read_the_next_minute(desk):
    desk.post(301, "lucknowpolice", timedelta(minutes=1))
    desk.post(302, "lucknowpolice", INDEX_DELAY - timedelta(seconds=10))
    first = desk.run()
    assert desk.recorded(301) and not desk.recorded(302) and first.caught == 1
    assert all(s[3] == (T0 - INDEX_DELAY) for s in desk.source.searches)
    desk.clock.advance(minutes=1)
    desk.run()
    assert desk.recorded(302)


def test_regrouping_after_a_registry_change_loses_nothing():
    desk = Desk(Registry(many(60)))
    desk.run()
    before = set(desk.store.searches.cursors)
    for i, h in enumerate(desk.registry):  # posted between the runs, for every handle
        desk.post(1000 + i, h.handle, timedelta(seconds=-20))
    desk.clock.advance(minutes=1)
    added = WatchedHandle("h0000_aaaaaaaaa", "department", "other", None, start_at=desk.clock() - timedelta(minutes=5))
    desk.registry = Registry([*desk.registry, added])
    desk.run()
    assert all(desk.recorded(1000 + i) for i in range(60))
    # Each new group started where the old ones had read to (the new handle's from its start), not further back.
    assert {s[2] for s in desk.source.searches[-len(pack(desk.registry)):]} == {T0 - INDEX_DELAY, added.start_at}
    after = set(desk.store.searches.cursors)
    assert after == {g.id for g in pack(desk.registry)} and not after & before  # old cursors dropped once taken over


def test_a_new_handle_goes_live_at_its_start_never_older_mentions():
    start = T0 - timedelta(minutes=5)
    desk = Desk(Registry([WatchedHandle("noidapolice", "district_police", "police", 140, start_at=start)]))
    desk.post(401, "noidapolice", timedelta(minutes=10))
    desk.post(402, "noidapolice", timedelta(minutes=2))
    report = desk.run()
    assert desk.recorded(402) and not desk.recorded(401) and report.backfilled == []
    assert {s[2] for s in desk.source.searches} == {start}


def test_after_an_eight_day_outage_the_timelines_fill_in_what_search_no_longer_reaches(desk):
    desk.run()
    desk.post(501, "lucknowpolice", timedelta(days=-1))  # a day into the outage: past search's reach by its end
    desk.post(502, "noidapolice", timedelta(days=-7, hours=-12))  # within it
    desk.clock.advance(days=8)
    report = desk.run()
    assert desk.recorded(501) and desk.recorded(502)
    assert "lucknowpolice" in report.backfilled and report.gaps == [] and not desk.ops.told
    assert all(g.outcome == "ok" for g in report.groups)
    desk.clock.advance(minutes=1)
    assert desk.run().backfilled == []  # the cursors moved past the outage


def test_a_gap_past_the_timelines_reach_is_recorded_shown_and_told_once(desk):
    desk.run()
    desk.source.cap = 3
    for i in range(5):
        desk.post(601 + i, "lucknowpolice", timedelta(days=-1))
    desk.clock.advance(days=8)
    desk.source.fail("noidapolice", SourceUnavailable("X answered 503"))  # its group backfills again next run
    first = desk.run()
    assert first.gaps == ["lucknowpolice"] and len(desk.ops.told) == 1 and "lucknowpolice" in desk.ops.told[0][0]
    assert "backfilling" in {g.outcome for g in first.groups}
    desk.clock.advance(minutes=1)
    second = desk.run()
    assert all(g.outcome == "ok" for g in second.groups) and len(desk.ops.told) == 1
    shown = {h["handle"]: h for h in status(desk.store, desk.registry, desk.clock)["handles"]}
    assert "3 or more mentions since" in shown["lucknowpolice"]["gap"] and "cannot be read" in shown["lucknowpolice"]["gap"]
    assert shown["noidapolice"]["gap"] is None


def test_a_post_of_two_groups_not_recorded_holds_both_cursors():
    desk = Desk(Registry(many(60)))
    first, last = desk.registry.all()[0], desk.registry.all()[-1]
    both = mention(701, "Do thanon ki seema par jhagda", first.handle, last.handle, at=T0 - timedelta(minutes=2))
    desk.source.add(first.handle, both)
    desk.source.add(last.handle, both)
    desk.store.complaints.fail_on("701")
    failed = desk.run()
    held = {g.group for g in failed.groups if g.outcome == "error"}
    assert len(held) == 2 and not held & set(desk.store.searches.cursors)
    desk.store.complaints.fail_on()
    desk.clock.advance(minutes=1)
    assert len(desk.run().created) == 1 and held <= set(desk.store.searches.cursors)


def test_an_idle_minute_rewrites_no_cursor_until_an_hour_has_passed(desk):
    desk.post(801, "lucknowpolice", timedelta(minutes=2))
    desk.run()
    writes = desk.store.searches.writes
    desk.clock.advance(minutes=1)
    desk.run()
    assert desk.store.searches.writes == writes
    desk.clock.advance(hours=1)
    desk.run()
    assert desk.store.searches.writes == writes + len(pack(REGISTRY))


def test_when_x_allows_a_few_searches_a_minute_the_groups_take_turns_and_none_starves():
    desk = Desk(Registry(many(250)))
    groups = {g.id for g in pack(desk.registry)}
    budget, searched, share = FakeXBudget(), set(), 3
    for run in range(math.ceil(len(groups) / share)):
        # X's search window has 3 calls a minute left for the rest of it (15 calls, 5 minutes)
        budget.observe("search", 5 * share, desk.clock() + timedelta(minutes=5), 450)
        report = reconcile(desk.registry, desk.source, desk.source, desk.store, desk.alerts, desk.replies, desk.ops,
                           desk.clock, POLICIES, budget=budget)
        now_searched = {g.group for g in report.groups if g.outcome == "ok"}
        assert len(now_searched) == share
        assert {g.outcome for g in report.groups if g.group not in now_searched} == {"deferred"}
        searched |= now_searched
        desk.clock.advance(minutes=1)
    assert searched == groups


def test_a_run_that_backfilled_reports_its_sends_added_up_and_posting_as_it_is(desk):
    # chaos (burst_outage): after an outage the report said posting "onon" (the backfill's text added to the run's).
    desk.run()
    desk.post(511, "lucknowpolice", timedelta(days=-1))
    desk.clock.advance(days=8)
    report = desk.run()
    assert "lucknowpolice" in report.backfilled and desk.recorded(511)
    assert report.as_dict()["posting"] == "on" and report.sent.alerts_sent == 1
