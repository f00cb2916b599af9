"""The abuse run's fuzzing: schemathesis generates requests for every operation of /openapi.json, valid
and invalid ones, seeded, and sends them as an admin, an officer of one district, with an expired token
and with none. Each answer is checked against the document (status code, content type, headers, body
schema); an invalid request answered 2xx, a credential-less or expired request let through, and any
complaint shown to the officer outside its district are defects."""

from __future__ import annotations

import re

import requests

from chalicelib.domain.values import REFERENCE

# Examples per operation and mode (valid, invalid) for each credential. 24 operations: about 550 requests,
# under a minute against chalice local on two cores.
EXAMPLES = {"admin": (5, 4), "officer": (5, 4), "expired": (2, 1), "none": (2, 1)}
PAGE_COOKIE = "desk_session"


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                                   response_headers_conformance, response_schema_conformance,
                                                   status_code_conformance)

    conformance = [not_a_server_error, status_code_conformance, content_type_conformance,
                   response_headers_conformance, response_schema_conformance]
    return conformance, conformance + [negative_data_rejection]


def run(url: str, stack, credentials, rng, tally) -> None:
    import schemathesis
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_url(f"{url}/openapi.json", timeout=10)
    operations = [result.ok() for result in schema.get_all_operations()]
    session = requests.Session()
    tokens = {"admin": credentials.admin, "officer": credentials.officer, "expired": credentials.expired, "none": None}
    positive_checks, negative_checks = _checks()
    for who, token in tokens.items():
        # Without a good credential the sign-in comes first: an invalid request gets 401 or the sign-in page,
        # never a 400, so "invalid data refused" is asked of the signed-in runs only.
        refusing = negative_checks if who in ("admin", "officer") else positive_checks
        for operation in operations:
            for mode, checks, examples in ((GenerationMode.POSITIVE, positive_checks, EXAMPLES[who][0]),
                                           (GenerationMode.NEGATIVE, refusing, EXAMPLES[who][1])):
                _fuzz(operation, mode, checks, examples, rng.randrange(2**32), url, session, who, token,
                      credentials, tally)
    _scope_probes(url, session, credentials, tally)


def _fuzz(operation, mode, checks, examples: int, seed: int, url: str, session, who: str, token: str | None,
          credentials, tally) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded
    from hypothesis.errors import Unsatisfiable
    from schemathesis.core.failures import FailureGroup

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    cookies = {PAGE_COOKIE: token} if token else {}
    secured = bool(operation.definition.raw.get("security"))

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), print_blob=False)
    @seeded(seed)
    @given(case=operation.as_strategy(generation_mode=mode))
    def probe(case):
        where = f"fuzz:{who}:{mode.value}:{operation.label}"
        try:
            answer = case.call(base_url=url, session=session, headers=headers, cookies=cookies, timeout=15,
                               allow_redirects=False)
        except requests.RequestException as e:
            tally.defect(f"{where}: no answer ({type(e).__name__})")
            return
        tally.saw(where, answer)
        try:
            case.validate_response(answer, checks=checks, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                if failure.code == "ST101":  # a server error: counted by the tally already
                    continue
                if failure.code == "ST201":  # AcceptedNegativeData
                    tally.defect(f"{where}: invalid request accepted ({answer.status_code}): "
                                 f"{_one_line(failure.message)} [{_one_line(case.as_curl_command())}]")
                else:
                    tally.schema_violations += 1
                    tally.defect(f"{where}: {failure.title}: {_one_line(failure.message)}")
        ok = 200 <= answer.status_code < 300
        if ok and secured and who in ("expired", "none"):
            tally.forged_accepted += 1
            tally.defect(f"{where}: answered {answer.status_code} to a request with an {who} credential")
        if ok and who == "officer" and case.method.upper() == "GET":
            _scope(where, answer.content.decode("utf-8", "replace"), credentials, tally)

    try:
        probe()
    except Unsatisfiable:  # nothing to make invalid (an operation with no parameters): no invalid requests
        pass


def _scope_probes(url: str, session, credentials, tally) -> None:
    """What random requests rarely hit: the officer asking for every complaint by reference (those of other
    districts must be refused), for another district's listing, and with a cursor from an admin's listing."""
    from chalicelib import runtime

    admin, officer = {"Authorization": f"Bearer {credentials.admin}"}, {"Authorization": f"Bearer {credentials.officer}"}

    def get(where: str, path: str, as_admin: bool = False, **kwargs):
        answer = session.get(url + path, allow_redirects=False, timeout=15, **kwargs)
        tally.saw(f"scope:{where}", answer)
        if 200 <= answer.status_code < 300 and not as_admin:
            _scope(f"scope:{where}", answer.content.decode("utf-8", "replace"), credentials, tally)
        return answer

    listing = get("admin_listing", "/complaints?limit=100", True, headers=admin).json()["complaints"]
    for summary in listing:
        ref, inside = summary["ref"], summary["district"] == credentials.officer_district
        answer = get(f"by_ref:{'inside' if inside else 'outside'}", f"/complaints/{ref}", headers=officer)
        if answer.status_code != (200 if inside else 403):
            tally.defect(f"scope:by_ref: the officer asking for {ref} (district {summary['district']}) got "
                         f"{answer.status_code}")
        get("page_by_ref", f"/app/complaints/{ref}", cookies={PAGE_COOKIE: credentials.officer})
    elsewhere = {s["district"] for s in listing if s["district"] not in (None, credentials.officer_district)}
    for district in sorted(elsewhere)[:3]:
        get("other_district", f"/complaints?district={district}", headers=officer)
        get("other_district_csv", f"/complaints.csv?district={district}&from=2020-01-01&to=2030-12-31", headers=officer)
        get("other_district_page", f"/app/dashboard/complaints?district={district}",
            cookies={PAGE_COOKIE: credentials.officer})
    cursor = get("admin_page", "/complaints?limit=2", True, headers=admin).json()["next_cursor"]
    if cursor:
        get("admin_cursor", f"/complaints?limit=50&cursor={cursor}", headers=officer)
    today = runtime.utcnow().date().isoformat()
    get("csv", f"/complaints.csv?from=2020-01-01&to={today}", headers=officer)
    get("page_csv", f"/app/complaints.csv?from=2020-01-01&to={today}", cookies={PAGE_COOKIE: credentials.officer})
    get("queue", "/app/queue", cookies={PAGE_COOKIE: credentials.officer})
    get("dashboard", "/app/dashboard", cookies={PAGE_COOKIE: credentials.officer})


def _scope(where: str, text: str, credentials, tally) -> None:
    """Every complaint an officer's answer names is one its district may see (looked up in the store)."""
    from chalicelib import runtime
    from chalicelib.domain.access import Principal

    officer = Principal(subject="abuse-officer", role="officer", districts=frozenset({credentials.officer_district}),
                        departments=frozenset())
    complaints = runtime.storage().complaints
    for ref in sorted(set(REFERENCE.findall(text))):
        complaint = complaints.get(ref)
        if complaint is not None and not officer.can_see(complaint.district, complaint.department):
            tally.scope_leaks += 1
            tally.defect(f"{where}: the officer of district {credentials.officer_district} was shown {ref} "
                         f"(district {complaint.district}, {complaint.department})")


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)[:300]
