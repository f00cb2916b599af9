"""Every text a person reads: officers' alerts and digests, replies to citizens and weekly summaries on X."""

import copy
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import sla
from chalicelib.domain.complaint import Complaint, Policies
from chalicelib.domain.departments import DEPARTMENTS
from chalicelib.domain.districts import DISTRICTS
from chalicelib.domain.lifecycle import Action
from chalicelib.domain.messages import DEFAULT_PATH, DEPARTMENT_KINDS, Messages, MessagesError, load_messages
from chalicelib.x_text import weighted_length
from chalicelib.domain.status import Status
from chalicelib.domain.tally import HOUR_BUCKETS
from chalicelib.domain.values import Alert, Mention
from chalicelib.triage import Triage

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
MESSAGES = load_messages()
SLA = sla.load_sla_policy()
POLICIES = Policies(SLA, MESSAGES, timedelta(days=7))
RAW = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
NOTE = "Spoke to complainant on 9876543210, Aadhaar 2345 6789 0123 verified"
LONGEST = {lang: max(DISTRICTS.values(), key=lambda d: weighted_length(getattr(d, f"name_{lang}"))).lgd
           for lang in ("hi", "en")}


def complaint(text="Aliganj me chori", district=162, department="police", **kw) -> Complaint:
    fields = dict(
        ref="UP-SJP-26-123456", tweet_id="1", text=text, masked_text=text, author_id="9", author_username="asha",
        tweet_url="https://x.com/asha/status/1", conversation_id="1", tweeted_at=NOW, created_at=NOW,
        district=district, department=department, urgent=False, confidence=1.0, handles=(),
    )
    return Complaint(**(fields | kw))


def messages_with(change) -> Messages:
    raw = copy.deepcopy(RAW)
    change(raw)
    return Messages(raw)


# --- replies to citizens ----------------------------------------------------------------


def test_a_hindi_tweet_is_answered_in_hindi_and_others_in_english():
    assert "संदर्भ संख्या UP-SJP-26-123456" in MESSAGES.reply("acknowledged", complaint("अलीगंज में चोरी"))
    assert "reference UP-SJP-26-123456" in MESSAGES.reply("acknowledged", complaint("chori ho gayi"))


def test_the_acknowledgement_names_the_district_and_department_or_the_state():
    assert MESSAGES.reply("acknowledged", complaint("naali jam hai", 144, "sanitation")) == (
        "Your complaint is registered with reference UP-SJP-26-123456 and has been sent to the sanitation "
        "department, Gautam Buddha Nagar, for action.")
    assert "उत्तर प्रदेश के जल विभाग" in MESSAGES.reply("acknowledged", complaint("पानी नहीं", None, "water"))


@pytest.mark.parametrize("kind", DEPARTMENT_KINDS)
@pytest.mark.parametrize("department", DEPARTMENTS)
@pytest.mark.parametrize("lang, text", [("hi", "हिंदी"), ("en", "english")])
def test_every_reply_fits_280_without_a_link_even_with_the_longest_names(kind, department, lang, text):
    for district in (LONGEST[lang], None):
        reply = MESSAGES.reply(kind, complaint(text, district, department))
        assert reply and weighted_length(reply) <= 280 and "http" not in reply and "UP-SJP-26-123456" in reply


def test_x_counts_devanagari_as_one_and_emoji_as_two():
    assert weighted_length("बिजली") == 5 and weighted_length("🙏") == 2


def test_a_department_can_turn_acknowledgements_off():
    messages = messages_with(lambda raw: raw["replies"]["departments"].update(water={"acknowledge": False}))
    assert messages.reply("acknowledged", complaint(department="water")) is None
    assert messages.reply("acknowledged", complaint(department="roads"))


def test_a_department_can_have_its_own_resolution_reply():
    def change(raw):
        raw["replies"]["departments"]["roads"] = {"resolved": {"hi": "सड़क शिकायत {ref} निस्तारित।",
                                                             "en": "Road complaint {ref} is resolved."}}

    messages = messages_with(change)
    assert messages.reply("resolved", complaint(department="roads")) == "Road complaint UP-SJP-26-123456 is resolved."
    water = complaint(department="water")
    assert messages.reply("resolved", water) == MESSAGES.reply("resolved", water)


