"""The officers' and admins' HTTP API through chalice.test.Client, on the local stack."""

import base64
import json
from datetime import timedelta

import jwt
import pytest
import requests
from chalice.test import Client

from app import app
from chalicelib import api, runtime
from devtools.stack import DUMMY_SIGNING_KEY

LUCKNOW_POLICE = ([162], ["police"])
NOIDA = ([144], [])


@pytest.fixture
def client(stack):
    with Client(app, stage_name="local") as client:
        yield client


# A small desk keeps these tests quick: moto copies a whole table on every transaction.
SAMPLE = [
    {"author": "asha_lko", "text": "@lucknowpolice Hazratganj market me abhi chain snatching hui, do ladke black bike par bhage"},
    {"author": "ravi_lko", "text": "@lucknowpolice Aliganj sector H me raat 1 baje tak DJ baj raha hai, police bhejiye"},
    {"author": "meena_lko", "text": "@lucknowpolice @Uppolice गोमती नगर में एक्सीडेंट हुआ है, दो लोग घायल हैं, तुरंत एम्बुलेंस भेजें"},
    {"author": "karan_noida", "text": "@noidapolice Sector 62 Noida se meri car chori ho gayi raat me"},
    {"author": "pooja_noida", "text": "@noidapolice Sector 18 market Noida me purse chori ho gaya"},
    {"author": "anon_citizen", "text": "@Uppolice mera mobile chori ho gaya aur thane me FIR nahi likh rahe"},
    {"author": "happy_fan", "text": "@Uppolice Thank you UP Police for the quick help yesterday, great work!"},
    {"author": "vikas_lko", "text": "@UPPCLLKO Indira Nagar Lucknow me subah 5 baje se bijli nahi hai"},
    {"author": "suresh_lko", "text": "@UPPCLLKO Gomti Nagar Lucknow me transformer jal gaya, 6 ghante se light nahi"},
    {"author": "nidhi_lko", "text": "@UPPCLLKO Aliganj Lucknow me baar baar bijli ja rahi hai, voltage bhi kam hai"},
]


@pytest.fixture
def desk(client, stack):
    """The sample mentions polled once: complaints in Lucknow, Noida, the state queue, and one not actionable."""
    requests.post(f"{stack.x.url}/_control/reset", json={"mentions": False}, timeout=5).raise_for_status()
    requests.post(f"{stack.x.url}/_control/tweets", json=SAMPLE, timeout=5).raise_for_status()
    for handle in ("lucknowpolice", "Uppolice", "noidapolice", "UPPCLLKO"):  # the handles the sample tags
        stack.authorise(handle)
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
    client.poll = lambda: client.lambda_.invoke("poll", event).payload
    client.first_poll = client.poll()
    client.complaints = [runtime.storage().complaints.get(ref) for ref in client.first_poll["created"]]
    return client


