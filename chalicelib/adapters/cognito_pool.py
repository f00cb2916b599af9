"""The officers' Amazon Cognito user pool: signing in through the pages' app client (USER_PASSWORD_AUTH
and its challenges) and the admin commands' accounts. Speaks the desk's words: an officer has an
email (the user name), a role and a scope, kept as custom attributes (chalicelib/cognito.py reads them
back from the ID token)."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from ..cognito import DEPARTMENTS, DISTRICTS, ROLE
from ..errors import DeskError
from .aws import client

# Cognito's answers to a sign-in that fails on the person's side, said plainly and alike (whether the
# account exists is not told).
_REFUSED = {
    "NotAuthorizedException": "Incorrect email or password, or the account is disabled.",
    "UserNotFoundException": "Incorrect email or password, or the account is disabled.",
    "PasswordResetRequiredException": "Your password was reset: use the code sent to you to choose a new one.",
    "InvalidPasswordException": "That password does not meet the rules: at least 12 characters, with upper and "
                                "lower case letters, a digit and a symbol.",
    "CodeMismatchException": "That code is not right; try the current code from your authenticator app.",
    "ExpiredCodeException": "That code has expired; sign in again.",
    "TooManyRequestsException": "Too many attempts; wait a minute and try again.",
    "LimitExceededException": "Too many attempts; wait a few minutes and try again.",
}


class SignInRefused(DeskError):
    status, code = 401, "sign_in_refused"


class PoolUnavailable(DeskError):
    status, code = 503, "sign_in_unavailable"


@dataclass(frozen=True)
class SignIn:
    """Either tokens (signed in) or the next challenge: NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, MFA_SETUP."""

    id_token: str | None = None
    access_token: str | None = None  # for the signed-in person's own calls (their authenticator app)
    expires_in: int = 0
    challenge: str | None = None
    session: str | None = None


@dataclass(frozen=True)
class Account:
    email: str
    role: str
    districts: tuple[int, ...]
    departments: tuple[str, ...]
    name: str = ""
    enabled: bool = True
    status: str = ""  # Cognito's: FORCE_CHANGE_PASSWORD until the invitation is answered, CONFIRMED after


def attributes(account: Account) -> list[dict]:
    values = {ROLE: account.role, DISTRICTS: ",".join(map(str, account.districts)),
              DEPARTMENTS: ",".join(account.departments), "email": account.email, "name": account.name}
    return [{"Name": k, "Value": v} for k, v in values.items()]


class CognitoPool:
    def __init__(self, pool_id: str, client_id: str, idp=None):
        self.pool_id, self.client_id = pool_id, client_id
        self._client = idp

    @property
    def idp(self):
        return self._client or client("cognito-idp")

    # --- signing in (the pages) -----------------------------------------------------------

    def sign_in(self, email: str, password: str) -> SignIn:
        return self._answer(lambda: self.idp.initiate_auth(
            ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password}))

    def respond(self, challenge: str, email: str, session: str, **answers: str) -> SignIn:
        """Answer a challenge: new_password= for NEW_PASSWORD_REQUIRED, code= for SOFTWARE_TOKEN_MFA."""
        responses = {"USERNAME": email}
        if "new_password" in answers:
            responses["NEW_PASSWORD"] = answers["new_password"]
        if "code" in answers:
            responses[f"{challenge}_CODE"] = answers["code"]
        return self._answer(lambda: self.idp.respond_to_auth_challenge(
            ClientId=self.client_id, ChallengeName=challenge, Session=session, ChallengeResponses=responses))

    def _answer(self, call) -> SignIn:
        answer = self._call(call)
        if "AuthenticationResult" in answer:
            result = answer["AuthenticationResult"]
            return SignIn(id_token=result["IdToken"], access_token=result.get("AccessToken"),
                          expires_in=int(result.get("ExpiresIn", 3600)))
        return SignIn(challenge=answer.get("ChallengeName"), session=answer.get("Session"))

    # --- the signed-in person's authenticator app (admins must have one) ---------------------

    def has_authenticator(self, access_token: str) -> bool:
        answer = self._call(lambda: self.idp.get_user(AccessToken=access_token))
        return "SOFTWARE_TOKEN_MFA" in answer.get("UserMFASettingList", [])

    def start_authenticator(self, access_token: str) -> str:
        """The secret the person adds to their authenticator app (base32)."""
        return self._call(lambda: self.idp.associate_software_token(AccessToken=access_token))["SecretCode"]

    def finish_authenticator(self, access_token: str, code: str) -> None:
        """The app's first code proves it holds the secret; from then on Cognito asks every sign-in for a code."""
        answer = self._call(lambda: self.idp.verify_software_token(AccessToken=access_token, UserCode=code,
                                                                  FriendlyDeviceName="desk"))
        if answer.get("Status") != "SUCCESS":
            raise SignInRefused(_REFUSED["CodeMismatchException"])
        self._call(lambda: self.idp.set_user_mfa_preference(
            AccessToken=access_token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}))

    def _call(self, call) -> dict:
        try:
            return call()
        except ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            if code in _REFUSED:
                raise SignInRefused(_REFUSED[code]) from None
            raise PoolUnavailable("Sign-in is not answering; try again in a minute.") from e
        except ParamValidationError:
            # What the form sent cannot be a sign-in (a challenge's session missing or cut short): the
            # person's side, not Cognito down. Before BotoCoreError, its base class.
            raise SignInRefused("The sign-in form was incomplete or has expired; sign in again.") from None
        except BotoCoreError as e:
            raise PoolUnavailable("Sign-in is not answering; try again in a minute.") from e

    # --- accounts (the admin commands) ----------------------------------------------------

    def account(self, email: str) -> Account | None:
        try:
            user = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=email)
        except self.idp.exceptions.UserNotFoundException:
            return None
        values = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        return Account(email=email, role=values.get(ROLE, ""), name=values.get("name", ""),
                       districts=tuple(int(d) for d in values.get(DISTRICTS, "").split(",") if d),
                       departments=tuple(d for d in values.get(DEPARTMENTS, "").split(",") if d),
                       enabled=user.get("Enabled", True), status=user.get("UserStatus", ""))

    def invite(self, account: Account, temporary_password: str | None = None) -> None:
        """Create the account; Cognito emails the invitation with a temporary password (or uses the one given,
        for the local stack's example officers)."""
        extra = {"TemporaryPassword": temporary_password} if temporary_password else {}
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=account.email, DesiredDeliveryMediums=["EMAIL"],
                                   UserAttributes=[*attributes(account), {"Name": "email_verified", "Value": "true"}],
                                   **extra)

    def change(self, account: Account) -> None:
        self.idp.admin_update_user_attributes(UserPoolId=self.pool_id, Username=account.email,
                                              UserAttributes=attributes(account))

    def reset_password(self, email: str) -> None:
        """Cognito sends the officer a code to choose a new password; the old one stops working."""
        self.idp.admin_reset_user_password(UserPoolId=self.pool_id, Username=email)
