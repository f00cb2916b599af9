"""Alert links (domain/links.py): signed for one complaint and its office, expiring, refusing any alteration."""

import re
from datetime import timedelta

import pytest

from chalicelib.domain import links
from tests.builders import NOW

KEY = b"k" * 32
REF = "UP-LKO-26-000001"


def token(ref=REF, district=162, department="police", expires_at=NOW + timedelta(days=2), key=KEY) -> str:
    return links.sign(key, ref, district, department, expires_at).token


def test_a_link_opens_for_its_complaint_and_office_until_it_expires():
    link = links.check(KEY, token(), 162, "police", NOW)
    assert (link.ref, link.expires_at) == (REF, NOW + timedelta(days=2))
    with pytest.raises(links.LinkExpired):
        links.check(KEY, token(), 162, "police", NOW + timedelta(days=2))


def test_the_link_carries_no_personal_data_and_stays_short():
    text = token()
    assert re.fullmatch(r"UP-LKO-26-000001\.[0-9a-z]+\.[A-Za-z0-9_-]{22}", text) and len(text) < 50


@pytest.mark.parametrize("alter", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
    lambda t: t.replace("000001", "000002"),  # another complaint's reference
    lambda t: t.split(".")[0] + "." + links._base36(int((NOW + timedelta(days=9)).timestamp())) + "." + t.split(".")[2],
])
def test_an_altered_link_is_refused_not_called_expired(alter):
    with pytest.raises(links.LinkRefused):
        links.check(KEY, alter(token()), 162, "police", NOW)


def test_a_link_for_one_complaint_opens_no_other():
    other = token(ref="UP-LKO-26-000002")
    forged = REF + "." + other.split(".", 1)[1]  # complaint 1's reference with complaint 2's signature
    with pytest.raises(links.LinkRefused):
        links.check(KEY, forged, 162, "police", NOW)


@pytest.mark.parametrize("district, department", [(144, "police"), (162, "water"), (None, "police")])
def test_once_the_complaint_moves_to_another_office_the_link_opens_nothing(district, department):
    with pytest.raises(links.LinkRefused):
        links.check(KEY, token(), district, department, NOW)


def test_a_link_signed_with_another_key_is_refused():
    with pytest.raises(links.LinkRefused):
        links.check(KEY, token(key=b"x" * 32), 162, "police", NOW)


@pytest.mark.parametrize("junk", ["", "UP-LKO-26-000001", "a.b.c", "UP-LKO-26-000001.!!.x", "UP-LKO-26-000001." + "z" * 90])
def test_text_no_link_can_be_is_refused(junk):
    with pytest.raises(links.LinkRefused):
        links.check(KEY, junk, 162, "police", NOW)


def test_a_link_lives_until_the_deadline_plus_a_day():
    assert links.expiry(NOW + timedelta(hours=2), NOW) == NOW + timedelta(days=1, hours=2)
    assert links.expiry(NOW - timedelta(hours=5), NOW) == NOW + timedelta(days=1)  # already overdue: a day from now
    assert links.expiry(None, NOW) == NOW + links.NO_DEADLINE_LIFE


def test_an_expiry_further_off_than_any_alert_gives_is_refused():
    with pytest.raises(links.LinkRefused):
        links.check(KEY, token(expires_at=NOW + timedelta(days=90)), 162, "police", NOW)
