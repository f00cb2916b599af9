"""What an officer's alert says (issue 14.5): when the citizen posted and how long ago, the deadline or that the
post arrived late, the link and how to act; the SMS as a DLT template in at most two segments, counted right."""

import copy
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import sla, sms
from chalicelib.domain.districts import DISTRICTS
from chalicelib.domain.messages import DEFAULT_PATH, MAX_SMS_SEGMENTS, SMS_LINK_MAX, Messages, MessagesError
from chalicelib.domain.values import Alert
from tests.builders import NOW, POLICIES, received

MESSAGES = POLICIES.messages
RAW = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
IST = POLICIES.sla.tz
LINK = "https://desk.up.gov.in/app/a/" + "a" * (SMS_LINK_MAX - 29)
URGENT = dict(department="police", text="Hazratganj me accident, ambulance bhejo", urgent=True)


# --- segments ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, encoding, parts", [
    ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2), ("a" * 307, "GSM-7", 3),
    ("€" * 80, "GSM-7", 1), ("€" * 81, "GSM-7", 2),  # the extension characters take two septets
    ("a" * 152 + "€" + "a" * 10, "GSM-7", 2),  # 164 septets: the escape pair is not split, still two parts
    ("a" * 305 + "€", "GSM-7", 3),  # 307 septets
    ("Rs. 100 @ Gomti Nagar; 50% done!", "GSM-7", 1),
    ("क" * 70, "UCS-2", 1), ("क" * 71, "UCS-2", 2), ("क" * 134, "UCS-2", 2), ("क" * 135, "UCS-2", 3),
    ("a" * 69 + "🙏", "UCS-2", 2),  # an emoji is two UTF-16 units: 71
    ("a" * 66 + "🙏" + "a" * 66, "UCS-2", 3),  # 134 units, but the pair cannot straddle the first part's end
    ("Lucknow `quote`", "UCS-2", 1),  # a backtick is not in GSM 03.38
])
def test_segments_follow_the_encoding_a_phone_uses(text, encoding, parts):
    assert sms.encoding(text) == encoding and sms.segments(text) == parts


# --- the SMS ------------------------------------------------------------------------------------------

def test_every_district_s_sms_fits_two_gsm7_segments_with_a_link_of_the_checked_length():
    for code in DISTRICTS:
        complaint = received(1, district=code, **URGENT).after
        text = MESSAGES.sms(complaint, IST, LINK)
        assert sms.encoding(text) == "GSM-7" and sms.segments(text) <= MAX_SMS_SEGMENTS, text
        assert complaint.ref in text and DISTRICTS[code].name_en in text and text.endswith(LINK)


def test_the_sms_states_the_deadline_in_ist_and_falls_back_to_the_tweet_link():
    complaint = received(1).after  # posted 10:30, received 11:30 IST; police acknowledge within 4 hours
    assert MESSAGES.sms(complaint, IST) == (f"UP complaint {complaint.ref}, Lucknow. Deadline 29-11 15:30. "
                                            f"Act: {complaint.tweet_url}")
    assert MESSAGES.dlt_template() == "UP complaint {#var#}, {#var#}. Deadline {#var#}. Act: {#var#}"


def test_an_sms_template_too_long_or_with_other_variables_is_refused_when_loaded():
    for text, problem in (("UP शिकायत {ref}, {district}। समय-सीमा {deadline}। कृपया तुरंत कार्यवाही करें: {link}",
                           "UCS-2"), ("{ref} {note} {link}", "no {note}")):
        raw = copy.deepcopy(RAW)
        raw["alert"]["sms"]["text"] = text
        with pytest.raises(MessagesError, match=problem):
            Messages(raw)


# --- the email body -----------------------------------------------------------------------------------

