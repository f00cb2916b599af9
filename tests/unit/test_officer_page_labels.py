"""The officers' pages name every status and action in Hindi and English."""

from chalicelib.domain.status import Status
from chalicelib.web import pages


def test_every_status_has_a_hindi_and_an_english_label():
    assert set(pages.STATUS) == {s.value for s in Status}
    assert all(hi and en and hi != en for hi, en in pages.STATUS.values())


def test_every_button_says_what_it_did():
    assert set(pages.DONE) == set(pages.ACTIONS)