def call(client, method, path, token=None, body=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return getattr(client.http, method)(path, headers=headers, **({"body": body} if body is not None else {}))


def a_complaint(desk, district, department="police"):
    return next(c for c in desk.complaints if (c.district, c.department) == (district, department) and not c.urgent)


# --- the access matrix ------------------------------------------------------------------------

def tokens(token):
    admin = token("admin")
    header, _, signature = admin.split(".")
    claims = jwt.decode(admin, DUMMY_SIGNING_KEY, algorithms=["HS256"])
    forged = base64.urlsafe_b64encode(json.dumps(claims | {"sub": "mallory"}).encode()).decode().rstrip("=")
    tampered = ".".join([header, forged, signature])
    now = int(runtime.utcnow().timestamp())
    return {
        "admin": admin,
        "officer in scope": token("officer", *LUCKNOW_POLICE),
        "officer out of scope": token("officer", *NOIDA),
        "no token": None,
        "expired": token("admin", now=runtime.utcnow() - timedelta(hours=13)),
        "tampered": tampered,
        "alg=none": jwt.encode(claims, None, algorithm="none"),
        "wrong key": token("admin", key="some-other-key-that-is-long-enough-0123456789"),
        # Signed with the right key, but not what the desk issues.
        "malformed claims": jwt.encode(claims | {"districts": ["abc"], "exp": str(claims["exp"])}, DUMMY_SIGNING_KEY),
        "issued a year ahead": jwt.encode(claims | {"iat": now + 365 * 86400, "exp": now + 365 * 86400 + 3600},
                                          DUMMY_SIGNING_KEY),
        "living a year": jwt.encode(claims | {"iat": now - 60, "exp": now + 365 * 86400}, DUMMY_SIGNING_KEY),
    }


EXPECTED = {
    "admin": ("listed", 200, 200),
    "officer in scope": ("listed", 200, 200),
    "officer out of scope": ("not listed", 403, 403),
    "no token": (401, 401, 401),
    "expired": (401, 401, 401),
    "tampered": (401, 401, 401),
    "alg=none": (401, 401, 401),
    "wrong key": (401, 401, 401),
    "malformed claims": (401, 401, 401),
    "issued a year ahead": (401, 401, 401),
    "living a year": (401, 401, 401),
}


def test_the_access_matrix(desk, token):
    target = a_complaint(desk, 162)
    observed = {}
    for who, bearer in tokens(token).items():
        listing = call(desk, "get", "/complaints?district=162&limit=100", bearer)
        if listing.status_code == 200:
            refs = {c["ref"] for c in listing.json_body["complaints"]}
            list_result = "listed" if target.ref in refs else "not listed"
        else:
            list_result = listing.status_code
        got = call(desk, "get", f"/complaints/{target.ref}", bearer).status_code
        # The admin acknowledges first, so the officer in scope takes the next step.
        action = {"action": "start"} if who == "officer in scope" else {"action": "acknowledge"}
        acted = call(desk, "post", f"/complaints/{target.ref}/actions", bearer, action)
        observed[who] = (list_result, got, acted.status_code)
    print("\naccess matrix (list, get, act):", json.dumps(observed, indent=1))
    assert observed == EXPECTED


def test_an_officer_lists_only_complaints_in_scope_whatever_the_filters(desk, token):
    officer = token("officer", *LUCKNOW_POLICE)
    for query in ("", "?district=144", "?department=electricity", "?status=new", "?urgent=true"):
        body = call(desk, "get", f"/complaints{query}", officer).json_body
        assert all(c["district"] == 162 and c["department"] == "police" for c in body["complaints"]), query
    assert call(desk, "get", "/complaints", officer).json_body["complaints"]


def test_status_is_for_admins_only(desk, token):
    assert call(desk, "get", "/status", token("admin")).status_code == 200
    answer = call(desk, "get", "/status", token("officer", *LUCKNOW_POLICE))
    assert answer.status_code == 403 and answer.json_body["error"] == "forbidden"


@pytest.mark.parametrize(
    "changes",
    [{}, {"exp": "2000000000"}, {"iat": 1.5}, {"iat": True}, {"districts": ["abc"]}, {"districts": "162"},
     {"districts": [99999]}, {"districts": [True]}, {"departments": ["x"]}, {"departments": [1]},
     {"sub": {"name": "x"}}, {"sub": ""}, {"role": ["admin"]}, {"districts": [162] * 10_000}],
    ids=repr,
)
def test_a_signed_token_with_malformed_claims_gets_the_gateways_401_not_a_crash(client, changes):
    now = int(runtime.utcnow().timestamp())
    claims = {"iss": "up-complaint-desk", "sub": "sho", "role": "officer", "districts": [162], "departments": ["police"],
              "iat": now, "exp": now + 3600}
    answer = call(client, "get", "/complaints?limit=1", jwt.encode(claims | changes, DUMMY_SIGNING_KEY))
    if not changes:  # the same claims unchanged are a good token
        assert answer.status_code == 200
    else:
        assert (answer.status_code, answer.json_body) == (401, {"message": "Unauthorized"})


# --- listing ----------------------------------------------------------------------------------

def test_listing_pages_newest_first_with_an_opaque_cursor_and_no_repeats(desk, token):
    admin = token("admin")
    seen, cursor, pages = [], None, 0
    while True:
        answer = call(desk, "get", "/complaints?limit=3" + (f"&cursor={cursor}" if cursor else ""), admin).json_body
        seen += answer["complaints"]
        pages += 1
        cursor = answer["next_cursor"]
        if not cursor:
            break
    assert pages >= 4 and len(seen) == len({c["ref"] for c in seen}) == len(desk.first_poll["created"])
    assert [c["created_at"] for c in seen] == sorted((c["created_at"] for c in seen), reverse=True)


def test_filters_combine(desk, token):
    admin = token("admin")
    urgent_lucknow = call(desk, "get", "/complaints?district=162&urgent=true", admin).json_body["complaints"]
    assert urgent_lucknow and all(c["urgent"] and c["district"] == 162 for c in urgent_lucknow)
    queue = call(desk, "get", "/complaints?district=unknown&status=new", admin).json_body["complaints"]
    assert queue and all(c["district"] is None and c["status"] == "new" for c in queue)
    electricity = call(desk, "get", "/complaints?department=electricity&limit=2", admin).json_body
    assert len(electricity["complaints"]) == 2 and electricity["next_cursor"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("?district=999", "district"),
        ("?district=lucknow", "district"),
        ("?department=fire", "department"),
        ("?status=open", "status"),
        ("?urgent=yes", "urgent"),
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?colour=red", "colour"),
        ("?district=", "district"),
        ("?cursor=", "cursor"),
        ("?cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("?limit=%C2%B2", "limit"),
        ("?district=%C2%B2", "district"),
        # A well-formed cursor naming keys the index does not have.
        ("?cursor=" + base64.urlsafe_b64encode(b'{"i":"feed","k":{"foo":{"S":"x"}}}').decode(), "cursor"),
    ],
)
def test_bad_listing_parameters_are_a_400_with_a_message(desk, token, query, message):
    answer = call(desk, "get", f"/complaints{query}", token("admin"))
    assert answer.status_code == 400 and answer.json_body["error"] == "bad_request"
    assert message in answer.json_body["message"]


def test_a_cursor_from_another_listing_is_refused(desk, token):
    admin = token("admin")
    cursor = call(desk, "get", "/complaints?district=162&limit=1", admin).json_body["next_cursor"]
    answer = call(desk, "get", f"/complaints?department=water&cursor={cursor}", admin)
    assert answer.status_code == 400


# --- one complaint and actions ----------------------------------------------------------------

def test_a_complaint_comes_with_its_history(desk, token):
    target = a_complaint(desk, 162)
    officer = token("officer", *LUCKNOW_POLICE, subject="sho-hazratganj")
    call(desk, "post", f"/complaints/{target.ref}/actions", officer, {"action": "acknowledge", "note": "बीट सिपाही भेजा गया"})
    body = call(desk, "get", f"/complaints/{target.ref}", officer).json_body
    assert body["status"] == "acknowledged" and body["version"] == 2
    assert body["history"][-1] | {"at": None} == {"at": None, "by": "sho-hazratganj", "action": "acknowledge",
                                                "from": "new", "to": "acknowledged", "note": "बीट सिपाही भेजा गया"}


def test_an_unknown_reference_is_a_404(desk, token):
    answer = call(desk, "get", "/complaints/UP-LKO-26-999999", token("admin"))
    assert answer.status_code == 404 and answer.json_body == {"error": "not_found", "message": "no complaint with reference UP-LKO-26-999999"}
    assert call(desk, "post", "/complaints/UP-LKO-26-999999/actions", token("admin"), {"action": "start"}).status_code == 404


def test_a_complaint_goes_through_its_whole_life(desk, token):
    target = a_complaint(desk, 162)
    officer = token("officer", *LUCKNOW_POLICE)
    path = f"/complaints/{target.ref}/actions"
    for action, status in (("acknowledge", "acknowledged"), ("start", "in_progress"), ("resolve", "resolved"),
                           ("reopen", "reopened"), ("resolve", "resolved"), ("close", "closed")):
        answer = call(desk, "post", path, officer, {"action": action, "note": f"{action} done"})
        assert (answer.status_code, answer.json_body["status"]) == (200, status), answer.json_body
    counts = call(desk, "get", "/status", token("admin")).json_body["complaints"]["by_status"]
    assert counts["closed"] == 1


@pytest.mark.parametrize(
    "body, status, error",
    [
        ({"action": "close"}, 409, "illegal_transition"),
        # Allowed by the document, refused by the complaint: it is already with Lucknow police.
        ({"action": "transfer", "to_district": 162, "to_department": "police"}, 400, "invalid_action"),
        ({"action": "reject"}, 400, "bad_request"),
        ({"action": "reject", "reason": "lazy"}, 400, "bad_request"),
        ({"action": "start", "reason": "duplicate"}, 400, "bad_request"),
        ({"action": "transfer"}, 400, "bad_request"),
        ({"action": "transfer", "to_district": 9999}, 400, "bad_request"),
        ({"action": "start", "to_department": "water"}, 400, "bad_request"),
        ({"action": "fly"}, 400, "bad_request"),
        ({"action": "start", "note": "x" * 2001}, 400, "bad_request"),
        ({"action": "start", "note": None}, 400, "bad_request"),
        ({"action": "start", "version": 0}, 400, "bad_request"),
        ({"action": "start", "priority": "high"}, 400, "bad_request"),
        ({"action": "transfer", "to_district": "144"}, 400, "bad_request"),
        ({"action": "start", "version": True}, 400, "bad_request"),
        ({"note": "no action"}, 400, "bad_request"),
        (["start"], 400, "bad_request"),
        ("{not json", 400, "bad_request"),
        ("", 400, "bad_request"),
    ],
)
def test_bad_actions_get_a_clear_4xx_never_a_5xx(desk, token, body, status, error):
    target = a_complaint(desk, 162)
    answer = call(desk, "post", f"/complaints/{target.ref}/actions", token("admin"), body)
    assert answer.status_code == status and answer.json_body["error"] == error and answer.json_body["message"]


def test_a_body_that_is_not_json_by_its_content_type_gets_chalices_documented_415(desk, token):
    target = a_complaint(desk, 162)
    headers = {"Authorization": f"Bearer {token('admin')}", "Content-Type": "text/plain"}
    answer = desk.http.post(f"/complaints/{target.ref}/actions", headers=headers, body='{"action": "start"}')
    assert answer.status_code == 415 and set(answer.json_body) == {"Code", "Message"}


def test_two_officers_acting_on_the_same_version_one_wins_the_other_is_told(desk, token):
    target = a_complaint(desk, 162)
    path = f"/complaints/{target.ref}/actions"
    first = call(desk, "post", path, token("officer", *LUCKNOW_POLICE, subject="a"), {"action": "acknowledge", "version": 1})
    second = call(desk, "post", path, token("officer", *LUCKNOW_POLICE, subject="b"), {"action": "reject", "reason": "duplicate", "version": 1})
    assert first.status_code == 200
    assert second.status_code == 409 and second.json_body["error"] == "version_conflict"
    history = call(desk, "get", f"/complaints/{target.ref}", token("admin")).json_body["history"]
    assert [h["by"] for h in history if h["action"] != "reply_sent"] == ["a"]


def test_a_transfer_reroutes_and_alerts_the_new_district(desk, token, stack):
    target = a_complaint(desk, 162)
    stack.received("noida-police")  # empty the queue of the first poll's alerts
    officer = token("officer", *LUCKNOW_POLICE)
    answer = call(desk, "post", f"/complaints/{target.ref}/actions", officer, {"action": "transfer", "to_district": 144, "note": "Incident in Sector 18"})
    assert answer.status_code == 200 and answer.json_body["district"] == 144
    [alert] = stack.received("noida-police")
    assert alert["attributes"]["event"] == "transferred" and target.ref in alert["subject"]
    assert call(desk, "get", f"/complaints/{target.ref}", officer).status_code == 403
    by_district = call(desk, "get", "/status", token("admin")).json_body["complaints"]["by_district"]
    assert by_district["144"]["count"] == 1 + sum(c.district == 144 for c in desk.complaints)


def test_a_mention_triage_judged_not_actionable_can_be_rescued_into_a_district(desk, token, stack):
    admin = token("admin")
    [rescued, *_] = call(desk, "get", "/complaints?status=not_actionable", admin).json_body["complaints"]
    answer = call(desk, "post", f"/complaints/{rescued['ref']}/actions", admin, {"action": "transfer", "to_district": 162, "to_department": "police"})
    assert answer.json_body["status"] == "transferred"
    assert any(rescued["ref"] in a["subject"] for a in stack.received("lucknow-police"))


# --- replies to citizens ----------------------------------------------------------------------

def posts_to(stack, tweet_id):
    return [p for p in requests.get(f"{stack.x.url}/_control/posts", timeout=5).json()
            if any(r["id"] == tweet_id for r in p.get("referenced_tweets", []))]


def test_each_complaint_gets_one_acknowledgement_and_one_resolution_reply(desk, token, stack):
    target = a_complaint(desk, 162)
    assert desk.first_poll["replies_sent"] == sum(c.status.value == "new" for c in desk.complaints)
    [ack] = posts_to(stack, target.tweet_id)
    assert target.ref in ack["text"] and "http" not in ack["text"]
    call(desk, "post", f"/complaints/{target.ref}/actions", token("admin"), {"action": "resolve", "note": "Accused arrested, chain returned"})
    desk.poll()
    desk.poll()
    ack_again, resolution = posts_to(stack, target.tweet_id)
    # The note is internal: the public resolution names the reference, never the officer's words.
    assert ack_again == ack and target.ref in resolution["text"] and "Accused arrested" not in resolution["text"]
    replies = call(desk, "get", f"/complaints/{target.ref}", token("admin")).json_body["replies"]
    assert replies["resolved"]["post_id"] == resolution["id"] and replies["acknowledged"]["post_id"] == ack["id"]


def test_a_reply_whose_record_was_lost_is_not_posted_twice(desk, stack):
    target = a_complaint(desk, 162)
    before = len(posts_to(stack, target.tweet_id))
    # As if the poll crashed after X took the reply but before the complaint recorded it.
    stack.client("dynamodb").update_item(
        TableName=stack.env["TABLE_NAME"], Key={"pk": {"S": f"C#{target.ref}"}, "sk": {"S": "C"}},
        UpdateExpression="SET replies.acknowledged.#s = :p, reply_pending = :y",
        ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":p": {"S": "pending"}, ":y": {"S": "Y"}},
    )
    report = desk.poll()
    assert report["replies_sent"] == 1 and len(posts_to(stack, target.tweet_id)) == before