def test_an_alert_with_a_link_offers_it_and_says_how_to_act_on_it():
    complaint = replace(received(1, **URGENT).after, tweeted_at=NOW)
    _, body = MESSAGES.alert(complaint, IST, NOW + timedelta(days=2, hours=3, minutes=5), LINK)
    assert "(2 दिन 3 घंटे पहले / 2 d 3 h ago)" in body and "Posted: 29-11-2026 11:30 IST" in body
    assert f"खोलें / Open: {LINK}" in body and RAW["alert"]["act"]["link"] in body
    assert complaint.tweet_url in body and RAW["alert"]["act"]["x"] not in body


def test_without_a_link_the_tweet_is_the_link_and_a_reply_on_x_is_how_to_act():
    _, body = MESSAGES.alert(replace(received(1).after, tweeted_at=NOW), IST, NOW + timedelta(hours=1, minutes=2))
    assert "(1 घंटे 2 मिनट पहले / 1 h 2 min ago)" in body and "Open:" not in body
    assert RAW["alert"]["act"]["x"] in body and "https://x.com/citizen1/status/1" in body


# --- a post read late ---------------------------------------------------------------------------------

def test_a_post_older_than_its_acknowledgement_window_arrives_late_not_with_a_fresh_deadline():
    posted = NOW - timedelta(days=2)
    complaint = received(1, at=NOW, **URGENT).after
    complaint = replace(complaint, tweeted_at=posted,
                        clock=sla.receive(POLICIES.sla, NOW, "police", True, posted))
    clock = complaint.clock
    assert clock.late and clock.stage == "acknowledge" and clock.due_at == posted + timedelta(minutes=15)
    assert clock.reminded and clock.next_check_at == NOW + timedelta(minutes=15)  # one window, then escalated
    _, body = MESSAGES.alert(complaint, IST, NOW)
    assert "LATE: the post is older than its acknowledgement window (ended 27-11-2026 11:45 IST)" in body
    assert "it escalates at 29-11-2026 11:45 IST" in body and "(2 दिन 0 घंटे पहले / 2 d 0 h ago)" in body
    assert "Deadline passed." in MESSAGES.sms(complaint, IST)
    assert sla.check(POLICIES.sla, clock, NOW + timedelta(minutes=14), "police", True).event is None
    escalated = sla.check(POLICIES.sla, clock, NOW + timedelta(minutes=15), "police", True)
    assert escalated.event == "escalation" and escalated.clock.level == "L2"


def test_receiving_uses_the_post_s_time_a_fresh_post_is_not_late():
    from chalicelib.domain.complaint import Complaint
    from tests.builders import Decision
    from tests.fakes import mention

    old = mention(1, "Hazratganj me accident, ambulance bhejo", "lucknowpolice", at=NOW - timedelta(hours=1))
    decision = Decision(urgent=True, masked_text=old.text)
    late = Complaint.receive(old, decision, ("lucknowpolice",), "UP-LKO-26-000001", NOW, POLICIES, "c").after
    assert late.clock.late and "LATE" in MESSAGES.alert(late, IST, NOW)[1]
    fresh = Complaint.receive(replace(old, created_at=NOW - timedelta(minutes=2)), decision, ("lucknowpolice",),
                              "UP-LKO-26-000002", NOW, POLICIES, "c").after
    assert not fresh.clock.late and fresh.clock.due_at == NOW + timedelta(minutes=15)
    assert "LATE" not in MESSAGES.alert(fresh, IST, NOW)[1]


def test_an_sms_with_a_real_one_tap_link_fits_two_segments():
    from chalicelib.domain.links import expiry, sign

    complaint = received(1, **URGENT).after
    link = sign(b"k" * 32, complaint.ref, complaint.district, complaint.department,
                expiry(complaint.clock.due_at, NOW)).token
    url = f"https://complaints.up.gov.in/app/a/{link}"
    assert len(url) <= SMS_LINK_MAX
    assert sms.segments(MESSAGES.sms(complaint, IST, url)) <= MAX_SMS_SEGMENTS
