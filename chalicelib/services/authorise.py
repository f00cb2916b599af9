"""A handle's owner authorises the desk to post as the handle: OAuth 2.0 Authorization Code with PKCE.

An admin prints a link (`python -m chalicelib.admin authorise HANDLE`); the owner opens it while logged
in to X as the handle and approves; X sends the browser to the callback, which checks the state (single
use, 15 minutes), exchanges the code, checks that the account that consented is the handle the link was
for, and stores the tokens encrypted. Nothing is stored on any failure.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Callable

from ..domain.handles import Registry
from ..errors import BadRequest, NotFound, XUnavailable
from .ports import Cipher, Grant, Grants, SourceUnavailable, TokenRefused, XAuthorisation

LINK_LIFETIME = timedelta(minutes=15)


def challenge_of(verifier: str) -> str:
    """PKCE S256: base64url(sha256(verifier)) without padding (RFC 7636)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def authorisation_link(grants: Grants, x: XAuthorisation, registry: Registry, handle: str,
                       clock: Callable[[], datetime]) -> str:
    watched = registry.get(handle)
    if watched is None:
        raise NotFound(f"@{handle.lstrip('@')} is not a watched handle")
    state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)  # verifier: 86 characters (43-128)
    grants.start_authorisation(state, watched.key, verifier, clock() + LINK_LIFETIME)
    return x.authorize_url(state, challenge_of(verifier))


def complete(grants: Grants, cipher: Cipher, x: XAuthorisation, clock: Callable[[], datetime],
             state: str | None, code: str | None, error: str | None) -> dict:
    """X's redirect back: the handle is authorised, or BadRequest says why not (nothing stored)."""
    if not state:
        raise BadRequest("the callback has no state: open the authorisation link the admin command printed")
    found = grants.finish_authorisation(state, clock())  # used up now, whatever follows
    if found is None:
        raise BadRequest("this authorisation link is unknown, used already or expired (links last 15 minutes): "
                         "ask for a new one")
    handle, verifier = found
    if error:
        raise BadRequest(f"@{handle} was not authorised: X says {error}")
    if not code:
        raise BadRequest("the callback has no code")
    try:
        tokens = x.exchange(code, verifier, clock())
        user_id, username = x.user(tokens.access_token)
    except TokenRefused:
        raise BadRequest("X refused the authorisation code (used or expired): ask for a new link") from None
    except SourceUnavailable as e:
        raise XUnavailable(f"X could not be reached to finish authorising @{handle}: {e}") from None
    if username.lower() != handle:
        x.revoke(tokens.refresh_token)  # the desk keeps no access to an account it does not watch
        raise BadRequest(f"the account that approved is @{username}, not @{handle}: log in to X as @{handle} "
                         f"and open a new link")
    now = clock()
    grants.store(Grant(handle, user_id, cipher.seal(user_id, handle, tokens), tokens.expires_at), now)
    # The answer names the account as X spells it (@UPJalNigam), not by the registry's lower-case key.
    return {"handle": username, "user_id": user_id, "authorised": True,
            "message": f"@{username} is authorised: the desk can now reply to citizens who tag it"}
