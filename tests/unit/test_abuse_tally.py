"""The abuse run's tally (devtools/chaos/abuse.py): what it counts as a defect, and what it keeps for the PII scan."""

from types import SimpleNamespace

from devtools.chaos.abuse import CAPTURE_CHARS, Tally


def answer(status: int, text: str = "{}") -> SimpleNamespace:
    return SimpleNamespace(status_code=status, content=text.encode())


def test_every_answer_is_counted_and_kept_and_a_5xx_is_a_defect_once():
    tally = Tally()
    for status in (200, 400, 500, 503, 500):
        tally.saw("fuzz:admin:GET /status", answer(status, '{"error": "internal_error"}'))
    figures = tally.figures()
    assert figures["requests"] == 5 and figures["api_5xx"] == 3
    assert figures["defects"] == ['fuzz:admin:GET /status: 500 {"error": "internal_error"}',
                                  'fuzz:admin:GET /status: 503 {"error": "internal_error"}']
    assert figures["captured"][0] == ["http:fuzz:admin:GET /status", '{"error": "internal_error"}']


def test_a_long_body_is_kept_in_part_and_bytes_that_are_not_utf8_do_not_stop_the_run():
    tally = Tally()
    tally.saw("bodies:x", SimpleNamespace(status_code=400, content=b"\xff" + b"a" * (2 * CAPTURE_CHARS)))
    [(where, text)] = tally.figures()["captured"]
    assert where == "http:bodies:x" and len(text) == CAPTURE_CHARS and text.startswith("\ufffd")