def test_a_failed_reply_is_retried_once_its_backoff_has_passed(desk, stack, x_control, token):
    x_control.tweets({"author": "late_citizen", "text": "@lucknowpolice Aminabad me jeb kat gayi, shikayat darj karein"})
    x_control.fault(path_prefix="/2/tweets", status=503, times=100)
    first = desk.poll()
    assert (first["replies_failed"], first["replies_sent"]) == (1, 0)
    requests.delete(f"{stack.x.url}/_control/faults", timeout=5)
    assert desk.poll()["replies_sent"] == 0  # it waits its minute: X is not asked again straight away
    [ref] = first["created"]
    reply = runtime.storage().complaints.get(ref).replies["acknowledged"]
    assert reply.status == "pending" and reply.attempts == 1 and reply.next_attempt_at > runtime.utcnow()
    stack.client("dynamodb").update_item(  # as if the minute passed
        TableName=stack.env["TABLE_NAME"], Key={"pk": {"S": f"C#{ref}"}, "sk": {"S": "C"}},
        UpdateExpression="SET replies.acknowledged.next_attempt_at = :t", ExpressionAttributeValues={":t": {"N": "0"}})
    assert desk.poll()["replies_sent"] == 1
    shown = call(desk, "get", f"/complaints/{ref}", token("admin")).json_body["replies"]["acknowledged"]
    assert shown["status"] == "sent" and shown["from_handle"] == "lucknowpolice"