# --- an officer's note is internal --------------------------------------------------------


@pytest.mark.parametrize("text", ["Aliganj me chori", "अलीगंज में चोरी"])
def test_resolving_with_a_note_replies_with_the_reference_and_never_the_note(text):
    working = complaint(text, status=Status.IN_PROGRESS)
    after = working.act(Action("resolve", "sho-aliganj", note=NOTE), NOW, POLICIES).after
    reply = after.replies["resolved"].text
    assert after.replies["resolved"].pending and "UP-SJP-26-123456" in reply
    assert "Spoke to complainant" not in reply and "9876543210" not in reply and "6789 0123" not in reply
    assert after.history[-1].details["note"] == NOTE  # the note stays in the record, for officers


def test_the_resolution_reply_gives_the_reference_and_how_to_come_back():
    assert MESSAGES.reply("resolved", complaint("chori")) == (
        "Your complaint with reference UP-SJP-26-123456 has been resolved. If the problem persists, please write "
        "to us again quoting this reference.")
    assert MESSAGES.reply("resolved", complaint("चोरी")) == (
        "आपकी शिकायत संदर्भ संख्या UP-SJP-26-123456 का निस्तारण कर दिया गया है। यदि समस्या बनी हुई है, तो इसी "
        "संदर्भ संख्या के साथ हमें पुनः लिखें।")


def test_no_reply_template_may_name_the_note():
    def change(raw):
        raw["replies"]["default"]["resolved"]["en"] = "Complaint {ref} has been resolved: {note}"

    with pytest.raises(MessagesError, match=r"resolved en: no \{note\} in replies"):
        messages_with(change)


def test_a_template_carrying_a_phone_number_is_refused_rather_than_posted_masked():
    with pytest.raises(MessagesError, match="personal data"):
        messages_with(lambda raw: raw["replies"]["departments"]["police"]["acknowledged"].update(
            en="Complaint {ref} registered; call the SHO on 9876543210."))


def test_every_public_text_is_masked_as_a_last_guard():
    messages = messages_with(lambda raw: raw["replies"].update(state={"hi": "उत्तर प्रदेश", "en": "a@b.in"}))
    assert "[email]" in messages.reply("acknowledged", complaint("chori", None, "water"))


def test_a_public_text_goes_out_without_bidirectional_controls():
    messages = messages_with(lambda raw: raw["replies"]["state"].update(en="Uttar\u202e Pradesh"))
    assert messages.reply("acknowledged", complaint("chori", None, "water")).count("Uttar Pradesh") == 1


def test_a_template_carrying_a_bidirectional_control_is_refused():
    with pytest.raises(MessagesError, match="bidirectional"):
        messages_with(lambda raw: raw["replies"]["default"]["resolved"].update(en="Complaint {ref}\u202e resolved."))


@pytest.mark.parametrize("template, problem", [
    ("Complaint {ref} resolved, see https://jansunwai.up.nic.in", "no links"),
    ("Complaint {ref} resolved. " + "Thank you. " * 30, "of 280"),
])
def test_a_reply_template_with_a_link_or_too_long_for_a_post_is_refused(template, problem):
    with pytest.raises(MessagesError, match=problem):
        messages_with(lambda raw: raw["replies"]["default"]["resolved"].update(en=template))


def test_a_weekly_summary_template_with_a_link_or_a_phone_number_is_refused():
    for extra, problem in ((" Details: https://up.gov.in", "no links"), (" Helpline 9454401111.", "personal data")):
        with pytest.raises(MessagesError, match=f"weekly summary: .*{problem}"):
            messages_with(lambda raw: raw["weekly_summary"]["text"].append(extra))


def test_receiving_a_complaint_queues_its_acknowledgement():
    mention = Mention("1", "Aliganj Lucknow me chori", "9", "asha", NOW, "1", ("lucknowpolice",))
    decision = Triage(True, 162, "Lucknow", "police", False, 0.9, mention.text)
    after = Complaint.receive(mention, decision, ("lucknowpolice",), "UP-LKO-26-000001", NOW, POLICIES).after
    assert "reference UP-LKO-26-000001" in after.replies["acknowledged"].text


