"""The fault and abuse suite's personal-data scan (devtools/chaos/pii.py): what it plants, that it finds a
planted value in every form it can be written or encoded in, that it leaves the desk's own values alone,
and that its report never shows a value it found."""

import html
import json
import random
from urllib.parse import quote, quote_plus

import pytest

from chalicelib.domain.pii import mask
from devtools.chaos.pii import find_leaks, plant

PHONE = "9876543210"
AADHAAR = "234567890123"
EMAIL = "ram.kumar+up@yahoo.co.in"

PHONE_FORMS = ["9876543210", "+91 98765 43210", "+91-98765-43210", "+919876543210", "0091 9876543210", "09876543210",
               "098765 43210", "98765 43210", "98765-43210", "987-654-3210", "98 76 54 32 10", "98765.43210",
               "९८७६५४३२१०", "+९१ ९८७६५ ४३२१०", "९८७६५-४३२१०", "９８７６５４３２１０", "98765\u200b43210", "98765\u00a043210"]
AADHAAR_FORMS = ["2345 6789 0123", "2345-6789-0123", "234567890123", "२३४५ ६७८९ ०१२३", "२३४५६७८९०१२३", "2345.6789.0123"]
EMAIL_FORMS = ["ram.kumar+up@yahoo.co.in", "RAM.Kumar+UP@Yahoo.co.in"]
CONTEXTS = ["{}", "मेरा नंबर {} है", "mera number {} hai", "नं{}", "mob:{}", "मोबाइल{}पर", "call me on {}."]
ENCODINGS = {
    "plain": lambda t: t,
    "json": json.dumps,
    "json twice": lambda t: json.dumps({"Message": json.dumps({"text": t})}),
    "json unicode": lambda t: json.dumps(t, ensure_ascii=False),
    "html": html.escape,
    "html entities": lambda t: "".join(f"&#{ord(c)};" for c in t),
    "url": quote,
    "url form": quote_plus,
}


def kinds(leaks):
    return sorted(leak["kind"] for leak in leaks)


@pytest.mark.parametrize("form", PHONE_FORMS)
@pytest.mark.parametrize("context", CONTEXTS)
def test_a_planted_phone_is_found_in_any_written_form_and_context(form, context):
    assert kinds(find_leaks([("log", context.format(form))], [PHONE])) == ["phone"]


@pytest.mark.parametrize("planted", ["+91 98765 43210", "09876543210", "९८७६५४३२१०", "98765-43210"])
@pytest.mark.parametrize("form", PHONE_FORMS)
def test_a_phone_planted_in_one_form_is_found_written_in_another(planted, form):
    assert find_leaks([("sms", f"call {form}")], [planted]) == [{"where": "sms", "kind": "phone", "value": "98******10"}]


@pytest.mark.parametrize("form", AADHAAR_FORMS)
@pytest.mark.parametrize("planted", ["2345 6789 0123", "२३४५६७८९०१२३"])
def test_a_planted_aadhaar_is_found_in_any_written_form(form, planted):
    assert find_leaks([("x:reply", f"आधार{form} है")], [planted]) == [
        {"where": "x:reply", "kind": "aadhaar", "value": "XXXX XXXX 0123"}]


@pytest.mark.parametrize("form", EMAIL_FORMS)
def test_a_planted_email_is_found_in_any_case(form):
    assert find_leaks([("sns:state-desk", f"ईमेल:{form} पर")], [EMAIL]) == [
        {"where": "sns:state-desk", "kind": "email", "value": "r***@yahoo.co.in"}]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_planted_values_are_found_through_json_html_and_url_encoding(encoding):
    text = f"मेरा नंबर +९१ ९८७६५-४३२१० है, aadhaar 2345 6789 0123, mail {EMAIL}"
    captured = [("emf", ENCODINGS[encoding](text))]
    assert kinds(find_leaks(captured, ["+९१ ९८७६५-४३२१०", "2345 6789 0123", EMAIL])) == ["aadhaar", "email", "phone"]


