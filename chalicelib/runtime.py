"""The bootstrap: config, adapters and services wired once per Lambda container, lazily.

Entry points in app.py call the functions at the bottom; nothing here runs at import, and each
adapter's module is imported only when a function first needs it (cold start is a feature).
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from functools import cache

from .config import Config
from .domain.access import Principal
from .domain.complaint import Policies
from .domain.messages import load_messages
from .domain.sla import load_sla_policy
from . import observability
from .observability import logger
from .services import complaints as complaint_service
from .services.ports import ListQuery


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@cache
def config() -> Config:
    return Config.from_env()


class Expiring:
    """A value read again once the copy held is `max_age` seconds old (functools.cache keeps it forever)."""

    def __init__(self, read, max_age: float, monotonic=time.monotonic):
        self._read, self.max_age, self.clock = read, max_age, monotonic
        self._held: tuple[float, object] | None = None

    def __call__(self):
        if self._held is None or self.clock() - self._held[0] >= self.max_age:
            self._held = (self.clock(), self._read())
        return self._held[1]

    def cache_clear(self) -> None:
        self._held = None


# The watched handles, from DynamoDB. An admin's change reaches a warm container within this many
# seconds, without a redeploy; under the poll's minute, so every poll reads the registry afresh.
REGISTRY_MAX_AGE_SECONDS = 55.0
registry: "Expiring" = Expiring(lambda: storage().registry.load(), REGISTRY_MAX_AGE_SECONDS)


@cache
def policies() -> Policies:
    return Policies(load_sla_policy(), load_messages(), timedelta(days=config().reopen_window_days))


@cache
def storage():
    from .adapters.dynamo import storage as dynamo_storage

    return dynamo_storage(config().table_name, cursor_key=cursor_key)


@cache
def alerts():
    from .adapters.sns_alerts import SnsAlerts, sms_attributes

    cfg = config()
    sms = sms_attributes(cfg.sms_dlt_entity_id, cfg.sms_dlt_template_id, cfg.sms_sender_id)
    return SnsAlerts(cfg.alerts_topic_arn, policies().messages, policies().sla.tz, sms=sms, clock=lambda: utcnow(),
                     links=alert_link, subscriptions=subscriptions)


@cache
def alert_subscriptions():
    from .adapters.sns_subscriptions import SnsSubscriptions

    return SnsSubscriptions(config().alerts_topic_arn)


# The alert topic's subscriptions and filters: an officer subscribed or a filter changed shows (on the
# dashboard, and in whether an alert reaches anyone) within this many seconds.
SUBSCRIPTIONS_MAX_AGE_SECONDS = 300.0
subscriptions: "Expiring" = Expiring(lambda: alert_subscriptions().read(), SUBSCRIPTIONS_MAX_AGE_SECONDS)


def secret(name: str) -> str:
    """A SecureString from SSM, cached for a few minutes so rotation needs no redeploy."""
    from aws_lambda_powertools.utilities import parameters

    return parameters.get_parameter(name, decrypt=True, max_age=config().secrets_max_age_seconds)


@cache
def x_budget():
    """The one X budget every X call of this container goes through (shared with the other functions)."""
    from .adapters.dynamo_budget import DynamoXBudget
    from .adapters.dynamo_table import Table

    return DynamoXBudget(Table(config().table_name))


@cache
def source():
    from .adapters.x_source import TweepyMentionSource

    cfg = config()
    return TweepyMentionSource(
        lambda: secret(cfg.x_bearer_token_parameter), cfg.x_api_base_url, cfg.http_timeout_seconds, x_budget(), utcnow
    )


@cache
def x_authorisation():
    from .adapters.x_oauth import XOAuth

    cfg = config()
    return XOAuth(lambda: json.loads(secret(cfg.x_oauth2_client_parameter)), cfg.x_oauth2_redirect_uri,
                  cfg.x_api_base_url, cfg.http_timeout_seconds, x_budget(), utcnow)


@cache
def cipher():
    from .adapters.kms_cipher import KmsCipher

    return KmsCipher(config().x_tokens_key_id)


@cache
def ops_notices():
    from .adapters.sns_alerts import SnsOpsNotices

    return SnsOpsNotices(config().ops_topic_arn)


@cache
def user_tokens():
    """The handles' access tokens, kept in memory for the container's life (until near their expiry)."""
    from .services.tokens import UserTokens

    return UserTokens(storage().grants, cipher(), x_authorisation(), ops_notices(), utcnow)


@cache
def replies():
    """None when posting to X is switched off in this stage: replies wait, pending."""
    if not config().x_posting_enabled:
        return None
    from .adapters.x_replies import TweepyReplies

    cfg = config()
    return TweepyReplies(user_tokens(), cfg.x_api_base_url, cfg.http_timeout_seconds, x_budget(), utcnow)


def signing_key() -> str:
    return secret(config().token_signing_key_parameter)


def cursor_key() -> bytes:
    """Listing cursors are signed with a key derived from the token key: one secret, two uses."""
    import hashlib

    return hashlib.sha256(b"cursor:" + signing_key().encode()).digest()


def traced(name: str, work):
    return observability.traced(name, work, config().tracing_enabled)


def publish_metrics(figures: dict) -> None:
    observability.publish_metrics(figures, config().stage)


def time_left(context):
    """Seconds the invocation has left, as Lambda's context tells; None (no limit) for chalice's local
    stand-in, which reports a 3-second limit whatever the function's configured timeout."""
    if context is None or type(context).__module__.startswith("chalice."):
        return None
    return lambda: context.get_remaining_time_in_millis() / 1000


