"""The officers' pages through the app (chalice's test client on the local stack): sign-in and its challenges,
admins' second factor, CSRF, and what a bad link or a missing session gets."""

import re
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from app import app
from chalicelib import runtime
from devtools.stack import LOCAL_PASSWORD

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client(stack):
    with Client(app, stage_name="local") as c:
        yield c


def post(client, path, cookie=None, **fields):
    headers = FORM | ({"cookie": cookie} if cookie else {})
    return client.http.post(path, headers=headers, body=urlencode(fields))


def hidden(body: bytes, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', body.decode()).group(1)


def signed_in(client, email="lucknow.police@example.in") -> str:
    answer = post(client, "/app/sign-in", email=email, password=LOCAL_PASSWORD, next="queue")
    assert answer.status_code == 303 and answer.headers["Location"] == "queue"
    return answer.headers["Set-Cookie"].split(";")[0]


def test_without_a_session_a_page_sends_the_browser_to_sign_in_and_back(client):
    for path, back in (("/app/queue", "queue"), ("/app/complaints/UP-LKO-26-000001", "complaints/UP-LKO-26-000001")):
        answer = client.http.get(path, headers={"cookie": "desk_session=not-a-token; other=1"})
        assert answer.status_code == 303 and answer.headers["Location"].endswith(f"sign-in?next={back}")


def test_the_session_cookie_is_http_only_same_site_and_not_secure_only_on_the_local_stack(client):
    answer = post(client, "/app/sign-in", email="lucknow.police@example.in", password=LOCAL_PASSWORD)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie and not runtime.config().secure_cookies  # plain http://127.0.0.1 locally
    assert runtime.config().__class__.from_env({**__import__("os").environ, "STAGE": "prod"}).secure_cookies


@pytest.mark.parametrize("asked, went", [
    ("https://elsewhere.example/", "queue"), ("//elsewhere.example", "queue"), ("../../x", "queue"),
    ("sign-out", "queue"), ("complaints/UP-LKO-26-000001", "complaints/UP-LKO-26-000001"), ("dashboard", "dashboard"),
])
def test_after_sign_in_the_browser_goes_only_to_a_page_of_the_desk(client, asked, went):
    answer = post(client, "/app/sign-in", email="lucknow.police@example.in", password=LOCAL_PASSWORD, next=asked)
    assert answer.headers["Location"] == went


def test_an_admin_sets_up_an_authenticator_before_any_session_and_then_needs_its_code(client):
    first = post(client, "/app/sign-in", email="state.admin@example.in", password=LOCAL_PASSWORD)
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    assert hidden(first.body, "challenge") == "AUTHENTICATOR_SETUP" and b'id="secret"' in first.body
    done = post(client, "/app/sign-in", email="state.admin@example.in", challenge="AUTHENTICATOR_SETUP",
                session=hidden(first.body, "session"), code="123456")
    assert "Set-Cookie" not in done.headers and b"Authenticator app set up" in done.body
    again = post(client, "/app/sign-in", email="state.admin@example.in", password=LOCAL_PASSWORD)
    assert hidden(again.body, "challenge") == "SOFTWARE_TOKEN_MFA" and "Set-Cookie" not in again.headers
    # moto accepts any six digits (it checks codes only with MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP set).
    signed = post(client, "/app/sign-in", email="state.admin@example.in", challenge="SOFTWARE_TOKEN_MFA",
                  session=hidden(again.body, "session"), code="654321")
    assert signed.status_code == 303 and signed.headers["Set-Cookie"].startswith("desk_session=")


def test_a_form_without_the_pages_csrf_token_changes_nothing(client):
    runtime.run_poll()
    cookie = signed_in(client)
    [ref, *_] = re.findall(r'href="complaints/([^"]+)"', client.http.get("/app/queue", headers={"cookie": cookie}).body.decode())
    before = runtime.storage().complaints.get(ref)
    for csrf in ("", "0" * 32):
        answer = post(client, f"/app/complaints/{ref}", cookie=cookie, csrf=csrf, action="acknowledge")
        assert answer.status_code == 403 and b"nothing was done" in answer.body
    assert runtime.storage().complaints.get(ref).version == before.version
    other = signed_in(client, "noida.officer@example.in")  # a token from another session is no good either
    page = client.http.get(f"/app/complaints/{ref}", headers={"cookie": cookie}).body
    assert post(client, f"/app/complaints/{ref}", cookie=other, csrf=hidden(page, "csrf"), action="acknowledge").status_code == 403


def test_a_refused_action_is_said_on_the_page(client):
    runtime.run_poll()
    cookie = signed_in(client)
    [ref, *_] = re.findall(r'href="complaints/([^"]+)"', client.http.get("/app/queue", headers={"cookie": cookie}).body.decode())
    page = client.http.get(f"/app/complaints/{ref}", headers={"cookie": cookie}).body
    answer = post(client, f"/app/complaints/{ref}", cookie=cookie, csrf=hidden(page, "csrf"), action="transfer")
    assert answer.status_code == 400 and b"a transfer needs" in answer.body


@pytest.mark.parametrize("token", ["UP-LKO-26-000001.zzzz.AAAAAAAAAAAAAAAAAAAAAA", "nonsense", "x" * 200])
def test_a_link_the_desk_did_not_sign_opens_nothing_and_offers_sign_in(client, token):
    answer = client.http.get(f"/app/a/{token}")
    assert answer.status_code == 404 and b"This link is not valid" in answer.body and b'href="../sign-in"' in answer.body


def test_pages_are_never_cached_nor_framed(client):
    answer = client.http.get("/app/sign-in")
    assert answer.headers["Cache-Control"] == "no-store" and answer.headers["X-Frame-Options"] == "DENY"
    assert b'<label for="email">' in answer.body and b'lang="hi"' in answer.body
