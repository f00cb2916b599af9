"""Where the desk lets text out, personal data is masked or never put: the log formatter, the API's error
answers, the stream adapter's logs and the alert-link page (the whole run on the stack:
tests/integration/test_personal_data.py)."""

import json
import logging
import sys
import threading

from chalicelib import api, observability
from chalicelib.adapters.x_stream import _streaming_client
from chalicelib.web import pages
from devtools.chaos.pii import find_leaks
from tests.builders import NOW, act, received

PLANTED = ["+91 98765-43210", "२३४५ ६७८९ ०१२३", "ram.kumar@gmail.com"]
WORDS = "mera number +91 98765-43210, aadhaar २३४५ ६७८९ ०१२३, mail ram.kumar@gmail.com"


def test_a_log_record_is_written_with_every_string_masked_and_everything_else_as_it_was():
    record = {"message": f"body {WORDS}", "detail": {"tried": [WORDS, "UP-LKO-26-000001"], "ids": {WORDS}},
              "tweet_id": "1869000000000000123", "count": 12, "at": "2026-12-01 23:07:23,690+0000",
              "problem": ValueError(WORDS)}
    written = observability.masked_json(record)
    assert find_leaks([("log", written)], PLANTED) == []
    shown = json.loads(written)
    assert shown["message"] == "body mera number [phone], aadhaar [aadhaar], mail [email]"
    assert shown["detail"]["tried"][1] == "UP-LKO-26-000001" and shown["tweet_id"] == "1869000000000000123"
    assert shown["count"] == 12 and shown["at"] == record["at"] and shown["problem"] == shown["detail"]["ids"][0]


def test_the_desks_log_formatter_masks_the_message_its_arguments_and_the_exception():
    formatter = observability.logger().registered_formatter
    try:
        raise KeyError(WORDS)
    except KeyError:
        record = logging.LogRecord("chalicelib.services.x", logging.ERROR, __file__, 1, "failed on %s", (WORDS,),
                                   sys.exc_info())
    record.detail = WORDS
    written = formatter.format(record)
    assert find_leaks([("log", written)], PLANTED) == [] and "failed on mera number [phone]" in written


def test_an_error_answer_never_hands_back_a_number_or_address_the_request_carried():
    answer = api.error_response(404, "not_found", "no complaint with reference 9876543210")
    assert answer.body == {"error": "not_found", "message": "no complaint with reference [phone]"}
    answer = api.error_response(400, "bad_request", "body must not contain {'ram.kumar@gmail.com'} properties")
    assert answer.body["message"] == "body must not contain {'[email]'} properties"


STANDARD = set(vars(logging.makeLogRecord({})))


def extras(record: logging.LogRecord) -> str:
    """What the adapter put in a record: its message and the fields beyond a LogRecord's own."""
    fields = {k: v for k, v in vars(record).items() if k not in STANDARD}
    return json.dumps([record.getMessage(), fields], default=str, ensure_ascii=False)


def stream_logs(raw: str) -> list[logging.LogRecord]:
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)

    def refuse(body):
        raise ValueError(f"unusable post {body}")

    client = _streaming_client("token", None, 5.0, (refuse, lambda: None, lambda reason: None, threading.Event()))
    log = logging.getLogger("chalicelib.adapters.x_stream")
    handler, level = Collect(), log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        client.on_data(raw)
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    return records


def test_the_stream_adapter_logs_what_a_message_without_a_post_is_never_its_words():
    delivery = {"data": [{"id": "1", "text": WORDS}], "errors": [{"title": "operational-disconnect", "detail": WORDS}]}
    [record] = stream_logs(json.dumps(delivery, ensure_ascii=False))
    assert record.getMessage() == "stream message without a post"
    assert record.keys == ["data", "errors"] and record.errors == ["operational-disconnect"]
    assert find_leaks([("log", extras(record))], PLANTED) == []


def test_the_stream_adapter_logs_a_message_it_could_not_handle_by_size_and_masks_the_problem():
    [cut] = stream_logs(json.dumps({"data": {"id": "1", "text": WORDS}}, ensure_ascii=False)[:-5])
    [refused] = stream_logs(json.dumps({"data": {"id": "1", "text": WORDS}}, ensure_ascii=False))
    assert cut.getMessage() == refused.getMessage() == "stream message not handled" and cut.characters > 0
    assert find_leaks([("log", extras(cut))], PLANTED) == []
    written = observability.logger().registered_formatter.format(refused)
    assert "ValueError: unusable post" in written and find_leaks([("log", written)], PLANTED) == []


def test_the_alert_link_page_masks_officers_notes_the_signed_in_page_shows_them():
    complaint = received(1869000000000000001, text=WORDS).after
    complaint = act(complaint, "transfer", note=f"citizen says {WORDS}").after
    through_link = pages.complaint(complaint, NOW, "csrf", unmasked=False, error=f"bad field {WORDS}")
    signed_in = pages.complaint(complaint, NOW, "csrf", unmasked=True, who="officer-162")
    assert find_leaks([("page", through_link)], PLANTED) == [] and "citizen says mera number [phone]" in through_link
    assert len(find_leaks([("page", signed_in)], PLANTED)) == len(PLANTED)
