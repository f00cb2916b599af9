"""The handle registry port's contract, held against the in-memory fake and the DynamoDB adapter alike."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from chalicelib.domain.handles import WatchedHandle
from chalicelib.errors import HandleExists, NotFound
from tests.fakes import FakeHandleRegistry

AT = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
JAL = WatchedHandle("UPJalNigam", "department", "water", None, user_id="9001", start_at=AT,
                    owner_contact="jal.nigam@up.gov.in", added_at=AT)
HAPUR = WatchedHandle("hapurpolice", "district_police", "police", 661, start_at=AT, owner_contact="+919876543210")


@pytest.fixture(params=["fake", "dynamodb"])
def registry(request):
    if request.param == "fake":
        return FakeHandleRegistry()
    from chalicelib.adapters.dynamo import storage

    stack = request.getfixturevalue("stack")
    store = storage(stack.env["TABLE_NAME"], stack.client("dynamodb"))
    for h in store.registry.load().all():  # the local stack starts with the seed list: a clean slate here
        stack.client("dynamodb").delete_item(TableName=stack.env["TABLE_NAME"],
                                             Key={"pk": {"S": "REGISTRY"}, "sk": {"S": f"H#{h.key}"}})
    return store.registry


def test_an_added_handle_reads_back_exactly_with_every_field(registry):
    registry.add(JAL)
    registry.add(HAPUR)
    loaded = registry.load()
    assert loaded.get("upjalnigam") == JAL and loaded.get("HapurPolice") == HAPUR
    assert loaded.by_user_id("9001") == JAL
    assert [h.handle for h in loaded.all()] == ["hapurpolice", "UPJalNigam"]


def test_a_handle_is_added_once_whatever_its_case(registry):
    registry.add(JAL)
    with pytest.raises(HandleExists):
        registry.add(replace(JAL, handle="upjalnigam", department="other"))
    assert registry.load().get("UPJalNigam").department == "water"


def test_of_two_admins_adding_the_same_handle_at_once_one_wins(registry):
    def add(i):
        try:
            registry.add(replace(JAL, owner_contact=f"admin{i}@up.gov.in"))
            return True
        except HandleExists:
            return False

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(add, range(4)))
    assert results.count(True) == 1
    assert registry.load().get("UPJalNigam").owner_contact == f"admin{results.index(True)}@up.gov.in"


def test_a_change_writes_the_changeable_fields_and_keeps_the_rest(registry):
    registry.add(HAPUR)
    registry.change(HAPUR.changed(kind="department", department="transport", district=None, owner_contact=""))
    got = registry.load().get("hapurpolice")
    assert (got.kind, got.department, got.district, got.owner_contact) == ("department", "transport", None, "")
    assert got.start_at == AT and got.enabled
    with pytest.raises(NotFound):
        registry.change(JAL)


def test_a_disabled_handle_stays_in_the_registry_but_is_not_watched(registry):
    registry.add(JAL)
    registry.add(HAPUR)
    registry.set_enabled("@upjalnigam", False)
    loaded = registry.load()
    assert [h.handle for h in loaded] == ["hapurpolice"] and len(loaded.all()) == 2
    assert loaded.get("UPJalNigam").enabled is False
    registry.set_enabled("UPJalNigam", True)
    assert registry.load().get("UPJalNigam").enabled
    with pytest.raises(NotFound):
        registry.set_enabled("nobody", False)


def test_a_user_id_is_recorded_once_and_never_replaced_by_another(registry):
    registry.add(HAPUR)
    assert registry.record_user_id("hapurpolice", "661001")
    assert registry.record_user_id("hapurpolice", "661001")  # the same again: a retried poll
    assert not registry.record_user_id("hapurpolice", "999")
    assert not registry.record_user_id("nobody", "1")
    assert registry.load().get("hapurpolice").user_id == "661001"


def test_a_renamed_account_keeps_its_entry_under_the_new_name(registry):
    registry.add(JAL)
    assert registry.rename(JAL, "UPJalBoard")
    loaded = registry.load()
    assert loaded.get("UPJalNigam") is None
    assert loaded.get("upjalboard") == replace(JAL, handle="UPJalBoard") == loaded.by_user_id("9001")
    assert registry.rename(loaded.get("upjalboard"), "upjalboard")  # only the case changed
    assert registry.load().get("UPJALBOARD").handle == "upjalboard"


def test_a_rename_is_refused_when_the_entry_changed_or_the_new_name_is_taken(registry):
    registry.add(JAL)
    registry.add(replace(HAPUR, user_id="661001"))
    assert not registry.rename(replace(JAL, user_id="other"), "UPJalBoard")  # not the account it holds now
    assert not registry.rename(JAL, "HapurPolice")  # another entry has that name
    assert not registry.rename(replace(JAL, handle="gone"), "UPJalBoard")
    assert {h.handle for h in registry.load().all()} == {"UPJalNigam", "hapurpolice"}


def test_a_rename_keeps_what_an_admin_changed_after_the_poll_read_the_entry(registry):
    registry.add(JAL)
    registry.change(JAL.changed(owner_contact="+919876543210"))
    registry.set_enabled("UPJalNigam", False)
    assert registry.rename(JAL, "UPJalBoard")  # JAL as the poll read it, before the change
    moved = registry.load().get("UPJalBoard")
    assert (moved.owner_contact, moved.enabled, moved.user_id) == ("+919876543210", False, "9001")
