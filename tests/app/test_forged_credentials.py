"""Forged and replayed credentials through the app (chalice's test client on the local stack), as the abuse
run (devtools/chaos/abuse_forged.py) sends them over HTTP: every one refused, nothing changed."""

import re
import secrets
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import requests
from chalice.test import Client

from app import app
from chalicelib import runtime
from chalicelib.domain import links
from devtools.chaos import forgery
from devtools.stack import LOCAL_PASSWORD
from tests.builders import received

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client(stack):
    with Client(app, stage_name="local") as c:
        yield c


def refused_everywhere(client, token: str) -> tuple[int, int]:
    api = client.http.get("/complaints", headers={"Authorization": f"Bearer {token}"})
    page = client.http.get("/app/queue", headers={"cookie": f"desk_session={token}"})
    return api.status_code, page.status_code


def test_cognito_tokens_from_another_pool_or_client_of_the_wrong_use_expired_or_forged_are_refused(client, stack):
    signed = runtime.officers_pool().sign_in("lucknow.police@example.in", LOCAL_PASSWORD)
    assert refused_everywhere(client, signed.id_token) == (200, 200)  # the genuine one is taken
    jwks = requests.get(stack.env["COGNITO_JWKS_URL"], timeout=10).json()
    forged = forgery.cognito_forgeries(signed.id_token, signed.access_token, jwks)
    assert {"another_pool", "another_client", "expired", "access_as_id", "access_token", "alg_none",
            "tampered_payload", "hs256_public_jwks"} <= set(forged)
    assert {name: refused_everywhere(client, token) for name, token in forged.items()} == {
        name: (401, 303) for name in forged}


def test_the_desks_own_tokens_forged_or_expired_are_refused(client, token):
    genuine = token("officer", [162])
    forged = forgery.desk_forgeries(genuine) | {"expired": token("admin", now=runtime.utcnow() - timedelta(hours=2),
                                                                 hours=1)}
    assert {name: refused_everywhere(client, t) for name, t in forged.items()} == {name: (401, 303) for name in forged}


def test_a_forged_or_expired_oauth_state_is_refused_and_stores_nothing(client):
    forged = client.http.get(f"/x/callback?state={secrets.token_urlsafe(32)}&code=abc")
    assert forged.status_code == 400 and forged.json_body["error"] == "bad_request"
    state, grants = secrets.token_urlsafe(32), runtime.storage().grants
    grants.start_authorisation(state, "meerutpolice", secrets.token_urlsafe(64), runtime.utcnow() - timedelta(seconds=1))
    expired = client.http.get(f"/x/callback?state={state}&code=abc")
    assert expired.status_code == 400 and "expired" in expired.json_body["message"]
    assert "meerutpolice" not in grants.states()


def test_alert_links_forged_tampered_or_replayed_after_their_action_open_nothing_and_change_nothing(client):
    changes = [received(9_101), received(9_102)]
    for change in changes:
        runtime.storage().complaints.create(change)
    first, second = (change.after for change in changes)
    key, now = runtime.link_key(), runtime.utcnow()
    good = links.sign(key, first.ref, first.district, first.department, now + timedelta(days=2)).token
    ref, expiry, signature = good.split(".")
    for bad in (f"{ref}.{expiry}.{'A' * len(signature)}", f"{second.ref}.{expiry}.{signature}",
                f"{ref}.{links._base36(int(expiry, 36) + 60)}.{signature}",
                links.sign(key, ref, 144, first.department, now + timedelta(days=2)).token):
        assert client.http.get(f"/app/a/{bad}").status_code == 404
    expired = links.sign(key, ref, first.district, first.department, now - timedelta(seconds=1)).token
    assert client.http.get(f"/app/a/{expired}").status_code == 410
    page = client.http.get(f"/app/a/{good}").body.decode()
    csrf = re.search(r'name="csrf" value="([^"]*)"', page).group(1)
    done = client.http.post(f"/app/a/{good}", headers=FORM, body=urlencode(
        {"csrf": csrf, "action": "resolve", "note": "fixed", "version": first.version}))
    assert done.status_code == 200 and b"This link is now used" in done.body
    resolved = runtime.storage().complaints.get(ref)
    # Replayed: "used" (410), and the complaint stays as the one action left it.
    assert client.http.get(f"/app/a/{good}").status_code == 410
    again = client.http.post(f"/app/a/{good}", headers=FORM, body=urlencode(
        {"csrf": csrf, "action": "transfer", "to_district": 144, "version": resolved.version}))
    assert again.status_code == 410 and runtime.storage().complaints.get(ref).version == resolved.version
