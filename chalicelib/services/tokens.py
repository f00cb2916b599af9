"""Each handle's OAuth 2.0 user access token, kept fresh without breaking its refresh chain.

X's access tokens last two hours; a refresh token works once and is replaced by the refresh. So a
refresh is made under a lease on the grant (a conditional write), and its new pair is stored while the
grant is still the one refreshed (even if the lease lapsed meanwhile: X rotated the token for it, so it
holds the only live one); a function that finds the lease taken waits for the winner's token. The
decrypted access token is kept in memory until shortly before it expires (cold starts, KMS calls).
A grant X refuses for good marks the handle `needs_authorisation`, and ops are told once.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timedelta
from typing import Callable

from .ports import (Cipher, Grant, Grants, NeedsAuthorisation, OpsNotices, ReplyFailed, SourceUnavailable,
                    StorageUnavailable, TokenRefused, Tokens, XAuthorisation)

log = logging.getLogger(__name__)

REFRESH_AHEAD = timedelta(minutes=5)  # refresh this long before the access token expires
LEASE = timedelta(seconds=60)  # longer than a refresh can take (HTTP timeout 10 s)
WAIT_STEP = 0.2  # seconds between looks at a grant another function is refreshing
WAIT_STEPS = 50
ATTEMPTS = 3


class UserTokens:
    def __init__(self, grants: Grants, cipher: Cipher, x: XAuthorisation, ops: OpsNotices,
                 clock: Callable[[], datetime], sleep: Callable[[float], None] = time.sleep):
        self.grants, self.cipher, self.x, self.ops, self.clock, self.sleep = grants, cipher, x, ops, clock, sleep
        self._cache: dict[str, tuple[str, datetime]] = {}  # handle key -> (access token, expires at)
        self._users: dict[str, str] = {}  # handle key -> X user id
        self._unanswered: dict[str, datetime] = {}  # handle key -> end of the lease of a refresh X left unanswered

    def access_token(self, handle: str) -> str:
        """A valid access token for the handle; NeedsAuthorisation when its grant is gone."""
        key = handle.lower()
        cached = self._cache.get(key)
        if cached and self.clock() < cached[1] - REFRESH_AHEAD:
            return cached[0]
        return self._fresh(key, refused=None)

    def after_unauthorised(self, handle: str, refused: str) -> str:
        """X answered 401 to `refused`: the token another function stored since, or a refreshed one."""
        key = handle.lower()
        self._cache.pop(key, None)
        return self._fresh(key, refused=refused)

    def revoked(self, handle: str, detail: str) -> NeedsAuthorisation:
        """X refused a token just refreshed: the grant is gone. Marks it, tells ops once; returns the error."""
        key = handle.lower()
        self._cache.pop(key, None)
        try:
            grant = self.grants.get(self._user_id(key))
            if grant is not None:
                self._mark(grant, detail)
        except StorageUnavailable as e:  # not flagged this time: the next attempt meets the same refusal
            log.warning("handle not marked as needing authorisation", extra={"handle": key, "detail": str(e)})
        return NeedsAuthorisation(key, detail)

    def _user_id(self, key: str) -> str:
        if key not in self._users:
            state = self.grants.states().get(key)
            if state is None:
                raise NeedsAuthorisation(key, "never authorised")
            self._users[key] = state.user_id
        return self._users[key]

    def _fresh(self, key: str, refused: str | None) -> str:
        until = self._unanswered.get(key)
        if until and self.clock() < until:
            # This function's own lease from that refresh holds: waiting for it would cost every reply 30 s.
            raise ReplyFailed(f"@{key}'s token could not be refreshed: X's token endpoint did not answer; "
                              f"tried again after {until.isoformat()}")
        try:
            user_id = self._user_id(key)
            for _ in range(ATTEMPTS):
                grant = self._usable(key, user_id)
                now = self.clock()
                tokens = None
                if now < grant.expires_at - REFRESH_AHEAD:
                    tokens = self.cipher.open(user_id, grant.handle, grant.sealed, grant.expires_at)
                    if tokens.access_token != refused:
                        return self._keep(key, tokens)
                lease = uuid.uuid4().hex
                if not self.grants.take_lease(grant, lease, now + LEASE, now):
                    self._wait_for_change(grant)  # another function is refreshing: use its token
                    continue
                tokens = tokens or self.cipher.open(user_id, grant.handle, grant.sealed, grant.expires_at)
                try:
                    fresh = self._refresh(key, grant, tokens, lease)
                except (ReplyFailed, SourceUnavailable):
                    self._unanswered[key] = now + LEASE
                    raise
                if fresh is None:
                    continue  # the chain moved on under a lapsed lease: read it again
                if not self.grants.renew(grant, self.cipher.seal(user_id, grant.handle, fresh), fresh.expires_at):
                    log.error("refreshed tokens not stored: the grant changed meanwhile", extra={"handle": key})
                self._unanswered.pop(key, None)
                return self._keep(key, fresh)
        except (StorageUnavailable, SourceUnavailable) as e:
            raise ReplyFailed(f"@{key}'s token could not be made ready: {e}") from e
        raise ReplyFailed(f"@{key}'s token is being refreshed by another function; tried {ATTEMPTS} times")

    def _usable(self, key: str, user_id: str) -> Grant:
        grant = self.grants.get(user_id)
        if grant is None:
            raise NeedsAuthorisation(key, "never authorised")
        if grant.needs_authorisation:
            raise NeedsAuthorisation(key, grant.needs_authorisation)
        return grant

    def _refresh(self, key: str, grant: Grant, tokens: Tokens, lease: str) -> Tokens | None:
        try:
            return self.x.refresh(tokens.refresh_token, self.clock())
        except TokenRefused:
            current = self.grants.get(grant.user_id)
            taken_over = current is not None and current.lease not in (None, lease)
            if grant.lease is not None or taken_over:
                # X may have rotated the token for another holder of the chain: one whose lapsed lease we
                # took over, or one that took ours over when it lapsed while our request was on its way.
                # Its write of the new pair may be on its way. Wait for it before judging.
                self._wait_for_change(current if taken_over else grant)
                current = self.grants.get(grant.user_id)
            if current is not None and current.version != grant.version:
                return None
            detail = "X refused its refresh token: the owner revoked the desk's access, or the grant expired"
            self._mark(grant, detail)
            raise NeedsAuthorisation(key, detail) from None

    def _mark(self, grant: Grant, detail: str) -> None:
        if not self.grants.mark_needs_authorisation(grant, detail, self.clock()):
            return  # flagged already: ops were told then
        log.warning("handle needs authorisation", extra={"handle": grant.handle, "detail": detail})
        try:
            self.ops.tell(f"@{grant.handle} needs authorisation",
                          f"The complaint desk can no longer post as @{grant.handle}: {detail}.\n"
                          f"Replies to citizens who tag @{grant.handle} wait (blocked) until its owner authorises the "
                          f"desk again: python -m chalicelib.admin authorise {grant.handle}")
        except Exception:  # the flag is set and shown in /status; the notice is best effort
            log.exception("ops notice not sent", extra={"handle": grant.handle})

    def _wait_for_change(self, grant: Grant) -> None:
        for _ in range(WAIT_STEPS):
            self.sleep(WAIT_STEP)
            current = self.grants.get(grant.user_id)
            if current is None or current.version != grant.version or current.needs_authorisation:
                return
            if current.lease is None or (current.lease_until and self.clock() >= current.lease_until):
                return

    def _keep(self, key: str, tokens: Tokens) -> str:
        self._cache[key] = (tokens.access_token, tokens.expires_at)
        return tokens.access_token