def run_poll(time_left=None) -> dict:
    """`time_left`: seconds the invocation has left (None outside Lambda: no limit)."""
    from .services import poll as poll_service  # triage comes with it: the API functions never load it

    logger()  # configure the services' loggers before they log
    report = traced("poll", lambda: poll_service.poll(registry(), source(), storage(), alerts(), replies(), utcnow,
                                                      policies(), time_left=time_left, budget=x_budget()))
    publish_metrics(report.metrics())
    summary = report.as_dict()
    # Not "created": LogRecord reserves that name.
    logger().info("poll finished", extra={"complaints_created": len(report.created), "report": summary})
    return summary


@cache
def filtered_stream():
    from .adapters.x_stream import TweepyFilteredStream

    cfg = config()
    from .adapters.x_budget import XBudgetGate

    return TweepyFilteredStream(lambda: secret(cfg.x_bearer_token_parameter), cfg.x_api_base_url,
                                cfg.http_timeout_seconds, XBudgetGate(x_budget(), utcnow))


@cache
def mentions_queue():
    from .adapters.sqs_mentions import SqsMentionsQueue

    return SqsMentionsQueue(config().mentions_queue_url)


def run_stream_holder(time_left=None, stop=None) -> dict:
    """Hold X's filtered stream until shortly before this invocation's time runs out (`stop`: make serve)."""
    from .services import stream as stream_service

    logger()
    if not config().stream_enabled:
        return {"outcome": "disabled", "detail": "STREAM_ENABLED is off"}
    report = stream_service.hold(registry, storage().stream, filtered_stream(), mentions_queue(), utcnow,
                                 time_left=time_left, stop=stop)
    publish_metrics(report.metrics())
    return report.as_dict()


def run_record_mentions(messages: list[tuple[str, str]], time_left=None) -> dict:
    """One SQS batch from the mentions queue; Lambda's partial batch answer."""
    from .adapters.x_source import mentions_from
    from .services import queued
    from .triage import triage

    logger()

    def keep_going() -> bool:
        return time_left is None or time_left() > RECORD_RESERVE_SECONDS

    report = traced("record_mentions", lambda: queued.record(
        messages, registry(), storage(), alerts(), replies(), utcnow, policies(), triage, mentions_from, keep_going))
    publish_metrics(report.metrics())
    logger().info("queued mentions recorded", extra={"report": report.as_dict()})
    return report.response()


RECORD_RESERVE_SECONDS = 10.0  # a batch stops recording with this much time left: the rest comes again


def run_reconcile(time_left=None) -> dict:
    """The minute's search for every watched handle, and the backfill of those search no longer reaches."""
    from .services import reconcile as reconcile_service

    logger()
    report = traced("reconcile", lambda: reconcile_service.reconcile(
        registry(), source(), source(), storage(), alerts(), replies(), ops_notices(), utcnow, policies(),
        time_left=time_left, budget=x_budget()))
    publish_metrics(report.metrics())
    summary = report.as_dict()
    logger().info("reconcile finished", extra={"complaints_created": len(report.created), "report": summary})
    return summary


def run_sweep(clock=utcnow) -> dict:
    from .services import sweep as sweep_service

    logger()
    report = traced("sweep", lambda: sweep_service.sweep(storage(), alerts(), policies(), clock))
    publish_metrics(report.metrics())
    logger().info("sweep finished", extra={"report": report.as_dict()})
    return report.as_dict()


def run_daily_digest() -> dict:
    from .services import reports as report_service

    return report_service.daily_digest(storage(), alerts().digest, policies(), utcnow).as_dict()


def run_weekly_summary() -> dict:
    """The departments' public posts on X (when switched on), and the state report to the admins (always)."""
    from .services import reports as report_service
    from .services import state_report

    state = {"state_report": state_report.state_report(storage(), ops_notices().tell, policies(), utcnow).as_dict()}
    if not config().weekly_summary_enabled:
        return {"skipped": "WEEKLY_SUMMARY_ENABLED is off"} | state
    post = replies().post if replies() else None
    return report_service.weekly_summary(storage(), post, registry(), policies(), utcnow).as_dict() | state