# --- officers' alerts ---------------------------------------------------------------------


def alerted(event="new_complaint", level="L1", stage=None, **kw) -> Complaint:
    clock = sla.Clock(stage=stage, due_at=NOW + timedelta(hours=3, minutes=13), level=level) if stage else sla.Clock()
    return complaint(text="हज़रतगंज में झगड़ा", alert=Alert("pending", event, level), clock=clock, **kw)


def test_a_new_complaint_alert_is_bilingual_and_ends_with_the_masked_tweet():
    subject, body = MESSAGES.alert(alerted(urgent=True), SLA.tz, NOW + timedelta(minutes=7))
    assert subject == "URGENT New complaint UP-SJP-26-123456 - Lucknow - police"
    assert body == ("तत्काल / URGENT नई शिकायत / New complaint: UP-SJP-26-123456\n"
                    "जनपद / District: लखनऊ / Lucknow\n"
                    "विभाग / Department: पुलिस / police\n"
                    "ट्वीट / Tweet: https://x.com/asha/status/1\n"
                    "ट्वीट का समय / Posted: 29-11-2026 11:30 IST (7 मिनट पहले / 7 min ago)\n"
                    f"{RAW['alert']['act']['x']}\n"
                    "\n"
                    "हज़रतगंज में झगड़ा")


def test_an_alert_shows_the_tweet_masked_by_todays_rules_and_nothing_reversed():
    stored = alerted(masked_text="हज़रतगंज\u202e में झगड़ा, नं. ९८ ७६ ५४ ३२ १०")  # masked by older rules
    messages = messages_with(lambda raw: raw["alert"]["unknown_district"].update(en="unknown\u2066 (state)"))
    subject, body = messages.alert(replace(stored, district=None), SLA.tz, NOW)
    assert body.endswith("\n\nहज़रतगंज में झगड़ा, नं. [phone]") and "https://x.com/asha/status/1" in body
    assert not any(c in subject + body for c in "\u202e\u2066")


def test_a_digest_shows_nothing_reversed():
    messages = messages_with(lambda raw: raw["digest"]["state_queue"].update(en="State\u202e queue"))
    subject, body = messages.digest(None, 0, 0, 4, None, NOW, "2026-11-29")
    assert "State queue" in subject and "State queue" in body


def test_an_escalation_names_its_level_and_the_deadline_in_the_policys_time_zone():
    subject, body = MESSAGES.alert(alerted("escalation", "L2", "resolve", district=None), SLA.tz, NOW)
    assert subject == "Deadline passed, escalated [L2] UP-SJP-26-123456 - unknown (state triage) - police"
    assert "जनपद / District: अज्ञात (राज्य मुख्यालय द्वारा जाँच) / unknown (state triage)" in body
    assert "स्तर / Level: L2\nनिस्तारण की समय-सीमा / resolve deadline: 29-11-2026 14:43 IST" in body


def test_the_deadline_follows_the_time_zone_it_is_given():
    _, body = MESSAGES.alert(alerted("reminder", "L1", "acknowledge"), timezone.utc, NOW)
    assert "पावती की समय-सीमा / acknowledge deadline: 29-11-2026 09:13 UTC" in body
    _, body = MESSAGES.alert(alerted("reminder", "L1", "acknowledge"), timezone(timedelta(hours=4)), NOW)
    assert "acknowledge deadline: 29-11-2026 13:13 UTC+04:00" in body


def test_every_alert_heading_and_department_renders():
    for event in ("new_complaint", "transferred", "reminder", "escalation"):
        for department in DEPARTMENTS:
            subject, body = MESSAGES.alert(alerted(event, "L3", "acknowledge", department=department), SLA.tz, NOW)
            assert subject.isascii() and department in subject and body.endswith("हज़रतगंज में झगड़ा")


# --- the daily digest and the weekly summary ----------------------------------------------


