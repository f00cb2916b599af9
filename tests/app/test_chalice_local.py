"""`chalice local` serving the API over real HTTP, with tokens from the admin command."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def api(stack):
    port = free_port()
    chalice = Path(sys.executable).with_name("chalice")
    server = subprocess.Popen(
        # Without autoreload: its worker is a child process that terminate() would leave running after the tests.
        [str(chalice), "local", "--stage", "local", "--host", "127.0.0.1", "--port", str(port), "--no-autoreload"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{url}/openapi.json", timeout=1)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("chalice local did not start")
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


def admin_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chalicelib.admin", *args], cwd=ROOT, env=os.environ.copy(),
        capture_output=True, text=True, timeout=60,
    )


def test_the_api_over_real_http_with_a_token_from_the_admin_command(api):
    from chalicelib import runtime

    created = runtime.run_poll()["created"]
    admin = admin_command("token", "--role", "admin").stdout.strip()
    officer = admin_command("token", "--role", "officer", "--district", "162", "--department", "police", "--hours", "1").stdout.strip()

    # The gateway's own answer, as the OpenAPI document describes it (GatewayError).
    for headers in ({}, {"Authorization": "Bearer nonsense"}):
        refused = requests.get(f"{api}/status", headers=headers, timeout=5)
        assert (refused.status_code, refused.json()) == (401, {"message": "Unauthorized"})
    status = requests.get(f"{api}/status", headers={"Authorization": f"Bearer {admin}"}, timeout=5)
    assert status.status_code == 200 and status.json()["complaints"]["total"] == len(created)

    listing = requests.get(f"{api}/complaints?limit=100", headers={"Authorization": f"Bearer {officer}"}, timeout=5)
    assert listing.status_code == 200
    assert listing.json()["complaints"] and {(c["district"], c["department"]) for c in listing.json()["complaints"]} == {(162, "police")}
    forbidden = requests.get(f"{api}/status", headers={"Authorization": f"Bearer {officer}"}, timeout=5)
    assert forbidden.status_code == 403 and forbidden.json()["error"] == "forbidden"


def test_the_admin_command_refuses_a_bad_request_with_a_message(stack):
    answer = admin_command("token", "--role", "officer")
    assert answer.returncode == 2 and "district or department" in answer.stderr
    assert admin_command("token", "--role", "officer", "--district", "9999").returncode == 2
    too_long = admin_command("token", "--role", "admin", "--hours", "48")
    assert too_long.returncode == 2 and "at most 24 hours" in too_long.stderr and not too_long.stdout


def test_a_handle_is_authorised_from_the_admin_commands_link_through_x_to_the_callback(api, stack):
    printed = admin_command("authorise", "lucknowpolice")
    assert printed.returncode == 0, printed.stderr
    link = printed.stdout.strip().splitlines()[-1]
    assert link.startswith(f"{stack.x.url}/i/oauth2/authorize?") and "code_challenge_method=S256" in link
    consent = requests.post(f"{stack.x.url}/_control/oauth2/consent", timeout=5,
                            json={"authorize_url": link, "username": "lucknowpolice", "approve": True})
    location = consent.json()["location"]  # the registered http://localhost:8000/x/callback?state=…&code=…
    assert location.startswith("http://localhost:8000/x/callback?")
    callback = f"{api}/x/callback?{location.split('?', 1)[1]}"  # the browser, with no bearer token
    answer = requests.get(callback, timeout=10)
    assert answer.status_code == 200 and answer.json()["handle"] == "lucknowpolice"
    again = requests.get(callback, timeout=10)  # the link works once
    assert again.status_code == 400 and again.json()["error"] == "bad_request"
    unknown = admin_command("authorise", "somebody_else")
    assert unknown.returncode == 2 and "not a watched handle" in unknown.stderr
