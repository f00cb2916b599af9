"""Structured logs, metrics and tracing through powertools, configured lazily once per container.

Every log record is masked as it is written: each string in it, the exception's text included, goes
through the domain's one masking function. The services never log a post's text or an author's contact;
this is the guard for what nobody meant to log (an exception quoting a value, a store's error message)."""

from __future__ import annotations

import json
from functools import cache

SERVICE = "complaint-desk"


def masked_json(log: dict) -> str:
    """A log record as JSON, every phone, Aadhaar, card number and e-mail address in it masked."""
    from .domain.pii import mask

    def masked(value):
        if isinstance(value, str):
            return mask(value)
        if isinstance(value, dict):
            return {key: masked(v) for key, v in value.items()}
        if isinstance(value, (list, tuple, set)):
            return [masked(v) for v in value]
        return value

    return json.dumps(masked(log), default=lambda other: mask(str(other)), separators=(",", ":"), ensure_ascii=False)


@cache
def logger():
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

    log = Logger(service=SERVICE, json_serializer=masked_json)
    # The services log through the standard library; this makes their records JSON too.
    copy_config_to_registered_loggers(source_logger=log, include={"chalicelib"})
    return log


@cache
def metrics(stage: str):
    from aws_lambda_powertools import Metrics

    m = Metrics(namespace="ComplaintDesk", service=SERVICE)
    m.set_default_dimensions(stage=stage)
    return m


def publish_metrics(figures: dict[str, tuple[str, float]], stage: str) -> None:
    """Figures a service's report gives, by metric name: (unit, value). Flushed at once."""
    from aws_lambda_powertools.metrics import MetricUnit

    m = metrics(stage)
    for name, (unit, value) in figures.items():
        m.add_metric(name, MetricUnit[unit], value)
    m.flush_metrics()


@cache
def tracer(enabled: bool):
    """An X-Ray tracer when TRACING_ENABLED is true; None otherwise (and nothing imported)."""
    if not enabled:
        return None
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def traced(name: str, work, enabled: bool):
    t = tracer(enabled)
    if t is None:
        return work()
    with t.provider.in_subsegment(name):
        return work()
