"""The mentions queue: the stream holder puts each post on it, as X delivered it, ten to a request."""

from __future__ import annotations

import json

from ..services.ports import QueueUnavailable

BATCH = 10  # SendMessageBatch takes at most ten entries


class SqsMentionsQueue:
    """No AWS client is created here: the first send creates it (or uses `client`)."""

    def __init__(self, queue_url: str, client=None):
        self.queue_url = queue_url
        self._client = client

    @property
    def sqs(self):
        if self._client is None:
            from .aws import client

            self._client = client("sqs")
        return self._client

    def send(self, bodies: list[dict]) -> list[dict]:
        from botocore.exceptions import BotoCoreError, ClientError

        failed: list[dict] = []
        for start in range(0, len(bodies), BATCH):
            chunk = bodies[start : start + BATCH]
            entries = [{"Id": str(i), "MessageBody": json.dumps(b, ensure_ascii=False, separators=(",", ":"))}
                       for i, b in enumerate(chunk)]
            try:
                answer = self.sqs.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            except (BotoCoreError, ClientError) as e:
                # botocore retried already: the rest waits for the holder's next try.
                if start == 0:
                    raise QueueUnavailable(f"SQS: {e}") from e
                return failed + bodies[start:]
            failed += [chunk[int(f["Id"])] for f in answer.get("Failed", [])]
        return failed