def test_the_daily_digest_counts_and_tells_the_age_of_the_oldest():
    subject, body = MESSAGES.digest(162, 5, 2, 3, NOW - timedelta(hours=22, minutes=5), NOW, "2026-11-29")
    assert subject == "Daily complaints digest 2026-11-29 - Lucknow: 5 open, 2 past deadline"
    assert body == ("दैनिक शिकायत सारांश / Daily complaints digest — लखनऊ / Lucknow — 2026-11-29\n\n"
                    "लंबित शिकायतें / Open complaints: 5\n"
                    "समय-सीमा पार / Past their deadline: 2\n"
                    "कल निस्तारित / Resolved yesterday: 3\n"
                    "सबसे पुरानी लंबित / Oldest open: 0 दिन 22 घंटे / 0 d 22 h")


def test_the_state_queues_digest_with_nothing_open():
    subject, body = MESSAGES.digest(None, 0, 0, 4, None, NOW, "2026-11-29")
    assert "State triage queue" in subject and body.endswith("Oldest open: —") and "राज्य जाँच कतार" in body


@pytest.mark.parametrize("hours, hi, en", [
    (None, "आधी शिकायतें — में", "median resolution time —."),
    (4, "4 घंटे तक", "up to 4 hours"),
    (72, "3 दिन तक", "up to 3 days"),
    (HOUR_BUCKETS[-1] + 1, "30 दिन से अधिक", "over 30 days"),
])
def test_the_weekly_summary_tells_the_median_in_hours_or_days(hours, hi, en):
    text = MESSAGES.weekly_summary("police", "2026-W49", 3, 2, hours)
    assert text.startswith("उत्तर प्रदेश पुलिस विभाग, सप्ताह 2026-W49: 3 शिकायतें प्राप्त, 2 निस्तारित,")
    assert hi in text and en in text and "UP police department, week 2026-W49: 3 complaints received on X" in text


@pytest.mark.parametrize("department", DEPARTMENTS)
def test_every_weekly_summary_fits_280_characters_without_a_link(department):
    for hours in (None, *HOUR_BUCKETS, 10**6):
        text = MESSAGES.weekly_summary(department, "2026-W53", 999999, 999999, hours)
        assert weighted_length(text) <= 280 and "http" not in text


# --- the senders publish what Messages renders --------------------------------------------


def test_an_sns_alert_is_published_as_rendered_with_the_policys_time_zone():
    from chalicelib.adapters.sns_alerts import SnsAlerts

    class Sns:
        def publish(self, **request):
            self.request = request
            return {"MessageId": "m-1"}

    sns, escalated = Sns(), alerted("escalation", "L2", "resolve")
    assert SnsAlerts("arn:topic", MESSAGES, SLA.tz, sns, clock=lambda: NOW).notify(escalated, "https://desk/l/x") == "m-1"
    subject, body = MESSAGES.alert(escalated, SLA.tz, NOW, "https://desk/l/x")
    texts = json.loads(sns.request["Message"])
    assert sns.request["MessageStructure"] == "json" and sns.request["Subject"] == subject
    assert texts == {"default": body, "email": body, "sms": MESSAGES.sms(escalated, SLA.tz, "https://desk/l/x")}
    assert "14:43 IST" in body and "https://desk/l/x" in texts["sms"]


def test_the_reports_send_the_digest_and_the_summary_messages_renders():
    from chalicelib.services.reports import daily_digest, weekly_summary
    from chalicelib.domain.handles import load_registry
    from tests.fakes import FakeAlerts, FakeDesk, FakeReplies

    desk, alerts, replies = FakeDesk(), FakeAlerts(), FakeReplies()
    mention = Mention("1", "Aliganj Lucknow me chori", "9", "asha", NOW, "1", ("lucknowpolice",))
    decision = Triage(True, 162, "Lucknow", "police", False, 0.9, mention.text)
    desk.complaints.create(Complaint.receive(mention, decision, (), "UP-LKO-26-000001", NOW, POLICIES))
    next_day, next_week = NOW + timedelta(days=1), NOW + timedelta(days=7)
    assert daily_digest(desk, alerts.digest, POLICIES, lambda: next_day).sent == ["162"]
    assert alerts.digests == [(162, *MESSAGES.digest(162, 1, 0, 0, NOW, next_day, "2026-11-30"))]
    desk.grants.authorise("Uppolice")
    assert weekly_summary(desk, replies.post, load_registry(), POLICIES, lambda: next_week).sent == ["police"]
    assert replies.posted == [(None, MESSAGES.weekly_summary("police", "2026-W48", 1, 0, None))]
