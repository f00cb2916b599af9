"""The roster import's plan against the topic's subscriptions (an in-memory stand-in for SNS's)."""

from chalicelib.domain.coverage import Subscription
from chalicelib.services.roster import import_roster, report


class FakeSubscriptions:
    def __init__(self, *subscriptions: Subscription):
        self.held = list(subscriptions)
        self.done: list[tuple] = []

    def read(self):
        return list(self.held)

    def subscribe(self, protocol, endpoint, policy):
        self.done.append(("subscribe", endpoint, policy))
        return "PendingConfirmation"

    def change_policy(self, arn, policy):
        self.done.append(("change", arn, policy))

    def unsubscribe(self, arn):
        self.done.append(("unsubscribe", arn))


HEADER = "name,district,department,level,protocol,endpoint\n"
LKO_L1 = {"district": ["162"], "department": ["police"], "level": ["L1"]}


def test_a_dry_run_plans_and_writes_nothing_and_the_import_does_what_it_planned():
    sns = FakeSubscriptions(
        Subscription("arn:aws:sns:x:1:alerts:a", "email", "sho@up.gov.in", LKO_L1),
        Subscription("arn:aws:sns:x:1:alerts:b", "email", "old@up.gov.in", {"district": ["162"]}),
        Subscription("arn:aws:sns:x:1:alerts:c", "email", "gone@up.gov.in", {"level": ["L3"]}),
        Subscription("arn:aws:sns:x:1:alerts:q", "sqs", "arn:aws:sqs:x:1:q", None))
    roster = HEADER + ("SHO,162,police,L1,email,sho@up.gov.in\n"
                       "SSP,162,,L2,email,old@up.gov.in\n"
                       "New,186,water,L1,email,new@up.gov.in\n")
    plan = import_roster(sns, roster, dry_run=True)
    assert (list(plan.subscribe), plan.unchanged) == ([("email", "new@up.gov.in")], [("email", "sho@up.gov.in")])
    assert plan.change == {("email", "old@up.gov.in"): ("arn:aws:sns:x:1:alerts:b", {"district": ["162"], "level": ["L2"]})}
    assert [s.endpoint for s in plan.not_in_roster] == ["gone@up.gov.in"]  # the queue is not the roster's
    assert sns.done == [] and "Would subscribe 1" in report(plan)

    import_roster(sns, roster, dry_run=False, prune=True)
    assert sns.done == [("subscribe", "new@up.gov.in", {"district": ["186"], "department": ["water"], "level": ["L1"]}),
                        ("change", "arn:aws:sns:x:1:alerts:b", {"district": ["162"], "level": ["L2"]}),
                        ("unsubscribe", "arn:aws:sns:x:1:alerts:c")]


def test_bad_rows_are_each_named_and_nothing_is_written():
    sns = FakeSubscriptions()
    plan = import_roster(sns, HEADER + ("A,999,police,L1,email,a@up.gov.in\n"
                                        "B,162,pets,L1,email,b@up.gov.in\n"
                                        "C,162,police,L4,email,c@up.gov.in\n"
                                        "D,162,police,L1,fax,d@up.gov.in\n"
                                        "E,162,police,L1,sms,9454400001\n"
                                        "F,162,police,L1,email,not-an-address\n"), dry_run=False)
    assert [e.split(":")[0] for e in plan.errors] == [f"row {n}" for n in range(2, 8)]
    assert sns.done == [] and "nothing was written" in report(plan)
    assert import_roster(sns, "name,level\nX,L1\n", dry_run=True).errors[0].startswith("the header must name")


def test_sms_rows_warn_when_the_stage_has_no_dlt_registration():
    plan = import_roster(FakeSubscriptions(), HEADER + "DM,186,,L2,sms,+91 94544 00001\n", dry_run=True,
                         sms_registered=False)
    assert list(plan.subscribe) == [("sms", "+919454400001")] and "DLT" in plan.warnings[0]
