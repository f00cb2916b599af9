"""Tokens sealed with KMS: one Encrypt per refresh, one Decrypt per cold start or refresh. The encryption
context names the X user and the handle, so a ciphertext opens only for the grant it was made for (and
CloudTrail shows whose token was opened)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime

from ..services.ports import StorageUnavailable, Tokens
from .aws import client


def context(user_id: str, handle: str) -> dict[str, str]:
    return {"purpose": "x-user-token", "x_user_id": user_id, "handle": handle}


class KmsCipher:
    def __init__(self, key_id: str, kms=None):
        self.key_id = key_id
        self._client = kms

    @property
    def kms(self):
        return self._client or client("kms")

    def seal(self, user_id: str, handle: str, tokens: Tokens) -> bytes:
        plain = json.dumps({"access_token": tokens.access_token, "refresh_token": tokens.refresh_token}).encode()
        with _unavailable():
            return self.kms.encrypt(KeyId=self.key_id, Plaintext=plain,
                                    EncryptionContext=context(user_id, handle))["CiphertextBlob"]

    def open(self, user_id: str, handle: str, sealed: bytes, expires_at: datetime) -> Tokens:
        with _unavailable():
            plain = self.kms.decrypt(KeyId=self.key_id, CiphertextBlob=sealed,
                                     EncryptionContext=context(user_id, handle))["Plaintext"]
        raw = json.loads(plain)
        return Tokens(raw["access_token"], raw["refresh_token"], expires_at)


@contextmanager
def _unavailable():
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as e:  # the token waits, as it would for DynamoDB
        raise StorageUnavailable(f"KMS: {e}") from e