def test_a_citizens_follow_up_tweet_joins_the_complaint(desk, stack, x_control):
    target = a_complaint(desk, 162)
    [follow_up] = x_control.tweets({"author": target.author_username, "text": "@lucknowpolice अभी तक कोई नहीं आया", "in_reply_to": target.tweet_id})
    report = desk.poll()
    assert report["created"] == [] and report["skipped"].get("follow_up") == 1
    history = runtime.storage().complaints.get(target.ref).history
    assert history[-1].details["tweet_id"] == follow_up and history[-1].action == "citizen_follow_up"


# --- input from outside the desk's own clients -------------------------------------------------

DEEP = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        '{"action": "start", "note": ' + DEEP + "}",
        '{"action": "start", "note": "\\ud800"}',
        '{"action": "start", "note": "a lone \\udfff in the middle"}',
    ],
    ids=["nested body", "nested note", "lone surrogate", "lone low surrogate"],
)
def test_a_body_no_json_parser_should_trust_is_a_400_with_the_usual_error_body(desk, token, body):
    target = a_complaint(desk, 162)
    answer = call(desk, "post", f"/complaints/{target.ref}/actions", token("admin"), body)
    assert answer.status_code == 400 and answer.json_body["error"] == "bad_request" and answer.json_body["message"]
    assert set(answer.json_body) == {"error", "message"}


