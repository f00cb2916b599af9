"""AWS clients, created lazily once per container (never at import: cold start matters).

boto3 honours AWS_ENDPOINT_URL, which the local stack sets to its moto server.
"""

from __future__ import annotations

from functools import cache


@cache
def client(service: str):
    import boto3
    from botocore.config import Config

    # Short timeouts: a poll must finish inside its schedule, and an officer's request quickly.
    config = Config(connect_timeout=3, read_timeout=10, retries={"mode": "standard", "max_attempts": 3})
    return boto3.session.Session().client(service, config=config)
