"""The chaos suite's invariants on hand-made records: each one finds what it is meant to find, and passes a
desk that kept it."""

from devtools.chaos import invariants

AT = "2026-12-01T10:00:00.000Z"


def post(key, tweet_id, op="post", parent=None, tagged=("lucknowpol",), at=AT):
    return {"key": key, "op": op, "id": tweet_id, "parent": parent, "created_at": at, "tagged": list(tagged)}


def complaint(ref, tweet_id, status="new", alert="sent", replies=None, district="162", department="police",
              urgent=False, breached=False):
    is_open = status in ("new", "acknowledged", "in_progress", "transferred", "reopened")
    return {"ref": ref, "tweet_id": tweet_id, "status": status, "open": is_open, "takes_follow_ups": is_open,
            "district": district, "department": department, "urgent": urgent, "breached": breached,
            "alert": {"state": alert, "event": "new_complaint", "level": "L1"}, "replies": replies or {}}


POSTED = [post("a", "100"), post("b", "200"), post("fa", "300", "follow_up", "a"), post("ea", "400", "edit", "a"),
          post("rt", "500", "retweet", "b", tagged=())]
GOOD = [complaint("UP-LKO-26-000001", "100"), complaint("UP-LKO-26-000002", "200")]
GUARDS = {"100": "UP-LKO-26-000001", "200": "UP-LKO-26-000002", "300": "UP-LKO-26-000001", "400": "UP-LKO-26-000001"}


def test_a_desk_that_recorded_everything_once_passes():
    checks = invariants.recording(POSTED, GOOD, GUARDS, {}, [])
    assert all(c["ok"] for c in checks.values()), checks


def test_a_post_never_recorded_is_lost_and_a_cursor_past_it_is_named():
    guards = {k: v for k, v in GUARDS.items() if k != "200"}
    cursors = [{"handles": ["lucknowpol"], "since_id": "250"}, {"handles": ["agrapol"], "since_id": "900"}]
    checks = invariants.recording(POSTED, GOOD[:1], guards, {}, cursors)
    assert checks["lost"]["count"] == 1 and checks["lost"]["violations"][0]["tweet_id"] == "200"
    assert checks["cursor_past_unrecorded"]["violations"] == [{"tweet_id": "200", "cursor_groups": [["lucknowpol"]]}]


def test_a_post_in_a_reported_gap_is_not_lost_but_one_before_the_gap_is():
    guards = {k: v for k, v in GUARDS.items() if k not in ("100", "200", "300", "400")}
    gaps = {"lucknowpol": "800 or more mentions since 2026-12-01T09:00:00+00:00: the older ones are past ..."}
    early = [post("a", "100", at="2026-12-01T08:00:00.000Z"), post("b", "200")]
    checks = invariants.recording(early, [], guards, gaps, [])
    assert checks["lost"]["count"] == 1 and checks["lost"]["covered_by_gap"] == 1
    assert checks["lost"]["violations"][0]["tweet_id"] == "100"


def test_two_complaints_for_one_post_or_its_edit_are_doubled():
    edit_made_its_own = GOOD + [complaint("UP-LKO-26-000003", "400")]
    checks = invariants.recording(POSTED, edit_made_its_own, GUARDS | {"400": "UP-LKO-26-000003"}, {}, [])
    assert checks["doubled_complaints"]["count"] == 1
    assert set(checks["doubled_complaints"]["violations"][0]["complaints"]) == {"UP-LKO-26-000001", "UP-LKO-26-000003"}


def test_a_follow_up_split_into_a_complaint_of_its_own_is_doubled_unless_the_first_was_closed():
    split = GOOD + [complaint("UP-LKO-26-000003", "300")]
    guards = GUARDS | {"300": "UP-LKO-26-000003"}
    assert invariants.recording(POSTED, split, guards, {}, [])["doubled_complaints"]["count"] == 1
    closed = [complaint("UP-LKO-26-000001", "100", status="closed"), GOOD[1], split[2]]
    assert invariants.recording(POSTED, closed, guards, {}, [])["doubled_complaints"]["ok"]


def test_a_retweet_recorded_is_a_violation():
    checks = invariants.recording(POSTED, GOOD, GUARDS | {"500": "UP-LKO-26-000009"}, {}, [])
    assert checks["retweets_recorded"]["count"] == 1


