"""Officers' Cognito tokens on the local stack (moto's cognito-idp): what the authorizer takes and refuses."""

from datetime import timedelta

import jwt
import pytest

from chalicelib import runtime
from chalicelib.auth import InvalidToken
from devtools.stack import LOCAL_PASSWORD

LUCKNOW = "lucknow.police@example.in"


def id_token(email=LUCKNOW) -> str:
    return runtime.officers_pool().sign_in(email, LOCAL_PASSWORD).id_token


def test_a_signed_in_officer_gets_their_role_and_scope_from_the_pool(stack):
    principal = runtime.authenticate(id_token())
    assert (principal.subject, principal.role, principal.districts, principal.departments) == (
        LUCKNOW, "officer", frozenset({162}), frozenset({"police"}))
    assert runtime.authenticate(id_token("state.admin@example.in")).is_admin


def test_the_desks_own_tokens_are_still_taken(stack, token):
    assert runtime.authenticate(token("officer", [144])).districts == frozenset({144})


def test_an_expired_token_is_refused(stack, monkeypatch):
    fresh = id_token()
    later = runtime.utcnow() + timedelta(hours=2)
    monkeypatch.setattr(runtime, "utcnow", lambda: later)
    with pytest.raises(InvalidToken, match="expired"):
        runtime.authenticate(fresh)


