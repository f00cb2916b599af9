"""The registry of watched handles: entries validated naming the bad field, the admin use cases and the
CSV import against in-memory fakes, and what the poll does with start times, user ids and renames."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.handles import Registry, RegistryError, WatchedHandle, load_registry
from chalicelib.errors import BadRequest, HandleExists, NotFound, UnknownOnX, XUnavailable
from chalicelib.services import handles
from chalicelib.services.poll import poll
from chalicelib.services.tokens import UserTokens
from tests.fakes import (POLICIES, FakeAlerts, FakeCipher, FakeClock, FakeDesk, FakeOps, FakeReplies, FakeSource, FakeX,
                         RateLimited, mention)

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
GOOD = {"handle": "UPJalNigam", "kind": "department", "department": "water", "district": None}


# --- the domain ----------------------------------------------------------------------------------

@pytest.mark.parametrize("bad, field", [
    ({"handle": "UP Jal Nigam"}, "handle"),
    ({"handle": "a_handle_far_too_long"}, "handle"),
    ({"handle": ""}, "handle"),
    ({"kind": "zone"}, "kind"),
    ({"department": "fire"}, "department"),
    ({"district": 999}, "district"),
    ({"district": True}, "district"),
    ({"kind": "district_police", "department": "police"}, "district"),
    ({"owner_contact": "jal nigam office"}, "owner_contact"),
    ({"owner_contact": "+1 555 0100 200"}, "owner_contact"),
    ({"owner_contact": "+91 12345 67890"}, "owner_contact"),  # not a mobile: those start 6-9
    ({"start_at": datetime(2026, 12, 1, 9, 0)}, "start_at"),  # no time zone
])
def test_a_bad_entry_is_refused_naming_its_field(bad, field):
    with pytest.raises(RegistryError) as refused:
        WatchedHandle(**(GOOD | bad))
    assert refused.value.field == field and isinstance(refused.value, BadRequest)


def test_contacts_are_kept_in_one_form_and_the_at_sign_is_dropped():
    h = WatchedHandle(**(GOOD | {"handle": "@UPJalNigam", "owner_contact": " +91 98765-43210 "}))
    assert (h.handle, h.owner_contact) == ("UPJalNigam", "+919876543210")
    assert WatchedHandle(**(GOOD | {"owner_contact": "jal.nigam@up.gov.in"})).owner_contact == "jal.nigam@up.gov.in"


def test_the_registry_finds_any_entry_by_name_or_account_and_watches_the_enabled_ones():
    on = WatchedHandle(**GOOD, user_id="11")
    off = WatchedHandle("hapurpolice", "district_police", "police", 661, user_id="22", enabled=False)
    registry = Registry([on, off])
    assert [h.handle for h in registry] == ["UPJalNigam"] and len(registry) == 1
    assert registry.all() == [on, off]
    assert registry.get("@HAPURPOLICE") is off and registry.by_user_id("22") is off and registry.by_user_id("3") is None
    assert registry.watched(["hapurpolice", "upjalnigam", "UPJALNIGAM"]) == [on]
    assert Registry([on, replace(off, user_id="11")]).by_user_id("11") is on  # one account twice: still loads


def test_a_change_is_validated_and_only_the_changeable_fields_change():
    h = WatchedHandle(**GOOD, user_id="11", start_at=NOW)
    assert h.changed(district=162).differs(h) == {"district": (162, None)}
    with pytest.raises(RegistryError) as refused:
        h.changed(kind="district_police")
    assert refused.value.field == "district"
    with pytest.raises(RegistryError):
        h.changed(start_at=NOW + timedelta(days=1))


# --- the admin use cases -------------------------------------------------------------------------

@pytest.fixture
def desk():
    store, source = FakeDesk(), FakeSource()
    return store, source, FakeClock(NOW)


def test_a_new_handle_is_checked_on_x_and_starts_now(desk):
    store, source, clock = desk
    added = handles.add(store, source, clock, "@UPJalNigam", "department", "water", owner_contact="jal@up.gov.in")
    assert added["user_id"] == "id-upjalnigam" and added["start_at"] == NOW.isoformat() and added["enabled"]
    assert store.registry.load().get("upjalnigam").added_at == NOW
    with pytest.raises(HandleExists):
        handles.add(store, source, clock, "upjalnigam", "department", "water")
    source.users["upjalboard"] = "id-upjalnigam"  # the same account under another name
    with pytest.raises(HandleExists, match="registered as @UPJalNigam"):
        handles.add(store, source, clock, "UPJalBoard", "department", "water")


def test_a_handle_x_does_not_know_or_cannot_confirm_is_not_added(desk):
    store, source, clock = desk
    source.unknown.add("upjalnigam")
    with pytest.raises(UnknownOnX, match="no account @UPJalNigam"):
        handles.add(store, source, clock, "UPJalNigam", "department", "water")
    source.resolve_user_id = lambda handle: (_ for _ in ()).throw(RateLimited(None))
    with pytest.raises(XUnavailable):
        handles.add(store, source, clock, "UPPCLLKO", "department", "electricity")
    assert store.registry.load().all() == []


def test_change_disable_and_enable(desk):
    store, source, clock = desk
    handles.add(store, source, clock, "hapurpolice", "district_police", "police", 661)
    assert handles.change(store, "HapurPolice", department="transport", owner_contact="+919876543210")["department"] == "transport"
    assert handles.set_enabled(store, "hapurpolice", False)["enabled"] is False
    assert list(store.registry.load()) == [] and len(store.registry.load().all()) == 1
    assert handles.set_enabled(store, "hapurpolice", True)["enabled"] is True
    with pytest.raises(NotFound):
        handles.change(store, "nobody", kind="state")


# --- importing a CSV -----------------------------------------------------------------------------

HEADER = "handle,kind,department,district,owner_contact,start_at\n"


def test_a_dry_run_says_what_would_be_added_changed_and_left_and_writes_nothing(desk):
    store, source, clock = desk
    handles.add(store, source, clock, "hapurpolice", "district_police", "police", 661)
    handles.add(store, source, clock, "noidapolice", "district_police", "police", 144)
    text = (HEADER + "UPJalNigam,department,water,,jal@up.gov.in,2026-12-01T09:00+05:30\n"
            "HapurPolice,district_police,police,661,+919876543210,\n"
            "\n"
            "noidapolice,district_police,police,144,,\n")
    plan = handles.import_csv(store, source, clock, text, dry_run=True)
    answer = handles.imported(plan)
    assert [h["handle"] for h in answer["added"]] == ["UPJalNigam"]
    assert answer["added"][0]["start_at"] == "2026-12-01T09:00:00+05:30"
    assert answer["changed"] == [{"handle": "hapurpolice", "changes": {"owner_contact": {"from": "", "to": "+919876543210"}}}]
    assert answer["unchanged"] == ["noidapolice"] and answer["errors"] == [] and not answer["written"]
    assert store.registry.load().get("upjalnigam") is None

    done = handles.imported(handles.import_csv(store, source, clock, text))
    assert done["written"]
    assert store.registry.load().get("upjalnigam").user_id == "id-upjalnigam"
    assert store.registry.load().get("hapurpolice").owner_contact == "+919876543210"


def test_one_bad_row_writes_nothing_and_every_bad_row_and_field_is_named(desk):
    store, source, clock = desk
    source.unknown.add("ghosthandle")
    text = (HEADER + "UPJalNigam,department,water,,jal@up.gov.in,\n"
            "hapurpolice,district_police,police,9999,,\n"
            "ghosthandle,state,police,,,\n"
            "upjalnigam,department,water,,,\n"
            "UPPCLLKO,department,electricity,lucknow,,\n"
            "UPSRTCHQ,department,transport,,,yesterday\n")
    plan = handles.import_csv(store, source, clock, text, dry_run=True)
    assert [(e["row"], e["field"]) for e in plan.errors] == [
        (3, "district"), (4, "handle"), (5, "handle"), (6, "district"), (7, "start_at")]
    assert [h.handle for h in plan.added] == ["UPJalNigam"]
    with pytest.raises(BadRequest, match=r"nothing imported: row 3, district: .*9999.*; row 4, handle: X has no account"):
        handles.imported(handles.import_csv(store, source, clock, text))
    assert store.registry.load().all() == []


@pytest.mark.parametrize("text, field", [
    ("handle,kind,department,district\nx,state,police,\n", "owner_contact"),
    ("handle,kind,dept,district,owner_contact\n", "department"),
    (HEADER, None),
    (HEADER + "x,state,police,,,,extra\n", None),
])
def test_a_file_of_the_wrong_shape_is_refused(desk, text, field):
    store, source, clock = desk
    plan = handles.import_csv(store, source, clock, text)
    [error] = plan.errors
    assert error["field"] == field and not plan.written


# --- the poll and the registry -------------------------------------------------------------------

def polled(registry, source, store, clock):
    return poll(registry, source, store, FakeAlerts(), FakeReplies(), clock, POLICIES)


def test_a_new_handle_fetches_only_from_its_start_and_then_by_cursor(desk):
    store, source, clock = desk
    start = NOW - timedelta(minutes=30)
    jal = WatchedHandle(**GOOD, start_at=start)
    store.registry.add(jal)
    source.add("UPJalNigam", mention(101, "Aliganj Lucknow me paani nahi", "UPJalNigam", at=start - timedelta(hours=1)),
               mention(202, "Gomti Nagar Lucknow me paani nahi", "UPJalNigam", at=start + timedelta(minutes=1)))
    report = polled(store.registry.load(), source, store, clock)
    assert [h.fetched for h in report.handles] == [1]
    assert source.calls == [("id-upjalnigam", None, start)]
    assert store.registry.load().get("UPJalNigam").user_id == "id-upjalnigam"  # found once, kept
    polled(store.registry.load(), source, store, clock)
    assert source.calls[-1] == ("id-upjalnigam", "202")


def test_a_handle_whose_start_is_still_ahead_is_not_polled_yet(desk):
    store, source, clock = desk
    store.registry.add(WatchedHandle(**GOOD, start_at=NOW + timedelta(hours=1)))
    assert polled(store.registry.load(), source, store, clock).handles == [] and source.calls == []
    clock.advance(hours=1)
    assert [h.outcome for h in polled(store.registry.load(), source, store, clock).handles] == ["ok"]


def test_a_renamed_account_is_followed_by_its_user_id_and_its_new_name_recorded(desk):
    store, source, clock = desk
    store.registry.add(WatchedHandle(**GOOD, user_id="id-upjalnigam", start_at=NOW - timedelta(days=1)))
    source.add("UPJalNigam")
    source.rename("UPJalNigam", "UPJalBoard")
    source.add("UPJalBoard", mention(301, "Hazratganj Lucknow me paani nahi aa raha", "UPJalBoard"))
    report = polled(store.registry.load(), source, store, clock)
    registry = store.registry.load()
    assert registry.get("upjalnigam") is None and registry.get("upjalboard").user_id == "id-upjalnigam"
    assert [h.handle for h in report.handles] == ["UPJalBoard"]
    assert store.complaints.complaints[report.created[0]].handles == ("UPJalBoard",)
    assert store.handles.states(["upjalboard"])["upjalboard"].since_id == "301"


def test_a_handle_renamed_on_x_keeps_its_grant_and_goes_on_replying(desk):
    store, source, clock = desk
    store.registry.add(WatchedHandle(**GOOD, user_id="id-upjalnigam", start_at=NOW - timedelta(days=1)))
    store.grants.authorise("UPJalNigam", at=NOW)
    source.add("UPJalNigam")
    source.rename("UPJalNigam", "UPJalBoard")
    source.add("UPJalBoard", mention(301, "Hazratganj Lucknow me paani nahi aa raha", "UPJalBoard"))
    replies = FakeReplies()
    report = poll(store.registry.load(), source, store, FakeAlerts(), replies, clock, POLICIES)
    assert report.sent.replies_sent == 1 and replies.senders == ["UPJalBoard"]
    assert store.grants.states()["upjalboard"].user_id == "id-upjalnigam" and "upjalnigam" not in store.grants.states()
    tokens = UserTokens(store.grants, FakeCipher(), FakeX(), FakeOps(), clock)
    assert tokens.access_token("UPJalBoard") == "access-upjalnigam-1"  # the grant sealed before the rename
    tokens.revoked("UPJalBoard", "X refused a token just refreshed")
    assert store.grants.states()["upjalboard"].state == "needs_authorisation" and "upjalnigam" not in store.grants.states()


def test_the_seed_list_loads_without_accounts_start_times_or_owners():
    seed = load_registry()
    assert len(seed) == len(seed.all()) > 20
    assert all(h.user_id is None and h.start_at is None and h.enabled for h in seed.all())
