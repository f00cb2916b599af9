"""What the abuse run (devtools/chaos/abuse.py) found, held here through the app (chalice's test client on
the local stack), and the forged and replayed credentials that are cheap to check on every `make test`."""

from urllib.parse import urlencode

import pytest
from chalice.test import Client

from app import app

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client(stack):
    with Client(app, stage_name="local") as c:
        yield c


def post(client, path, cookie=None, **fields):
    return client.http.post(path, headers=FORM | ({"cookie": cookie} if cookie else {}), body=urlencode(fields))


@pytest.mark.parametrize("page", ["sign-out", "complaint"])
def test_a_csrf_field_holding_non_ascii_text_is_refused_as_stale_not_a_server_error(client, token, page):
    from chalicelib import runtime
    from tests.builders import received

    change = received(9_000)
    runtime.storage().complaints.create(change)
    path = "/app/sign-out" if page == "sign-out" else f"/app/complaints/{change.after.ref}"
    answer = post(client, path, cookie=f"desk_session={token('officer', [162])}", csrf="é" * 32, action="acknowledge")
    assert answer.status_code == 403 and b"stale" in answer.body
    assert runtime.storage().complaints.get(change.after.ref).version == change.after.version


@pytest.mark.parametrize("session", ["", "made-up-session-" + "x" * 40])
def test_a_challenge_answer_without_its_session_is_refused_on_the_form_not_called_an_outage(client, session):
    # An empty session is refused by botocore's own checks; a made-up one by the pool (devtools/moto_fixes.py
    # makes moto answer it as Cognito does).
    for challenge, field in (("NEW_PASSWORD_REQUIRED", "new_password"), ("SOFTWARE_TOKEN_MFA", "code")):
        answer = post(client, "/app/sign-in", email="lucknow.police@example.in", challenge=challenge, session=session,
                      **{field: "Another-password-2026!" if field == "new_password" else "123456"})
        assert answer.status_code == 401, answer.body[:300]
        assert b"Sign in" in answer.body and b"not answering" not in answer.body


def test_a_json_body_must_be_utf8_text_utf16_is_refused_and_changes_nothing(client, token):
    from chalicelib import runtime
    from tests.builders import received

    change = received(9_001)
    runtime.storage().complaints.create(change)
    ref = change.after.ref
    answer = client.http.post(f"/complaints/{ref}/actions", body='{"action": "acknowledge"}'.encode("utf-16"),
                              headers={"Authorization": f"Bearer {token('admin')}", "content-type": "application/json"})
    assert answer.status_code == 400 and answer.json_body["error"] == "bad_request"
    assert runtime.storage().complaints.get(ref).version == change.after.version


def test_a_form_posted_from_another_site_is_refused_even_with_a_good_csrf_token(client, token):
    import re

    from chalicelib import runtime
    from tests.builders import received

    change = received(9_002)
    runtime.storage().complaints.create(change)
    ref, cookie = change.after.ref, f"desk_session={token('officer', [162])}"
    page = client.http.get(f"/app/complaints/{ref}", headers={"cookie": cookie, "host": "desk.example.in"})
    csrf = re.search(r'name="csrf" value="([^"]*)"', page.body.decode()).group(1)
    fields = urlencode({"csrf": csrf, "action": "acknowledge", "version": change.after.version})
    for origin in ("https://evil.example", "null"):
        answer = client.http.post(f"/app/complaints/{ref}", body=fields, headers=FORM | {
            "cookie": cookie, "host": "desk.example.in", "origin": origin})
        assert answer.status_code == 403 and b"another site" in answer.body
    assert runtime.storage().complaints.get(ref).version == change.after.version
    same = client.http.post(f"/app/complaints/{ref}", body=fields, headers=FORM | {
        "cookie": cookie, "host": "desk.example.in", "origin": "https://desk.example.in"})
    assert same.status_code == 200 and runtime.storage().complaints.get(ref).version > change.after.version


@pytest.mark.parametrize("page", ["sign-in", "sign-out", "complaint", "link"])
def test_an_unreadable_form_gets_a_400_page_as_the_document_says_not_json(client, token, page):
    from datetime import timedelta

    from chalicelib import runtime
    from chalicelib.api import openapi_document
    from chalicelib.domain import links
    from tests.builders import received

    change = received(9_003)
    runtime.storage().complaints.create(change)
    c = change.after
    link = links.sign(runtime.link_key(), c.ref, c.district, c.department, runtime.utcnow() + timedelta(days=1)).token
    path = {"sign-in": "/app/sign-in", "sign-out": "/app/sign-out", "complaint": f"/app/complaints/{c.ref}",
            "link": f"/app/a/{link}"}[page]
    for body in (b"csrf=" + b"x" * 9000, b"note=\xff\xfe"):
        answer = client.http.post(path, body=body, headers=FORM | {"cookie": f"desk_session={token('officer', [162])}"})
        assert answer.status_code == 400 and answer.headers["Content-Type"].startswith("text/html")
    documented = {"complaint": "/app/complaints/{ref}", "link": "/app/a/{token}"}.get(page, path)
    operation = openapi_document()["paths"][documented]["post"]
    assert "text/html" in operation["responses"]["400"]["content"]
    assert runtime.storage().complaints.get(c.ref).version == c.version


@pytest.mark.parametrize("path", ["/app/dashboard", "/app/dashboard/complaints", "/app/complaints.csv"])
def test_the_dashboards_answers_are_the_ones_the_document_names(client, token, path):
    from chalicelib.api import openapi_document

    document = openapi_document()
    documented = document["paths"][path]["get"]["responses"]

    def kinds(code: str) -> set[str]:
        response = documented[code]
        if "$ref" in response:
            response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        return set(response.get("content", {}))

    no_session = client.http.get(path)
    assert no_session.status_code == 303 and "303" in documented
    bad = client.http.get(path + "?unknown=1", headers={"cookie": f"desk_session={token('admin')}"})
    # A dict body is sent as application/json by the gateway; chalice's test client leaves the header out.
    headers = {name.lower(): value for name, value in bad.headers.items()}
    kind = headers.get("content-type", "application/json").split(";")[0]
    assert bad.status_code == 400 and kind in kinds("400")


def test_a_form_from_the_pages_public_address_is_taken_behind_a_proxy_that_changes_the_host():
    from chalicelib.web.session import same_site

    public = "https://desk.example.in/api"
    assert same_site("https://desk.example.in", "abc123.execute-api.ap-south-1.amazonaws.com", public)
    assert same_site("https://abc123.execute-api.ap-south-1.amazonaws.com", "abc123.execute-api.ap-south-1.amazonaws.com", public)
    assert same_site(None, "desk.example.in", public)  # no Origin: the CSRF token decides
    for origin in ("https://evil.example", "null", "https://desk.example.in.evil.example", ""):
        assert not same_site(origin, "abc123.execute-api.ap-south-1.amazonaws.com", public)
