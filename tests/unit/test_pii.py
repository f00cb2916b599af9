"""Masking personal numbers and addresses in every form a citizen writes them, and stripping the
bidirectional controls that could make a shown or posted text read other than it is."""

import signal
from dataclasses import replace

import pytest

from chalicelib.domain.pii import clean, mask
from chalicelib.services import complaints
from tests.builders import NOW, received
from tests.fakes import mention

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
        "\u200e", "\u200f", "\u061c"]
INVISIBLE = ["\u00a0", "\u202f", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
DIGITS = {  # 9876543210 in each script a phone can arrive in
    "fullwidth": "９８７６５４３２１０", "devanagari": "९८७६५४३२१०",
    "arabic-indic": "٩٨٧٦٥٤٣٢١٠", "extended arabic-indic": "۹۸۷۶۵۴۳۲۱۰", "mixed": "98७६५४3210",
}

PHONES = [
    "9876543210", "9876 543 210", "98 76 54 32 10", "98765.43210", "98765-43210", "987-654-3210", "9 8 7 6 5 4 3 2 1 0",
    "+91 98765 43210", "+919876543210", "+91-98765-43210", "(+91) 98765 43210", "0091 9876543210",
    "919876543210", "91-9876543210", "09876543210", "0 98765 43210",
    *(f"98765{sep}43210" for sep in INVISIBLE),
    *(f"98{sep}76{sep}54{sep}32{sep}10" for sep in INVISIBLE),
    "9\u200b8\u200c7\u200d6\u20605\ufeff4\u00a03\u202f2 1 0",
    *DIGITS.values(),
    "०९८७६५ ४३२१०", "9️⃣8️⃣7️⃣6️⃣5️⃣4️⃣3️⃣2️⃣1️⃣0️⃣", "＋９１ ９８７６５－４３２１０",
]
AADHAARS = ["2345 6789 0123", "2345.6789.0123", "2345-6789-0123", "234567890123", "23 4567 8901 23",
            "२३४५ ६७८९ ०१२३", "2345\u00a06789\u00a00123", "2345\u200b6789\u200b0123", "１２３４ ５６７８ ９０１２",
            "1234 5678 9012"]  # a 4-4-4 grouping reads as an Aadhaar whatever its first digit
LANDLINES = ["0522-2345678", "0522 2345678", "0522.2345678", "(0522) 2345678", "0522-234-5678", "011-23456789"]


@pytest.mark.parametrize("number", PHONES)
def test_a_mobile_number_is_masked_in_any_grouping_script_or_glue(number):
    assert mask(number) == "[phone]"
    assert mask(f"मेरा नंबर {number} है") == "मेरा नंबर [phone] है"


@pytest.mark.parametrize("glued, masked", [
    ("no9876543210", "no[phone]"), ("mob_9876543210", "mob_[phone]"), ("नं9876543210", "नं[phone]"),
    ("Mob:9876543210", "Mob:[phone]"), ("call9876543210now", "call[phone]now"), ("मो.नं.९८७६५४३२१०।", "मो.नं.[phone]।"),
    ("9876543210@ybl", "[phone]@ybl"),  # a UPI id is a phone number
])
def test_a_number_glued_to_letters_is_masked_and_the_letters_kept(glued, masked):
    assert mask(glued) == masked


@pytest.mark.parametrize("number", AADHAARS)
def test_an_aadhaar_number_is_masked_in_any_grouping_or_script(number):
    assert mask(f"aadhaar {number} hai") == "aadhaar [aadhaar] hai"


@pytest.mark.parametrize("number", LANDLINES)
def test_a_landline_with_its_std_code_is_masked(number):
    assert mask(f"office {number}") == "office [phone]"


@pytest.mark.parametrize("text, masked", [
    ("a.b@gmail.com", "[email]"), ("mail: ram.kumar+up@yahoo.co.in.", "mail: [email]."),
    ("9876543210@gmail.com", "[email]"),
])
def test_an_email_address_is_masked(text, masked):
    assert mask(text) == masked


def test_only_the_numbers_change_the_rest_of_the_text_stays_as_written():
    text = "कृपया मदद करें 🙏 मेरा नं.९८७६५ ४३२१० है, ज़रूरी\u200d है; FIR 123/2024, PIN 226010"
    assert mask(text) == "कृपया मदद करें 🙏 मेरा नं.[phone] है, ज़रूरी\u200d है; FIR 123/2024, PIN 226010"


@pytest.mark.parametrize("text, masked", [
    ("9876543210 9876543211", "[phone] [phone]"), ("9876543210/9876543211", "[phone]/[phone]"),
    ("98765 43210, 2345 6789 0123", "[phone], [aadhaar]"), ("since 2024 9876543210", "since 2024 [phone]"),
    ("Lucknow 226010 9876543210", "Lucknow 226010 [phone]"),
])
def test_numbers_side_by_side_are_each_masked(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize("text", [
    "Dial 112 now", "1912 par shikayat", "1076 CM helpline", "PIN 226010", "Lucknow-226010", "saal 2026 me",
    "10:30 baje", "raat 10.30 baje", "29.11.2026 se", "29-11-2026", "2026-11-29", "29/11/2026",
    "01.12.2026 02.12.2026", "29.11.2026 10:30", "₹5000 maange", "Rs. 25,000", "₹ 1,50,000", "FIR 123/2024",
    "UP-LKO-26-000001", "UP32AB1234", "consumer no 1234567890", "ward 12, house 345",
])
def test_short_codes_pins_years_times_dates_amounts_and_ids_stay(text):
    assert mask(text) == text


@pytest.mark.parametrize("text", [
    "https://x.com/u/status/1234567890123456789", "https://x.com/asha/status/1876543210987654321?s=20",
    "tweet 1987654321098765432", "card 4111119876543210", "order 98765432101234", "19876543210",
    "98765432100", "98765432109876543210", "2345678901234",
])
def test_a_longer_digit_run_is_never_half_masked(text):
    assert mask(text) == text


@pytest.mark.parametrize("card", ["5123 4567 8901 2345", "9876 5432 1098 7654", "5123-4567-8901-2345"])
def test_a_grouped_card_number_is_masked_whole_not_half(card):
    assert mask(f"card {card} se fraud") == "card [card] se fraud"


def test_a_phone_in_a_whatsapp_link_is_masked():
    assert mask("https://wa.me/919876543210") == "https://wa.me/[phone]"


@pytest.mark.parametrize("control", BIDI)
def test_bidirectional_controls_are_stripped(control):
    assert clean(f"Aliganj{control} me chori {control}2026") == "Aliganj me chori 2026"
    assert mask(f"call {control}98765{control}43210{control}") == "call [phone]"
    assert mask(f"Aliganj{control} me chori") == "Aliganj me chori"


def test_clean_keeps_joiners_hindi_needs_and_leaves_numbers_alone():
    text = "क्\u200dष ज़रूरी\u200c 9876543210"
    assert clean(text) == text


def test_masking_twice_changes_nothing_more():
    for text in [*PHONES, *AADHAARS, *LANDLINES, "card 5123 4567 8901 2345 9876", "98765 43210 98765"]:
        assert mask(mask(text)) == mask(text)


@pytest.mark.parametrize("text", [
    "9 " * 12000, "1." * 12000, "a" * 24000 + "@ x@b.c", "a." * 12000 + "@b, x@b.c", "९" * 24000, "\u200b9" * 12000,
    "a@" * 12000 + "b.c", "x@" + "a-" * 12000 + ".", "@handle " * 3000,
])
def test_masking_a_long_hostile_text_does_not_hang(text):
    """A hang guard, not a speed figure: a regex that backtracks on these texts runs for hours, the
    masker takes milliseconds, so a limit 100 times the normal time fails only on a real hang."""
    def hung(*_):
        raise TimeoutError("mask() is backtracking on a hostile text")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, 10.0)
    try:
        masked = mask(text)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert isinstance(masked, str) and len(masked) <= len(text) + 100


# --- what officers see through the API --------------------------------------------------

def test_officers_see_the_masked_text_cleaned_and_masked_again_for_records_masked_by_older_rules():
    stored = received(1, text="Mob\u202e 98 76 54 32 10").after  # masked_text as the text: masked by older rules
    assert complaints.summary(stored)["text"] == "Mob [phone]"
    assert complaints.detail(stored)["text"] == "Mob [phone]"


def test_officers_see_the_raw_text_unmasked_but_without_bidirectional_controls():
    stored = replace(received(1, text="\u2067Mob 98 76 54 32 10\u2069 \u200fAliganj").after,
                     masked_text="Mob [phone] Aliganj")
    assert complaints.detail(stored)["raw_text"] == "Mob 98 76 54 32 10 Aliganj"


def test_a_citizens_follow_up_in_the_history_is_shown_cleaned_and_masked():
    stored = received(1).after
    followed = stored.follow_up(mention(2, "x", "lucknowpolice"), "abhi tak\u202e nahi aaye, 98765.43210", NOW).after
    assert complaints.detail(followed)["history"][-1]["note"] == "abhi tak nahi aaye, [phone]"


@pytest.mark.parametrize("text", ["ram@gmail\u200b.com", "ram@\u200bgmail.com", "ram@gmail.\u200bcom", "ram@gmail\u00ad.com",
                                  "ram@gmail\u2060.com"])
def test_an_address_with_an_invisible_character_after_its_at_sign_is_masked(text):
    assert mask(f"mail me at {text} please") == "mail me at [email] please"


@pytest.mark.parametrize("text, masked", [
    ("98765\u034f43210", "[phone]"), ("2345 6789\u034f 0123", "[aadhaar]"), ("98765\u180b43210", "[phone]"),
    ("98765\u316443210", "[phone]"), ("98765\U000e010043210", "[phone]"),
])
def test_invisible_characters_of_every_category_between_digits_do_not_hide_a_number(text, masked):
    assert mask(text) == masked