def test_an_emoji_sent_as_a_surrogate_pair_is_text_like_any_other(desk, token):
    target = a_complaint(desk, 162)
    answer = call(desk, "post", f"/complaints/{target.ref}/actions", token("admin"), '{"action": "start", "note": "done \\ud83d\\udc4d"}')
    assert answer.status_code == 200 and answer.json_body["history"][-1]["note"] == "done \U0001F44D"


@pytest.mark.parametrize("query", ["?district=0162", "?district=00162", "?district=+162", "?limit=025"])
def test_a_code_with_leading_zeros_is_refused_not_an_empty_list(desk, token, query):
    answer = call(desk, "get", f"/complaints{query}", token("admin"))
    assert answer.status_code == 400 and answer.json_body["error"] == "bad_request"


def test_every_desk_error_is_answered_by_its_own_code_and_anything_else_is_a_logged_500(monkeypatch):
    from types import SimpleNamespace

    from chalicelib.errors import VersionConflict

    logged = []
    monkeypatch.setattr(runtime, "logger", lambda: SimpleNamespace(exception=lambda message, extra: logged.append(extra)))

    @api.json_errors
    def view(error):
        raise error

    conflict = view(error=VersionConflict("UP-LKO-26-000001"))
    assert (conflict.status_code, conflict.body["error"]) == (409, "version_conflict") and "UP-LKO-26-000001" in conflict.body["message"]
    assert logged == []
    crash = view(error=KeyError("district_key"))
    assert crash.status_code == 500 and crash.body["error"] == "internal_error" and "district_key" not in crash.body["message"]
    assert logged == [{"view": "view"}]


def test_a_store_that_is_not_answering_is_a_503_to_retry_and_a_refusal_for_good_a_500(monkeypatch):
    from types import SimpleNamespace

    from chalicelib.services.ports import StorageRejected, StorageUnavailable

    logged = []
    monkeypatch.setattr(runtime, "logger", lambda: SimpleNamespace(
        warning=lambda message, extra: logged.append(("warning", extra["view"])),
        exception=lambda message, extra: logged.append(("exception", extra["view"]))))

    @api.json_errors
    def view(error):
        raise error

    busy = view(error=StorageUnavailable("ProvisionedThroughputExceededException"))
    assert (busy.status_code, busy.body["error"]) == (503, "storage_unavailable") and "try again" in busy.body["message"]
    refused = view(error=StorageRejected("Item size has exceeded the maximum allowed size"))
    assert (refused.status_code, refused.body["error"]) == (500, "internal_error")
    assert logged == [("warning", "view"), ("exception", "view")]
