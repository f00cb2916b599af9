"""The abuse run's forged and replayed credentials: bearer tokens (Cognito's and the desk's own), the OAuth
callback's `state`, signed alert links and the pages' CSRF tokens. Each forgery must be refused, and a
replay must change nothing; every one taken counts in `forged_accepted`."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import requests

from . import forgery

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Probe:
    """Requests to the served app, each counted by the tally; `refused` says a forgery was not taken."""

    def __init__(self, url: str, tally):
        self.url, self.tally, self.session = url, tally, requests.Session()

    def __call__(self, method: str, path: str, where: str, **kwargs) -> requests.Response:
        answer = self.session.request(method, self.url + path, allow_redirects=False, timeout=15, **kwargs)
        self.tally.saw(f"forged:{where}", answer)
        return answer

    def refused(self, answer, where: str, expected: tuple[int, ...]) -> None:
        if answer.status_code not in expected:
            if 200 <= answer.status_code < 300:
                self.tally.forged_accepted += 1
            self.tally.defect(f"forged:{where}: answered {answer.status_code}, expected {expected}")


def run(url: str, stack, credentials, rng, tally) -> None:
    probe = Probe(url, tally)
    _tokens(probe, stack, credentials)
    _oauth_state(probe, stack)
    complaints = _open_complaints(credentials.officer_district)
    if len(complaints) < 3:  # a stack with too few: what needs complaints is said to be left out
        tally.defect(f"forged: CSRF and alert links not checked: fewer than 3 new complaints in district "
                     f"{credentials.officer_district}")
        return
    _csrf(probe, credentials, complaints[0])
    _links(probe, complaints[1], complaints[2], rng)


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _tokens(probe: Probe, stack, credentials) -> None:
    from chalicelib import runtime
    from devtools.stack import LOCAL_PASSWORD, SIGN_IN_ACCOUNTS

    officer = next(a for a in SIGN_IN_ACCOUNTS if a.role == "officer")
    signed = runtime.officers_pool().sign_in(officer.email, LOCAL_PASSWORD)
    genuine = probe("GET", "/complaints", "cognito:genuine", headers=_bearer(signed.id_token))
    if genuine.status_code != 200:
        probe.tally.defect(f"forged:cognito:genuine: a genuine ID token got {genuine.status_code}")
    jwks = requests.get(stack.env["COGNITO_JWKS_URL"], timeout=10).json()
    forged = {f"cognito:{k}": v for k, v in forgery.cognito_forgeries(signed.id_token, signed.access_token,
                                                                      jwks).items()}
    forged |= {f"desk:{k}": v for k, v in forgery.desk_forgeries(credentials.officer).items()}
    forged |= {"desk:expired": credentials.expired, "desk:empty": "", "desk:garbage": "a.b.c"}
    for where, token in forged.items():
        probe.refused(probe("GET", "/complaints", where, headers=_bearer(token)), where, (401,))
        page = probe("GET", "/app/queue", f"{where}:page", cookies={"desk_session": token} if token else {})
        probe.refused(page, f"{where}:page", (303,))


def _oauth_state(probe: Probe, stack) -> None:
    """Forged, replayed, expired and another account's consent: each a 400, and nothing stored."""
    from chalicelib import runtime

    def consent(handle: str, as_user: str) -> str:
        link = runtime.authorisation_link(handle)
        answer = requests.post(f"{stack.x.url}/_control/oauth2/consent", timeout=10,
                               json={"authorize_url": link, "username": as_user, "approve": True})
        return "/x/callback?" + urlsplit(answer.json()["location"]).query

    forged = probe("GET", f"/x/callback?state={secrets.token_urlsafe(32)}&code=abc", "state:forged")
    probe.refused(forged, "state:forged", (400,))
    genuine = consent("lucknowpolice", "lucknowpolice")
    first = probe("GET", genuine, "state:genuine")
    if first.status_code != 200:
        probe.tally.defect(f"forged:state:genuine: the genuine callback got {first.status_code}")
    probe.refused(probe("GET", genuine, "state:replayed"), "state:replayed", (400,))
    other = consent("noidapolice", "lucknowpolice")  # Noida's link, approved while logged in as Lucknow
    probe.refused(probe("GET", other, "state:another_account"), "state:another_account", (400,))
    probe.refused(probe("GET", other, "state:another_account_replayed"), "state:another_account_replayed", (400,))
    if "noidapolice" in runtime.storage().grants.states():
        probe.tally.forged_accepted += 1
        probe.tally.defect("forged:state:another_account: a grant was stored for @noidapolice")
    # Expired: a state started 16 minutes ago (the links last 15).
    watched = runtime.registry().get("meerutpolice")
    state = secrets.token_urlsafe(32)
    runtime.storage().grants.start_authorisation(state, watched.key, secrets.token_urlsafe(64),
                                                 runtime.utcnow() - timedelta(minutes=1))
    probe.refused(probe("GET", f"/x/callback?state={state}&code=abc", "state:expired"), "state:expired", (400,))


def _open_complaints(district: int) -> list:
    from chalicelib import runtime
    from chalicelib.domain.access import Principal
    from chalicelib.services.queue import open_queue

    officer = Principal("abuse", "officer", frozenset({district}), frozenset())
    return [c for c in open_queue(runtime.storage(), officer, runtime.utcnow()) if c.status.value == "new"]


