"""Complaint states, reference numbers, the handle registry and the configuration."""

import pytest

from chalicelib.config import Config, ConfigError
from chalicelib.domain.status import OPEN, TRANSITIONS, Status, check_transition
from chalicelib.domain.values import reference
from chalicelib.errors import IllegalTransition
from chalicelib.domain.districts import DISTRICTS
from chalicelib.domain.handles import RegistryError, load_registry, parse_registry


def test_references_name_the_district_the_year_and_a_six_digit_number():
    assert reference(162, 2026, 123) == "UP-LKO-26-000123"
    assert reference(144, 2027, 1) == "UP-GBN-27-000001"


def test_complaints_no_district_could_be_told_for_are_numbered_in_the_state_queue():
    assert reference(None, 2026, 7) == "UP-HQ-26-000007"


def test_every_district_has_a_distinct_three_letter_code():
    codes = [d.code for d in DISTRICTS.values()]
    assert len(DISTRICTS) == 75 and len(set(codes)) == 75 and all(len(c) == 3 for c in codes)


def test_a_new_complaint_can_be_acknowledged_but_not_closed():
    check_transition(Status.NEW, Status.ACKNOWLEDGED)
    with pytest.raises(IllegalTransition, match="new cannot become closed"):
        check_transition(Status.NEW, Status.CLOSED)


def test_closed_and_rejected_complaints_are_final():
    assert TRANSITIONS[Status.CLOSED] == TRANSITIONS[Status.REJECTED] == frozenset()


def test_every_status_has_its_transitions_and_open_ones_can_still_be_resolved_or_moved():
    assert set(TRANSITIONS) == set(Status)
    for status in OPEN:
        assert TRANSITIONS[status] & {Status.RESOLVED, Status.TRANSFERRED}


def test_the_shipped_registry_loads_and_looks_up_handles_in_any_case():
    registry = load_registry()
    assert registry.get("@LucknowPolice").district == 162
    assert registry.get("NOIDAPOLICE").district == 144
    assert registry.get("someone_else") is None


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"handle": "x", "kind": "zone", "department": "police", "district": None}, "kind"),
        ({"handle": "x", "kind": "state", "department": "fire", "district": None}, "department"),
        ({"handle": "x", "kind": "district_police", "department": "police", "district": 999}, "LGD"),
        ({"handle": "x", "kind": "district_police", "department": "police", "district": None}, "needs its district"),
        ({"kind": "state", "department": "police", "district": None}, "handle"),
    ],
)
def test_a_malformed_registry_is_refused_with_the_reason(entry, message):
    with pytest.raises(RegistryError, match=message):
        parse_registry({"handles": [entry]})


def test_a_handle_listed_twice_is_refused():
    entry = {"handle": "Uppolice", "kind": "state", "department": "police", "district": None}
    with pytest.raises(RegistryError, match="twice"):
        parse_registry({"handles": [entry, dict(entry, handle="UPPOLICE")]})


ENV = {
    "STAGE": "dev",
    "TABLE_NAME": "t",
    "ALERTS_TOPIC_ARN": "arn:aws:sns:ap-south-1:1:a",
    "X_BEARER_TOKEN_PARAMETER": "/p",
    "X_OAUTH2_CLIENT_PARAMETER": "/o",
    "X_OAUTH2_REDIRECT_URI": "https://desk.example/api/x/callback",
    "X_TOKENS_KEY_ID": "alias/k",
    "OPS_TOPIC_ARN": "arn:aws:sns:ap-south-1:1:ops",
    "TOKEN_SIGNING_KEY_PARAMETER": "/k",
    "MENTIONS_QUEUE_URL": "https://sqs.ap-south-1.amazonaws.com/1/mentions",
}


def test_configuration_is_read_from_the_environment():
    config = Config.from_env(ENV | {"HTTP_TIMEOUT_SECONDS": "4.5"})
    assert config.table_name == "t" and config.http_timeout_seconds == 4.5 and config.x_api_base_url is None


def test_missing_configuration_fails_fast_naming_every_missing_variable():
    with pytest.raises(ConfigError, match="TABLE_NAME, ALERTS_TOPIC_ARN"):
        Config.from_env({k: v for k, v in ENV.items() if k not in ("TABLE_NAME", "ALERTS_TOPIC_ARN")})


def test_a_non_numeric_timeout_is_refused():
    with pytest.raises(ConfigError):
        Config.from_env(ENV | {"HTTP_TIMEOUT_SECONDS": "soon"})


def test_switches_and_sms_registration_come_from_the_environment():
    config = Config.from_env(ENV | {"TRACING_ENABLED": "true", "WEEKLY_SUMMARY_ENABLED": "TRUE",
                                    "SMS_DLT_ENTITY_ID": "110", "SMS_DLT_TEMPLATE_ID": "220"})
    assert config.tracing_enabled and config.weekly_summary_enabled and not config.x_posting_enabled
    assert Config.from_env(ENV | {"X_POSTING_ENABLED": "true"}).x_posting_enabled
    assert (config.sms_dlt_entity_id, config.sms_dlt_template_id) == ("110", "220")
    assert not Config.from_env(ENV).tracing_enabled
    assert Config.from_env(ENV).stream_enabled and not Config.from_env(ENV | {"STREAM_ENABLED": "false"}).stream_enabled
    assert Config.from_env(ENV).mentions_queue_url.endswith("/mentions")