def _dashboard():
    from .services import dashboard

    return dashboard.dashboard(storage(), registry(), utcnow, policies().sla.tz, config().x_posting_enabled,
                               x_budget(), subscriptions)


def read_status(principal: Principal) -> dict:
    complaint_service.read_status_as(principal)
    return _dashboard().as_status()


def dashboard_page(principal: Principal, query: dict) -> str:
    from .domain.ranking import DEFAULT_SORT
    from .web import dashboard

    complaint_service.read_status_as(principal)
    return dashboard.render(_dashboard(), query.get("sort", DEFAULT_SORT), query.get("dsort", DEFAULT_SORT))


def complaints_page(principal: Principal, query: ListQuery) -> str:
    from .web import listing

    complaint_service.read_status_as(principal)
    today = utcnow().astimezone(policies().sla.tz).date()
    return listing.render(complaint_service.list_complaints(storage(), principal, query), query, today)


def export_complaints(principal: Principal, query: ListQuery, start, end) -> tuple[str, str | None]:
    from .services import export

    return export.export(storage(), principal, query, start, end, policies().sla.tz)


def authorisation_link(handle: str) -> str:
    from .services import authorise

    return authorise.authorisation_link(storage().grants, x_authorisation(), registry(), handle, utcnow)


def complete_authorisation(query: dict) -> dict:
    """X's redirect after the handle's owner answered the consent page."""
    from .services import authorise

    return authorise.complete(storage().grants, cipher(), x_authorisation(), utcnow, query.get("state"),
                              query.get("code"), query.get("error"))


def authenticate(token: str) -> Principal:
    """A bearer token: an officer's Cognito ID token, or one of the desk's own (the admin command's)."""
    from . import auth, cognito

    if cognito.is_cognito(token):
        cfg = config()
        if not cfg.cognito_user_pool_id:
            raise auth.InvalidToken("officers' sign-in is not set up in this stage")
        return cognito.verify(cognito_keys(), token, cfg.cognito_issuer, cfg.cognito_client_id, utcnow())
    return auth.verify(signing_key(), token, utcnow())


@cache
def cognito_keys():
    """The user pool's published keys, fetched once per container (again only for a new key id)."""
    from . import cognito

    return cognito.keys(config().cognito_keys_url, config().http_timeout_seconds)


@cache
def officers_pool():
    from .adapters.cognito_pool import CognitoPool

    cfg = config()
    if not cfg.cognito_user_pool_id:
        from .errors import DeskError

        raise DeskError("officers' sign-in is not set up in this stage (COGNITO_USER_POOL_ID)")
    return CognitoPool(cfg.cognito_user_pool_id, cfg.cognito_client_id)


def link_key() -> bytes:
    """Alert links are signed with a key derived from the token key, as cursors are."""
    import hashlib

    return hashlib.sha256(b"alert-link:" + signing_key().encode()).digest()


def alert_link(complaint) -> str | None:
    """The one-tap link an alert about `complaint` carries; None where PAGES_BASE_URL is not set."""
    from .services.links import alert_link as link

    base = config().pages_base_url
    return link(link_key(), base, complaint, utcnow()) if base else None


def list_complaints(principal: Principal, query: ListQuery) -> dict:
    return complaint_service.list_complaints(storage(), principal, query)


def get_complaint(principal: Principal, ref: str) -> dict:
    return complaint_service.get_complaint(storage(), principal, ref)


def act(principal: Principal, ref: str, request: dict) -> dict:
    return complaint_service.act(storage(), alerts(), principal, ref, request, utcnow, policies())


def act_through_link(token: str, request: dict) -> dict:
    from .services import links

    return links.act(storage(), alerts(), link_key(), token, request, utcnow, policies())


def review_queue(principal: Principal, query: dict) -> dict:
    return complaint_service.review_queue(storage(), principal, **query)


def _handles():
    from .services import handles

    return handles


def list_handles(principal: Principal) -> dict:
    _handles().admin_only(principal)
    return _handles().list_handles(storage())


def add_handle(principal: Principal, request: dict) -> dict:
    _handles().admin_only(principal)
    added = _handles().add(storage(), source(), utcnow, **request)
    registry.cache_clear()  # this container's /status shows it at once
    return added


def change_handle(principal: Principal, handle: str, request: dict) -> dict:
    _handles().admin_only(principal)
    changed = _handles().change(storage(), handle, **request)
    registry.cache_clear()
    return changed


def import_handles(principal: Principal, text: str, dry_run: bool) -> dict:
    handles = _handles()
    handles.admin_only(principal)
    plan = handles.import_csv(storage(), source(), utcnow, text, dry_run)
    registry.cache_clear()
    return handles.imported(plan)