def _csrf(probe: Probe, credentials, complaint) -> None:
    """A page's form posted without its token, with another session's, and from another site."""
    from chalicelib import auth, runtime

    mine = {"desk_session": credentials.officer}
    other_token = auth.issue(runtime.signing_key(), "abuse-other", "officer", [credentials.officer_district],
                             now=runtime.utcnow(), hours=1)
    path = f"/app/complaints/{complaint.ref}"
    page = probe("GET", path, "csrf:page", cookies=mine)
    token = CSRF.search(page.text).group(1)
    others = CSRF.search(probe("GET", path, "csrf:other_page", cookies={"desk_session": other_token}).text).group(1)
    form = {"action": "acknowledge", "version": str(complaint.version)}
    for where, fields, headers in (("csrf:none", form, FORM), ("csrf:another_session", form | {"csrf": others}, FORM),
                                   ("csrf:garbled", form | {"csrf": token[:-1] + "é"}, FORM),
                                   ("csrf:cross_site", form | {"csrf": token}, FORM | {"Origin": "https://evil.example"})):
        answer = probe("POST", path, where, data=fields, headers=headers, cookies=mine)
        probe.refused(answer, where, (403,))
        _unchanged(probe, complaint, where)
    probe.refused(probe("POST", "/app/sign-out", "csrf:sign_out_none", data={}, headers=FORM, cookies=mine),
                  "csrf:sign_out_none", (403,))


def _unchanged(probe: Probe, complaint, where: str) -> None:
    from chalicelib import runtime

    now = runtime.storage().complaints.get(complaint.ref)
    if now.version != complaint.version:
        probe.tally.forged_accepted += 1
        probe.tally.defect(f"forged:{where}: {complaint.ref} changed (version {complaint.version} -> {now.version})")


def _links(probe: Probe, complaint, another, rng) -> None:
    """Alert links: forged, tampered, expired, overlong, and replayed after the action that spends them."""
    from chalicelib import runtime
    from chalicelib.domain import links

    key, now = runtime.link_key(), runtime.utcnow()
    good = links.sign(key, complaint.ref, complaint.district, complaint.department, now + timedelta(days=2)).token
    ref, expiry, signature = good.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    forged = {
        "link:forged_hmac": f"{ref}.{expiry}.{flipped}",
        "link:random_hmac": f"{ref}.{expiry}.{links._mac(rng.randbytes(32), ref, None, 'police', 1)}",
        "link:tampered_ref": f"{another.ref}.{expiry}.{signature}",
        "link:tampered_expiry": f"{ref}.{links._base36(int(expiry, 36) + 86400)}.{signature}",
        "link:other_office": links.sign(key, ref, 144 if complaint.district != 144 else 162, complaint.department,
                                        now + timedelta(days=2)).token,
        "link:overlong": links.sign(key, ref, complaint.district, complaint.department, now + timedelta(days=90)).token,
    }
    for where, token in forged.items():
        probe.refused(probe("GET", f"/app/a/{token}", where), where, (404,))
        probe.refused(probe("POST", f"/app/a/{token}", f"{where}:post", data={"action": "resolve", "note": "x"},
                            headers=FORM), f"{where}:post", (404,))
    expired = links.sign(key, ref, complaint.district, complaint.department, now - timedelta(minutes=1)).token
    probe.refused(probe("GET", f"/app/a/{expired}", "link:expired"), "link:expired", (410,))
    page = probe("GET", f"/app/a/{good}", "link:genuine")
    if page.status_code != 200:
        probe.tally.defect(f"forged:link:genuine: a genuine link got {page.status_code}")
        return
    csrf = CSRF.search(page.text).group(1)
    done = probe("POST", f"/app/a/{good}", "link:resolve",
                 data={"csrf": csrf, "action": "resolve", "version": str(complaint.version), "note": "abuse run"},
                 headers=FORM)
    if done.status_code != 200:
        probe.tally.defect(f"forged:link:resolve: the genuine action got {done.status_code}")
    resolved = runtime.storage().complaints.get(ref)
    # A replay of a used link: 410 ("used"), and the complaint stays as the one action left it.
    probe.refused(probe("GET", f"/app/a/{good}", "link:replayed_get"), "link:replayed_get", (410,))
    again = probe("POST", f"/app/a/{good}", "link:replayed_post",
                  data={"csrf": csrf, "action": "transfer", "to_district": "144", "version": str(resolved.version)},
                  headers=FORM)
    probe.refused(again, "link:replayed_post", (410,))
    _unchanged(probe, resolved, "link:replayed_post")
    # Acknowledging leaves a link usable (the officer resolves from it later); acknowledging again is refused
    # as the complaint stands, and recorded once.
    other = links.sign(key, another.ref, another.district, another.department, now + timedelta(days=2)).token
    csrf = CSRF.search(probe("GET", f"/app/a/{other}", "link:other").text).group(1)
    for where in ("link:acknowledge", "link:acknowledge_replayed"):
        probe("POST", f"/app/a/{other}", where, data={"csrf": csrf, "action": "acknowledge"}, headers=FORM)
    history = [e.as_dict()["action"] for e in runtime.storage().complaints.get(another.ref).history]
    if history.count("acknowledge") != 1:
        probe.tally.forged_accepted += 1
        probe.tally.defect(f"forged:link:acknowledge_replayed: {another.ref}'s history reads {history}")