def test_bytes_are_read_as_utf_8_text():
    assert kinds(find_leaks([("http", "मेरा नंबर ९८७६५४३२१० है".encode())], [PHONE])) == ["phone"]


def test_each_place_a_value_leaked_is_reported_once():
    captured = [("log", f"a {PHONE}"), ("log", f"b +91 {PHONE}"), ("sms", f"c {PHONE}")]
    assert find_leaks(captured, [PHONE]) == [{"where": "log", "kind": "phone", "value": "98******10"},
                                             {"where": "sms", "kind": "phone", "value": "98******10"}]


@pytest.mark.parametrize("text", [
    "[phone] [aadhaar] [email]", "मेरा नंबर [phone] है",
    "tweet 1987654321098765432 https://x.com/asha/status/1298765432101234567",  # the phone inside a longer id
    "order 98765432100 card 2345678901234",
    "98765 4321 is not it", "2345 6789 012",  # digits only in part
])
def test_masked_or_merely_similar_text_is_not_a_leak_of_the_planted_values(text):
    assert find_leaks([("log", text)], [PHONE, AADHAAR, EMAIL]) == []


@pytest.mark.parametrize("text", [
    "alert sent to lucknow.police@example.in and ssp.noida@up.gov.in, sho@lucknow.police.gov.in",
    "@Uppolice @lucknowpolice @dgpup replied", "UP-LKO-26-000001 PIN 226010 dial 112, 1076",
    '{"_aws": {"Timestamp": 1764633600123}, "RequestId": "9f3c2a1e-8b7d-4c6e-9a5f-987654321012"}',
    "2026-12-01T23:15:02.123456+00:00 took 98.76 ms, 1764633600 epoch, ₹ 1,50,000",
    "https://x.com/i/status/1876543210987654321 conversation_id=1876543210987654300",
    "X-Amzn-Trace-Id: Root=1-5759e988-987654321012bd862e3fe1", "receipt AQEB9876543210xyz/9876543210a==",
])
def test_the_desks_own_values_and_ordinary_numbers_are_not_flagged(text):
    assert find_leaks([("log", text)], []) == []


@pytest.mark.parametrize("text, kind", [
    ("call 98390 12345 now", "phone"), ("+91-70000-12345", "phone"), ("aadhaar 5555 6666 7777", "aadhaar"),
    ("mail sunita.devi@gmail.com", "email"), ("%22priya%40rediffmail.com%22", "email"),
])
def test_a_citizens_value_nobody_planted_is_still_flagged(text, kind):
    assert kinds(find_leaks([("log", text)], [])) == [kind]


def test_the_report_never_shows_a_value_it_found():
    rng = random.Random(7)
    for _ in range(200):
        fragment, planted = plant(rng)
        leaks = find_leaks([("log", fragment)], planted)
        assert leaks and find_leaks([("report", json.dumps(leaks, ensure_ascii=False))], planted) == []


def test_plant_writes_one_to_three_values_each_found_in_its_fragment_and_masked_by_the_desk():
    rng = random.Random(16)
    seen = set()
    for _ in range(500):
        fragment, planted = plant(rng)
        assert 1 <= len(planted) <= 3 and all(value in fragment for value in planted)
        assert len(find_leaks([("post", fragment)], planted)) == len(planted)
        assert find_leaks([("masked", mask(fragment))], planted) == []
        seen.update(kinds(find_leaks([("post", fragment)], planted)))
    assert seen == {"phone", "aadhaar", "email"}


def test_plant_is_repeatable_from_its_seed_and_uses_devanagari_digits():
    draws = [plant(random.Random(3)) for _ in range(2)]
    assert draws[0] == draws[1]
    fragments = [plant(rng)[0] for rng in [random.Random(5)] for _ in range(300)]
    assert any(any("०" <= ch <= "९" for ch in f) for f in fragments)
    assert any("+91" in f for f in fragments) and any("@" in f for f in fragments)
