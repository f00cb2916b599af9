"""X's length rule (chalicelib/x_text.py), checked against counts from twitter-text v3."""

import unicodedata

from chalicelib.x_text import MAX_WEIGHT, fits, weighted_length


def test_280_ascii_characters_fit_and_281_do_not():
    assert MAX_WEIGHT == 280
    assert weighted_length("a" * 280) == 280 and fits("a" * 280)
    assert not fits("a" * 281)


def test_devanagari_weighs_1_per_code_point_like_latin():
    # U+0900-U+097F lies in twitter-text's light range 0-4351: a Hindi reply gets the full 280.
    assert weighted_length("बिजली नहीं है") == 13  # 5 + 1 + 4 + 1 + 2 code points
    assert fits("श" * 280) and not fits("श" * 281)


def test_cjk_and_emoji_weigh_2():
    assert weighted_length("日本") == 4
    assert weighted_length("धन्यवाद 🙏") == 10
    assert weighted_length("©") == 2  # an emoji to X, though U+00A9 is in the light range


def test_an_emoji_sequence_counts_at_least_what_x_counts():
    # X counts a skin-toned, flag or family emoji as 2; code point by code point never counts less.
    assert weighted_length("👍🏽") == 4 and weighted_length("🇮🇳") == 4
    assert weighted_length("👨\u200d👩\u200d👧") == 8


def test_a_link_counts_23_whatever_its_length():
    assert weighted_length("https://t.co/a") == 23
    assert weighted_length("see https://up.gov.in/a/very/long/path/to/the/complaint/status?id=123456 now") == 31
    assert weighted_length("visit up.gov.in today") == 35  # X links a bare domain too


def test_punctuation_and_other_scripts_after_a_link_count_on_their_own():
    assert weighted_length("(https://example.com/a).") == 26
    assert weighted_length("https://x.in/पेज") == 26


def test_a_bare_word_with_a_dot_counts_as_a_link_or_its_characters_whichever_is_more():
    assert weighted_length("road.please") == 23
    assert weighted_length("jansunwai.up.nic.in/status/of/my/complaint") == 42
    assert weighted_length("Rs.500 3.14") == 11


def test_text_is_counted_in_nfc_as_x_does():
    decomposed = unicodedata.normalize("NFD", "é" * 280)
    assert len(decomposed) == 560
    assert weighted_length(decomposed) == 280 and fits(decomposed)
