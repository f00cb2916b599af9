"""One fix to moto's Cognito so the local user pool answers a bad sign-in session as Cognito does.

A challenge answer (a new password, an authenticator code) carries the session Cognito handed out with
the challenge. Given a session it never handed out, or one that has expired, Cognito answers
NotAuthorizedException ("Invalid session for the user."), which the pages show as a refused sign-in;
moto answers ResourceNotFoundException, which means a missing pool or client and which the desk rightly
calls an outage (503). The abuse run (devtools/chaos/abuse.py) found the difference by posting forms with
made-up sessions.

`apply()` is idempotent; devtools.stack.MotoServer calls it before serving.
"""

from __future__ import annotations

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.cognitoidp import models
    from moto.cognitoidp.exceptions import NotAuthorizedError

    respond = models.CognitoIdpBackend.respond_to_auth_challenge

    def respond_to_auth_challenge(self, session, client_id, challenge_name, challenge_responses):
        known = challenge_responses.get("PASSWORD_CLAIM_SECRET_BLOCK") if challenge_name == "PASSWORD_VERIFIER" else session
        if known not in self.sessions:
            raise NotAuthorizedError("Invalid session for the user.")
        return respond(self, session, client_id, challenge_name, challenge_responses)

    models.CognitoIdpBackend.respond_to_auth_challenge = respond_to_auth_challenge
    _applied = True
