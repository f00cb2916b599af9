"""Configuration from environment variables (set per stage in .chalice/config.json), parsed once.

Secrets are not here: only the names of the SSM parameters that hold them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class Config:
    stage: str
    table_name: str
    alerts_topic_arn: str
    x_bearer_token_parameter: str
    x_oauth2_client_parameter: str  # JSON: {"client_id", "client_secret"} of the desk's app on X
    x_oauth2_redirect_uri: str  # the API's /x/callback, as registered with the app on X
    x_tokens_key_id: str  # the KMS key (id, ARN or alias) sealing the handles' user tokens
    ops_topic_arn: str  # notices for the people running the desk (a handle needs authorisation)
    token_signing_key_parameter: str
    mentions_queue_url: str  # the streamed path's SQS queue: the stream holder puts posts on it, the recorder reads it
    x_api_base_url: str | None = None  # unset: the real X API
    http_timeout_seconds: float = 10.0
    secrets_max_age_seconds: int = 300
    reopen_window_days: int = 7
    weekly_summary_enabled: bool = False  # public weekly posts on X, per department
    x_posting_enabled: bool = False  # replies and posts on X in this stage (off: they wait, pending)
    tracing_enabled: bool = False  # X-Ray subsegments through powertools Tracer
    # SMS to Indian numbers must name the sender's DLT registration (TRAI rules); empty: not sent.
    sms_dlt_entity_id: str = ""
    sms_dlt_template_id: str = ""
    sms_sender_id: str = ""
    stream_enabled: bool = True  # hold X's filtered stream (off: the search reconciler alone reads mentions)
    # Officers' sign-in (Amazon Cognito): the user pool and the pages' app client; unset: service tokens only.
    cognito_user_pool_id: str | None = None
    cognito_client_id: str | None = None
    cognito_jwks_url: str | None = None  # where the pool publishes its keys; unset: Cognito's own address
    pages_base_url: str | None = None  # the API's public address, for the links in alerts; unset: no links

    @property
    def cognito_issuer(self) -> str | None:
        """What Cognito writes in `iss`; the pool id starts with its region ("ap-south-1_AbC")."""
        if not self.cognito_user_pool_id:
            return None
        region = self.cognito_user_pool_id.split("_", 1)[0]
        return f"https://cognito-idp.{region}.amazonaws.com/{self.cognito_user_pool_id}"

    @property
    def cognito_keys_url(self) -> str | None:
        return self.cognito_jwks_url or (self.cognito_issuer and f"{self.cognito_issuer}/.well-known/jwks.json")

    @property
    def secure_cookies(self) -> bool:
        """Pages' cookies go over HTTPS only, except on the local stack (plain http://127.0.0.1)."""
        return self.stage != "local"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Config":
        required = {
            "stage": "STAGE",
            "table_name": "TABLE_NAME",
            "alerts_topic_arn": "ALERTS_TOPIC_ARN",
            "x_bearer_token_parameter": "X_BEARER_TOKEN_PARAMETER",
            "x_oauth2_client_parameter": "X_OAUTH2_CLIENT_PARAMETER",
            "x_oauth2_redirect_uri": "X_OAUTH2_REDIRECT_URI",
            "x_tokens_key_id": "X_TOKENS_KEY_ID",
            "ops_topic_arn": "OPS_TOPIC_ARN",
            "token_signing_key_parameter": "TOKEN_SIGNING_KEY_PARAMETER",
            "mentions_queue_url": "MENTIONS_QUEUE_URL",
        }
        missing = [var for var in required.values() if not env.get(var)]
        if missing:
            raise ConfigError(f"missing environment variables: {', '.join(missing)}")
        values = {field: env[var] for field, var in required.items()}
        try:
            timeout = float(env.get("HTTP_TIMEOUT_SECONDS", "10"))
            max_age = int(env.get("SECRETS_MAX_AGE_SECONDS", "300"))
            reopen_days = int(env.get("REOPEN_WINDOW_DAYS", "7"))
        except ValueError as e:
            raise ConfigError(f"HTTP_TIMEOUT_SECONDS / SECRETS_MAX_AGE_SECONDS / REOPEN_WINDOW_DAYS: {e}") from e
        if timeout <= 0:
            raise ConfigError("HTTP_TIMEOUT_SECONDS must be positive")
        pool, client = env.get("COGNITO_USER_POOL_ID") or None, env.get("COGNITO_CLIENT_ID") or None
        if (pool is None) != (client is None):
            raise ConfigError("set both COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID, or neither")
        if pool is not None and "_" not in pool:
            raise ConfigError(f"COGNITO_USER_POOL_ID {pool!r} is not a pool id (<region>_<id>)")
        return cls(
            **values,
            x_api_base_url=env.get("X_API_BASE_URL") or None,
            http_timeout_seconds=timeout,
            secrets_max_age_seconds=max_age,
            reopen_window_days=reopen_days,
            weekly_summary_enabled=env.get("WEEKLY_SUMMARY_ENABLED", "false").lower() == "true",
            x_posting_enabled=env.get("X_POSTING_ENABLED", "false").lower() == "true",
            tracing_enabled=env.get("TRACING_ENABLED", "false").lower() == "true",
            sms_dlt_entity_id=env.get("SMS_DLT_ENTITY_ID", ""),
            sms_dlt_template_id=env.get("SMS_DLT_TEMPLATE_ID", ""),
            sms_sender_id=env.get("SMS_SENDER_ID", ""),
            stream_enabled=env.get("STREAM_ENABLED", "true").lower() == "true",
            cognito_user_pool_id=pool,
            cognito_client_id=client,
            cognito_jwks_url=env.get("COGNITO_JWKS_URL") or None,
            pages_base_url=(env.get("PAGES_BASE_URL") or "").rstrip("/") or None,
        )
