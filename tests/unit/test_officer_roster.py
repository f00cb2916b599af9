"""The officers' roster (services/officers.py): checked row by row, all or nothing, with a dry run."""

from dataclasses import replace

from chalicelib.adapters.cognito_pool import Account
from chalicelib.services import officers

HEADER = "email,name,role,districts,departments\n"


class FakePool:
    """The pool's account calls, in memory (the real one is driven on the local stack by the admin command)."""

    def __init__(self, *accounts: Account):
        self.accounts = {a.email: a for a in accounts}
        self.invited, self.changed = [], []

    def account(self, email):
        return self.accounts.get(email)

    def invite(self, account, temporary_password=None):
        self.invited.append(account)
        self.accounts[account.email] = replace(account, status="FORCE_CHANGE_PASSWORD")

    def change(self, account):
        self.changed.append(account)
        self.accounts[account.email] = account


def test_a_roster_invites_new_officers_changes_known_ones_and_leaves_the_rest():
    known = Account("dm.lucknow@up.gov.in", "officer", (162,), (), "DM Lucknow", status="CONFIRMED")
    same = Account("ssp.noida@up.gov.in", "officer", (144,), ("police",), "SSP Noida", status="CONFIRMED")
    pool = FakePool(known, same)
    text = HEADER + ("SHO.Hazratganj@UP.gov.in,SHO Hazratganj,officer,162,police\n"
                     "dm.lucknow@up.gov.in,DM Lucknow,officer,162;164,\n"
                     "ssp.noida@up.gov.in,SSP Noida,officer,144,police\n"
                     "state.cell@up.gov.in,State cell,admin,,\n")
    plan = officers.import_roster(pool, text, dry_run=False)
    assert plan.written and not plan.errors
    assert [a.email for a in plan.added] == ["sho.hazratganj@up.gov.in", "state.cell@up.gov.in"]
    assert pool.invited[0] == Account("sho.hazratganj@up.gov.in", "officer", (162,), ("police",), "SHO Hazratganj")
    assert [(b.districts, a.districts) for b, a in plan.changed] == [((162,), (162, 164))]
    assert [a.email for a in plan.unchanged] == ["ssp.noida@up.gov.in"]


def test_a_dry_run_writes_nothing():
    pool = FakePool()
    plan = officers.import_roster(pool, HEADER + "a@up.gov.in,A,officer,162,\n", dry_run=True)
    assert len(plan.added) == 1 and not plan.written and pool.invited == []


def test_one_bad_row_stops_the_whole_roster_and_every_problem_is_named():
    pool = FakePool()
    text = HEADER + ("good@up.gov.in,Good,officer,162,\n"
                     "not-an-email,X,officer,162,\n"
                     "wide@up.gov.in,Wide,officer,,\n"  # an officer with no scope would see everything
                     "boss@up.gov.in,Boss,superuser,,\n"
                     "far@up.gov.in,Far,officer,9999,\n"
                     "good@up.gov.in,Again,officer,162,\n")
    plan = officers.import_roster(pool, text, dry_run=False)
    assert not plan.written and pool.invited == []
    assert [e["row"] for e in plan.errors] == [3, 4, 5, 6, 7]
    messages = " ".join(e["message"] for e in plan.errors)
    for said in ("not an email address", "district or department", "role must be", "unknown districts", "appears twice"):
        assert said in messages


def test_a_roster_without_the_needed_columns_is_refused_at_once():
    plan = officers.import_roster(FakePool(), "name,districts\nA,162\n", dry_run=False)
    assert plan.errors == [{"row": 1, "message": "the header lacks email, role; columns: email, name, role, districts, departments"}]