def test_an_access_token_is_refused_it_carries_no_scope(stack):
    idp = stack.client("cognito-idp")
    answer = idp.initiate_auth(ClientId=runtime.config().cognito_client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": LUCKNOW, "PASSWORD": LOCAL_PASSWORD})
    with pytest.raises(InvalidToken):
        runtime.authenticate(answer["AuthenticationResult"]["AccessToken"])


def test_a_token_for_another_app_client_is_refused(stack):
    idp = stack.client("cognito-idp")
    pool = runtime.config().cognito_user_pool_id
    other = idp.create_user_pool_client(UserPoolId=pool, ClientName="other",
                                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    answer = idp.initiate_auth(ClientId=other, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": LUCKNOW, "PASSWORD": LOCAL_PASSWORD})
    with pytest.raises(InvalidToken, match="[Aa]udience"):
        runtime.authenticate(answer["AuthenticationResult"]["IdToken"])


def test_a_token_from_another_pool_is_refused(stack):
    idp = stack.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="elsewhere")["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=pool, ClientName="x", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    idp.admin_create_user(UserPoolId=pool, Username="someone@example.in",
                          UserAttributes=[{"Name": "custom:role", "Value": "admin"}])
    idp.admin_set_user_password(UserPoolId=pool, Username="someone@example.in", Password=LOCAL_PASSWORD, Permanent=True)
    answer = idp.initiate_auth(ClientId=client["UserPoolClient"]["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": "someone@example.in", "PASSWORD": LOCAL_PASSWORD})
    with pytest.raises(InvalidToken, match="[Ii]ssuer"):
        runtime.authenticate(answer["AuthenticationResult"]["IdToken"])


def test_altered_claims_or_a_key_of_ones_own_are_refused(stack):
    from cryptography.hazmat.primitives.asymmetric import rsa

    genuine = id_token()
    claims = jwt.decode(genuine, options={"verify_signature": False})
    header, _, signature = genuine.split(".")
    widened = jwt.encode(claims | {"custom:districts": "162,144"}, "x", algorithm="HS256").split(".")[1]
    with pytest.raises(InvalidToken):
        runtime.authenticate(f"{header}.{widened}.{signature}")
    own_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims | {"custom:role": "admin"}, own_key, algorithm="RS256", headers={"kid": "dummy"})
    with pytest.raises(InvalidToken):
        runtime.authenticate(forged)


def test_an_account_without_a_scope_is_refused(stack):
    idp = stack.client("cognito-idp")
    pool = runtime.config().cognito_user_pool_id
    idp.admin_update_user_attributes(UserPoolId=pool, Username=LUCKNOW, UserAttributes=[
        {"Name": "custom:districts", "Value": ""}, {"Name": "custom:departments", "Value": ""}])
    with pytest.raises(InvalidToken, match="scope"):
        runtime.authenticate(id_token())


def test_a_wrong_password_is_refused_plainly(stack):
    from chalicelib.adapters.cognito_pool import SignInRefused

    with pytest.raises(SignInRefused, match="Incorrect email or password"):
        runtime.officers_pool().sign_in(LUCKNOW, "not-the-password")
    with pytest.raises(SignInRefused, match="Incorrect email or password"):
        runtime.officers_pool().sign_in("nobody@example.in", LOCAL_PASSWORD)


def test_an_invited_officer_chooses_a_new_password_at_first_sign_in(stack):
    from tests.app.test_chalice_local import admin_command

    pool = runtime.officers_pool()
    # The admin command runs with an admin's credentials, not the functions' role: run as a command.
    added = admin_command("officers", "add", "New.Officer@example.in", "--role", "officer", "--district", "162",
                          "--department", "water")
    assert added.returncode == 0 and "Invited new.officer@example.in" in added.stdout
    # Cognito emails the temporary password; moto keeps it: set a known one as the email would carry.
    stack.client("cognito-idp").admin_set_user_password(UserPoolId=pool.pool_id, Username="new.officer@example.in",
                                                        Password="Temporary-2026!", Permanent=False)
    first = pool.sign_in("new.officer@example.in", "Temporary-2026!")
    assert first.challenge == "NEW_PASSWORD_REQUIRED" and first.id_token is None
    done = pool.respond(first.challenge, "new.officer@example.in", first.session, new_password="Chosen-pass-2026!")
    assert runtime.authenticate(done.id_token).departments == frozenset({"water"})


def test_the_roster_import_command_invites_the_officers_it_lists(stack, tmp_path):
    from tests.app.test_chalice_local import admin_command

    roster = tmp_path / "roster.csv"
    roster.write_text("email,name,role,districts,departments\n"
                      "sho.aliganj@example.in,SHO Aliganj,officer,162,police\n"
                      "lucknow.police@example.in,Lucknow police desk,officer,162;164,police\n", encoding="utf-8")
    dry = admin_command("officers", "import", str(roster), "--dry-run")
    assert dry.returncode == 0 and "Would invite 1, change 1, leave 0 unchanged." in dry.stdout
    # Read with the stack's own client: the functions never read accounts (an admin's credentials do).
    idp, pool = stack.client("cognito-idp"), runtime.config().cognito_user_pool_id
    assert [u["Username"] for u in idp.list_users(UserPoolId=pool)["Users"] if u["Username"].startswith("sho.")] == []
    done = admin_command("officers", "import", str(roster))
    assert done.returncode == 0 and "Invited 1, changed 1" in done.stdout
    invited = idp.admin_get_user(UserPoolId=pool, Username="sho.aliganj@example.in")
    attributes = {a["Name"]: a["Value"] for a in invited["UserAttributes"]}
    assert (attributes["custom:role"], attributes["custom:districts"], invited["UserStatus"]) == (
        "officer", "162", "FORCE_CHANGE_PASSWORD")
    assert runtime.authenticate(id_token()).districts == frozenset({162, 164})  # the next token carries the change
    bad = admin_command("officers", "import", str(tmp_path / "missing.csv"))
    assert bad.returncode == 2 and "cannot read" in bad.stderr


def test_the_json_api_takes_an_officers_cognito_token_under_the_same_scope_rules(stack):
    from chalice.test import Client

    from app import app
    from chalicelib.domain.access import Principal
    from chalicelib.services.ports import ListQuery

    runtime.run_poll()
    everything = runtime.list_complaints(Principal("admin", "admin"), ListQuery(limit=100))["complaints"]
    outside = next(c["ref"] for c in everything if (c["district"], c["department"]) != (162, "police"))
    bearer = {"Authorization": f"Bearer {id_token()}"}
    with Client(app, stage_name="local") as client:
        listing = client.http.get("/complaints?limit=100", headers=bearer)
        assert listing.status_code == 200
        assert {(c["district"], c["department"]) for c in listing.json_body["complaints"]} == {(162, "police")}
        assert client.http.get(f"/complaints/{outside}", headers=bearer).status_code == 403
        assert client.http.get("/status", headers=bearer).status_code == 403  # the state-wide status is for admins
