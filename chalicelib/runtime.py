"""The composition root: config, adapters and services wired once per Lambda container, lazily.

Entry points in app.py call the functions at the bottom; nothing here runs at import.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from functools import cache

from .config import Config
from .domain.access import Principal
from .domain.handles import Registry, load_registry
from .domain.lifecycle import Action
from .domain.replies import ReplyPolicy, load_reply_policy
from .domain.sla import SlaPolicy, load_sla_policy
from .services import complaints as complaint_service
from .services import poll as poll_service
from .services import reports as report_service
from .services import status as status_service
from .services import sweep as sweep_service
from .services.ports import ListQuery

SERVICE = "complaint-desk"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@cache
def config() -> Config:
    return Config.from_env()


@cache
def registry() -> Registry:
    return load_registry()


@cache
def reply_policy() -> ReplyPolicy:
    return load_reply_policy()


@cache
def sla_policy() -> SlaPolicy:
    return load_sla_policy()


@cache
def store():
    from .adapters.dynamo_store import DynamoComplaintStore

    return DynamoComplaintStore(config().table_name)


@cache
def alerts():
    from .adapters.sns_alerts import SnsAlerts, sms_attributes

    cfg = config()
    sms = sms_attributes(cfg.sms_dlt_entity_id, cfg.sms_dlt_template_id, cfg.sms_sender_id)
    return SnsAlerts(cfg.alerts_topic_arn, sms=sms)


def secret(name: str) -> str:
    """A SecureString from SSM, cached for a few minutes so rotation needs no redeploy."""
    from aws_lambda_powertools.utilities import parameters

    return parameters.get_parameter(name, decrypt=True, max_age=config().secrets_max_age_seconds)


@cache
def source():
    from .adapters.x_source import TweepyMentionSource

    cfg = config()
    return TweepyMentionSource(
        lambda: secret(cfg.x_bearer_token_parameter), cfg.x_api_base_url, cfg.http_timeout_seconds
    )


@cache
def replies():
    from .adapters.x_replies import TweepyReplies

    cfg = config()
    return TweepyReplies(
        lambda: json.loads(secret(cfg.x_oauth_parameter)), cfg.x_api_base_url, cfg.http_timeout_seconds
    )


def signing_key() -> str:
    return secret(config().token_signing_key_parameter)


@cache
def logger():
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

    log = Logger(service=SERVICE)
    # The services log through the standard library; this makes their records JSON too.
    copy_config_to_registered_loggers(source_logger=log, include={"chalicelib"})
    return log


@cache
def metrics():
    from aws_lambda_powertools import Metrics

    m = Metrics(namespace="ComplaintDesk", service=SERVICE)
    m.set_default_dimensions(stage=config().stage)
    return m


@cache
def tracer():
    """An X-Ray tracer when TRACING_ENABLED is true; None otherwise (and nothing imported)."""
    if not config().tracing_enabled:
        return None
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def traced(name: str, work):
    t = tracer()
    if t is None:
        return work()
    with t.provider.in_subsegment(name):
        return work()


def run_poll() -> dict:
    from aws_lambda_powertools.metrics import MetricUnit

    logger()  # configure the services' loggers before they log
    x = source()
    x.calls = x.rate_limited = 0
    report = traced(
        "poll",
        lambda: poll_service.poll(registry(), x, store(), alerts(), utcnow, replies(), reply_policy(), sla_policy()),
    )
    m = metrics()
    m.add_metric("XApiCalls", MetricUnit.Count, x.calls)
    m.add_metric("XApi429s", MetricUnit.Count, x.rate_limited)
    lags = [h.lag_seconds for h in report.handles if h.lag_seconds is not None]
    if lags:
        m.add_metric("PollLagSeconds", MetricUnit.Seconds, max(lags))
    fetched = sum(h.fetched for h in report.handles)
    m.add_metric("MentionsFetched", MetricUnit.Count, fetched)
    m.add_metric("ComplaintsCreated", MetricUnit.Count, len(report.created))
    m.add_metric("AlertsSent", MetricUnit.Count, report.alerts_sent)
    m.add_metric("AlertsFailed", MetricUnit.Count, report.alerts_failed)
    m.add_metric("RepliesSent", MetricUnit.Count, report.replies_sent)
    m.add_metric("RepliesFailed", MetricUnit.Count, report.replies_failed)
    m.add_metric("HandlesRateLimited", MetricUnit.Count, sum(h.outcome == "rate_limited" for h in report.handles))
    m.add_metric("HandlesFailed", MetricUnit.Count, sum(h.outcome in ("error", "unknown_handle") for h in report.handles))
    m.flush_metrics()
    summary = report.as_dict()
    # Not "created": LogRecord reserves that name.
    logger().info("poll finished", extra={"complaints_created": len(report.created), "mentions_fetched": fetched,
                                          "report": summary})
    return summary


def read_status(principal: Principal) -> dict:
    if not principal.is_admin:
        from .services.complaints import Forbidden

        raise Forbidden("the state-wide status is for admins")
    return status_service.status(store(), registry(), utcnow)


def authenticate(token: str) -> Principal:
    from . import auth

    return auth.verify(signing_key(), token, utcnow())


def list_complaints(principal: Principal, query: ListQuery) -> dict:
    return complaint_service.list_complaints(store(), principal, query)


def get_complaint(principal: Principal, ref: str) -> dict:
    return complaint_service.get_complaint(store(), principal, ref)


def act(principal: Principal, ref: str, body: dict) -> dict:
    action = Action(
        name=body["action"],
        actor=principal.subject,
        note=body.get("note") or "",
        reason=body.get("reason"),
        to_district=body.get("to_district"),
        to_department=body.get("to_department"),
    )
    return complaint_service.act(
        store(), alerts(), principal, ref, action, body.get("version"), utcnow, reply_policy(),
        timedelta(days=config().reopen_window_days), sla_policy(),
    )


def run_sweep(clock=utcnow) -> dict:
    from aws_lambda_powertools.metrics import MetricUnit

    logger()
    report = traced("sweep", lambda: sweep_service.sweep(store(), alerts(), sla_policy(), clock))
    m = metrics()
    m.add_metric("DeadlineReminders", MetricUnit.Count, report.reminders)
    m.add_metric("DeadlineEscalations", MetricUnit.Count, report.escalations)
    m.add_metric("AlertsSent", MetricUnit.Count, report.alerts_sent)
    m.add_metric("AlertsFailed", MetricUnit.Count, report.alerts_failed)
    m.flush_metrics()
    logger().info("sweep finished", extra={"report": report.as_dict()})
    return report.as_dict()


def run_daily_digest() -> dict:
    return report_service.daily_digest(store(), alerts().digest, sla_policy().tz, utcnow).as_dict()


def run_weekly_summary() -> dict:
    if not config().weekly_summary_enabled:
        return {"skipped": "WEEKLY_SUMMARY_ENABLED is off"}
    return report_service.weekly_summary(store(), replies().post, sla_policy().tz, utcnow).as_dict()
