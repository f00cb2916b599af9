"""Logs and the tracing switch, as the scheduled functions use them (metrics: tests/deploy)."""

import logging

from chalice.test import Client

from app import app
from chalicelib import observability, runtime


def test_with_tracing_on_the_work_runs_inside_a_subsegment_and_with_it_off_nothing_is_imported(stack, monkeypatch):
    monkeypatch.setenv("TRACING_ENABLED", "true")
    runtime.config.cache_clear()
    try:
        assert type(observability.tracer(runtime.config().tracing_enabled)).__name__ == "Tracer"
        assert runtime.traced("unit", lambda: 42) == 42
    finally:
        monkeypatch.undo()
        runtime.config.cache_clear()
    assert observability.tracer(runtime.config().tracing_enabled) is None and runtime.traced("unit", lambda: 7) == 7


def test_the_poll_logs_each_complaint_with_its_reference_tweet_and_handle(stack):
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)

    runtime.logger()  # configures the chalicelib loggers; the local stage logs at WARNING
    poll_log = logging.getLogger("chalicelib.services.recording")
    handler, level = Collect(), poll_log.level
    poll_log.addHandler(handler)
    poll_log.setLevel(logging.INFO)
    try:
        with Client(app, stage_name="local") as client:
            event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
            created = client.lambda_.invoke("poll", event).payload["created"]
    finally:
        poll_log.removeHandler(handler)
        poll_log.setLevel(level)
    recorded = [r for r in records if r.getMessage() == "complaint recorded"]
    assert {r.complaint_ref for r in recorded} == set(created)
    assert all(r.tweet_id and r.handle is not None for r in recorded)
