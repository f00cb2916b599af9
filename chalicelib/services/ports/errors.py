"""What the ports raise: failures of X, of the store and of the other services, in the services' words."""

from __future__ import annotations

from datetime import datetime



class RateLimited(Exception):
    """X said 429: leave this handle's cursor alone until the window resets."""

    def __init__(self, reset_at: datetime | None):
        super().__init__(f"rate limited until {reset_at.isoformat() if reset_at else 'unknown'}")
        self.reset_at = reset_at


class SourceUnavailable(Exception):
    """X failed (5xx, timeout, malformed answer); the next poll tries again."""


class HandleUnavailable(Exception):
    """X says the watched account itself is gone (suspended or deleted): not asked again for a day."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StorageUnavailable(Exception):
    """The store failed after its own retries (throttled, unreachable, 5xx): the work waits for a later run."""


class StorageRejected(StorageUnavailable):
    """The store refused the write for good (an item over DynamoDB's size limit, a malformed key):
    trying again changes nothing."""


class ThreadTaken(Exception):
    """The citizen's thread has a complaint already: a thread's first post arrived after the follow-up had
    become a complaint of its own, or another run recorded the thread while this one read the post."""

    def __init__(self, ref: str):
        super().__init__(f"complaint {ref} already holds this citizen's thread")
        self.ref = ref


class AlertFailed(Exception):
    """The alert could not be published; the complaint keeps its alert pending."""


class ReplyFailed(Exception):
    """X did not take the reply; it stays pending for the next poll (final: X will never take it)."""

    def __init__(self, message: str, final: bool = False):
        super().__init__(message)
        self.final = final


class DuplicateReply(Exception):
    """X refused the reply as a duplicate: an earlier attempt was posted but not recorded."""


class NeedsAuthorisation(Exception):
    """The handle's grant is gone (revoked by its owner, or expired): its owner must authorise the desk again."""

    def __init__(self, handle: str, detail: str = ""):
        super().__init__(f"@{handle} needs authorisation" + (f": {detail}" if detail else ""))
        self.handle = handle


class TokenRefused(Exception):
    """X refused a code or refresh token (400 invalid_request): that grant cannot be used again."""


class QueueUnavailable(Exception):
    """SQS refused the whole batch (unreachable, throttled, denied): the posts are kept and sent again."""
