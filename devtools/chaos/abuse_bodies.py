"""The abuse run's malformed requests: oversized and deeply nested JSON, bytes that are not UTF-8, wrong
content types, path tricks in references and huge query strings. Each must get a 4xx (the API's with a
JSON body {"error", "message"}, a page's with an HTML page) and change nothing."""

from __future__ import annotations

import json
from urllib.parse import quote

import requests

JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
REF_TRICKS = ["..%2F..%2Fstatus", "%2e%2e%2f%2e%2e%2fhandles", "UP-LKO-26-000001%00", "UP-LKO-26-000001%2F..%2F..",
              quote("UP‐LKO‐26‐000001"), quote("UP-LKO-26-０００００１"), quote("ＵＰ-LKO-26-000001"),  # look-alikes
              "UP-LKO-26-" + "9" * 5000, "%FF%FE", quote("UP-LKO-26-000001\u202e")]
# Not "REF;x=1": chalice local's urlparse drops a path's ";params" (API Gateway keeps them in the reference).


def run(url: str, stack, credentials, rng, tally) -> None:
    from chalicelib import runtime

    session = requests.Session()
    admin = {"Authorization": f"Bearer {credentials.admin}"}
    target = _a_complaint()
    before = runtime.storage().complaints.get(target).version

    def send(where: str, method: str, path: str, page: bool = False, **kwargs) -> None:
        try:
            answer = session.request(method, url + path, allow_redirects=False, timeout=30, **kwargs)
        except requests.RequestException as e:
            tally.defect(f"bodies:{where}: no answer ({type(e).__name__})")
            return
        tally.saw(f"bodies:{where}", answer)
        _judge(tally, where, answer, page)

    actions = f"/complaints/{target}/actions"
    nested = "[" * 100_000 + "]" * 100_000
    bodies = {
        "oversized": json.dumps({"action": "resolve", "note": "x" * 3_000_000}),
        "nested_array": nested,
        "nested_object": '{"a":' * 50_000 + "1" + "}" * 50_000,
        "nested_in_a_field": json.dumps({"action": "resolve", "note": "n"}).replace('"n"', nested[:20_000] + nested[-20_000:]),
        "not_utf8": b'{"action": "resolve", "note": "\xff\xfe\xc3\x28"}',
        "utf16": json.dumps({"action": "acknowledge"}).encode("utf-16"),
        "lone_surrogate": b'{"action": "resolve", "note": "\\ud800"}',
        "not_an_object": "[1, 2, 3]",
        "huge_number": '{"action": "acknowledge", "version": 1' + "0" * 5000 + "}",
        "empty": b"",
    }
    for name, body in bodies.items():
        send(f"actions:{name}", "POST", actions, data=body, headers=admin | JSON)
    send("handles:not_utf8", "POST", "/handles", data=b'{"handle": "\xff\xfe"}', headers=admin | JSON)
    send("handles:nested", "POST", "/handles", data=nested, headers=admin | JSON)
    send("import:not_utf8", "POST", "/handles/import?dry_run=true", data=b"handle\n\xff\xfe\n",
         headers=admin | {"Content-Type": "text/csv"})
    for kind in ("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""):
        send(f"actions:type:{kind or 'none'}", "POST", actions, data=b'{"action": "acknowledge"}',
             headers=admin | {"Content-Type": kind})
    send("sign_in:json", "POST", "/app/sign-in", page=True, data=b'{"email": "a"}', headers=JSON)
    send("sign_in:not_utf8", "POST", "/app/sign-in", page=True, data=b"email=\xff\xfe&password=x", headers=FORM)
    send("sign_in:oversized", "POST", "/app/sign-in", page=True, data=b"email=" + b"a" * 200_000, headers=FORM)
    cookie = {"desk_session": credentials.officer}
    for trick in REF_TRICKS:
        send(f"ref:{trick[:40]}", "GET", f"/complaints/{trick}", headers=admin)
        send(f"ref_action:{trick[:40]}", "POST", f"/complaints/{trick}/actions", data=b'{"action": "acknowledge"}',
             headers=admin | JSON)
        send(f"page_ref:{trick[:40]}", "GET", f"/app/complaints/{trick}", page=True, cookies=cookie)
        send(f"link:{trick[:40]}", "GET", f"/app/a/{trick}", page=True)
    for name, query in (("cursor_8k", "cursor=" + "A" * 8000), ("many_params", "&".join(f"p{i}=1" for i in range(2000))),
                        ("repeated", "&".join("limit=5" for _ in range(1000))), ("not_utf8", "district=%FF%FE"),
                        ("nul", "status=new%00"), ("long_value", "department=" + "police" * 1500)):
        send(f"query:{name}", "GET", f"/complaints?{query}", headers=admin)
        send(f"page_query:{name}", "GET", f"/app/dashboard/complaints?{query}", page=True,
             cookies={"desk_session": credentials.admin})
    after = runtime.storage().complaints.get(target).version
    if after != before:
        tally.defect(f"bodies: {target} changed (version {before} -> {after}) under malformed requests")


def _a_complaint() -> str:
    from chalicelib import runtime
    from chalicelib.domain.access import Principal
    from chalicelib.services.queue import open_queue

    admin = Principal("abuse", "admin", frozenset(), frozenset())
    return open_queue(runtime.storage(), admin, runtime.utcnow())[-1].ref


def _judge(tally, where: str, answer, page: bool) -> None:
    status = answer.status_code
    kind = answer.headers.get("Content-Type", "")
    if page and status in (303,):  # a page without a good session: to the sign-in page
        return
    if where.endswith("query:repeated") and status == 200:  # a repeated parameter: the last one counts
        return
    if not 400 <= status < 500:
        tally.defect(f"bodies:{where}: answered {status}, expected a 4xx")
        if 200 <= status < 300:
            tally.forged_accepted += 1
        return
    if page:
        if not kind.startswith(("text/html", "application/json")):
            tally.defect(f"bodies:{where}: a {status} page came as {kind!r}")
        return
    try:
        body = answer.json()
    except ValueError:
        tally.defect(f"bodies:{where}: a {status} without a JSON body ({kind!r}: {answer.text[:80]!r})")
        return
    # Ours {"error", "message"}; the gateway's 401 {"message"}; Chalice's own 415 {"Code", "Message"} (documented).
    if not (isinstance(body, dict) and ({"error", "message"} <= set(body) or set(body) in ({"message"},
                                                                                            {"Code", "Message"}))):
        tally.defect(f"bodies:{where}: a {status} whose JSON body says no error and message: {answer.text[:120]}")