def test_every_complaint_to_alert_is_alerted_and_duplicates_are_counted_with_their_rate():
    quiet = complaint("UP-HQ-26-000001", "600", status="not_actionable", alert="not_needed")
    alerts = [{"queue": "lucknow-police", "ref": "UP-LKO-26-000001", "event": "new_complaint", "level": "L1"}] * 2
    checks = invariants.alerted(GOOD + [quiet], alerts)
    assert [v["ref"] for v in checks["alerted"]["violations"]] == ["UP-LKO-26-000002"]
    assert checks["duplicate_alerts"]["count"] == 1 and checks["duplicate_alerts"]["rate"] == 1.0
    assert not checks["duplicate_alerts"]["ok"]
    many = [{"queue": "q", "ref": f"UP-LKO-26-{i:06d}", "event": "new_complaint", "level": "L1"} for i in range(200)]
    assert invariants.alerted([], many + many[:1])["duplicate_alerts"]["ok"]  # 1 in 200: under 1%


def test_a_reply_posted_twice_or_marked_sent_but_never_posted_is_found():
    replies = {"acknowledged": {"status": "sent", "text": "Noted: UP-LKO-26-000001", "post_id": "9001", "from": "x"}}
    c = [complaint("UP-LKO-26-000001", "100", replies=replies)]
    twice = [{"id": "9001", "text": "Noted: UP-LKO-26-000001", "replied_to": "100"},
             {"id": "9002", "text": "Noted: UP-LKO-26-000001", "replied_to": "100"},
             {"id": "9003", "text": "something else", "replied_to": "100"}]
    checks = invariants.replied(c, twice)
    assert checks["doubled_replies"]["count"] == 1
    assert checks["posts_unexplained"]["violations"] == [{"post_id": "9003", "replied_to": "100"}]
    assert invariants.replied(c, [])["replies_marked_sent_not_posted"]["count"] == 1
    assert all(v["ok"] for v in invariants.replied(c, twice[:1]).values())


def test_what_still_waits_is_stuck_but_a_blocked_reply_is_only_listed():
    waiting = {"acknowledged": {"status": "pending", "text": "t", "post_id": None, "from": None}}
    blocked = {"acknowledged": {"status": "blocked", "text": "t", "post_id": None, "from": None}}
    c = [complaint("UP-LKO-26-000001", "100", alert="pending"), complaint("UP-LKO-26-000002", "200", replies=waiting),
         complaint("UP-LKO-26-000003", "300", replies=blocked)]
    stuck = invariants.pending(c, {"mentions": 3, "dead_letter": 1})
    assert stuck["count"] == 5 and stuck["blocked_replies"] == 1 and stuck["dead_letter"] == 1
    assert invariants.pending(c[2:], {"mentions": 0})["ok"]


def test_counters_must_equal_a_recount():
    c = [complaint("UP-LKO-26-000001", "100", urgent=True), complaint("UP-AGR-26-000001", "200", district="118",
                                                                   status="not_actionable", breached=True)]
    right = {"STATE": {"complaints": 2, "status:new": 1, "status:not_actionable": 1, "open": 1, "urgent": 1},
             "D#162": {"complaints": 1, "status:new": 1, "open": 1},
             "D#118": {"complaints": 1, "status:not_actionable": 1},
             "P#police": {"complaints": 2, "status:new": 1, "status:not_actionable": 1, "open": 1}}
    assert invariants.counters(c, right)["ok"]
    wrong = right | {"D#162": {"complaints": 2, "status:new": 1, "open": 1, "status:closed": 1}}
    found = invariants.counters(c, wrong)
    assert {(v["counter"], v["stored"], v["recount"]) for v in found["violations"]} == {("complaints", 2, 1),
                                                                                      ("status:closed", 1, 0)}


def test_reference_gaps_are_explained_by_runs_or_kills_and_a_number_past_its_counter_is_not():
    c = [complaint("UP-LKO-26-000001", "100"), complaint("UP-LKO-26-000004", "200")]
    assert invariants.references(c, {"LKO-2026": 4}, explained=2, killed_recorders=0)["ok"]
    by_kills = invariants.references(c, {"LKO-2026": 6}, explained=2, killed_recorders=3)
    assert by_kills["ok"] and by_kills["left_to_killed_runs"] == 2
    assert not invariants.references(c, {"LKO-2026": 6}, explained=2, killed_recorders=0)["ok"]
    assert not invariants.references(c, {"LKO-2026": 3}, explained=9, killed_recorders=0)["ok"]


def test_a_post_recorded_only_as_its_edit_is_not_lost():
    # The edit joined the citizen's thread before the first version was read: X shows only the latest version.
    guards = {k: v for k, v in GUARDS.items() if k != "100"}
    checks = invariants.recording(POSTED, GOOD, guards, {}, [])
    assert checks["lost"]["ok"] and checks["lost"]["recorded_as_their_edit"] == 1
