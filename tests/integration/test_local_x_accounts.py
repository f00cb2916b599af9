"""Suspended and deleted users as X answers for them (errors arrays, partial errors), users lookup
by id, verified_type, and edited posts (edit history, edit controls, the 30-minute and 5-edit limits)."""

from __future__ import annotations

import requests

from tests.integration.local_x import control, get_json, seed


# --- suspended and deleted users ---------------------------------------------------------------

RESOURCE_NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"


def test_a_suspended_user_answers_200_with_only_xs_errors_array(server, app):
    uid = str(app.get_user(username="noidapolice").data.id)
    control(server, "POST", "users/noidapolice/suspend")
    assert get_json(server, f"/2/users/{uid}") == {"errors": [{
        "value": uid, "detail": f"User has been suspended: [{uid}].", "title": "Forbidden", "resource_type": "user",
        "parameter": "id", "resource_id": uid, "type": RESOURCE_NOT_FOUND,
    }]}
    by_name = get_json(server, "/2/users/by/username/noidapolice")
    assert list(by_name) == ["errors"] and by_name["errors"][0]["detail"] == "User has been suspended: [noidapolice]."
    assert get_json(server, f"/2/users/{uid}/mentions")["errors"][0]["detail"] == f"User has been suspended: [{uid}]."
    assert app.get_user(username="noidapolice").data is None  # tweepy sees no data


def test_a_deleted_user_is_not_found(server, app):
    uid = str(app.get_user(username="noidapolice").data.id)
    control(server, "DELETE", "users/noidapolice")
    assert get_json(server, f"/2/users/{uid}/mentions") == {"errors": [{
        "value": uid, "detail": f"Could not find user with id: [{uid}].", "title": "Not Found Error",
        "resource_type": "user", "parameter": "id", "resource_id": uid, "type": RESOURCE_NOT_FOUND,
    }]}
    both = get_json(server, "/2/users/by", usernames="noidapolice,lucknowpolice")
    assert [u["username"] for u in both["data"]] == ["lucknowpolice"]
    assert both["errors"][0]["detail"] == "Could not find user with usernames: [noidapolice]."


def test_users_lookup_by_id_and_ids(server, app):
    lucknow = app.get_user(username="lucknowpolice").data
    assert app.get_user(id=lucknow.id).data.username == "lucknowpolice"
    many = app.get_users(ids=[lucknow.id, 999999999])
    assert [u.username for u in many.data] == ["lucknowpolice"] and many.errors[0]["parameter"] == "ids"


def test_posts_by_a_suspended_author_leave_timelines_and_search(instant_search, server, app):
    seed(server, {"author": "spammer_1", "text": "@lucknowpolice buy followers now"},
         {"author": "citizen_1", "text": "@lucknowpolice genuine complaint"})
    uid = app.get_user(username="lucknowpolice").data.id
    assert "spammer_1" in authors(app.get_users_mentions(uid, expansions=["author_id"]))
    control(server, "POST", "users/spammer_1/suspend")
    assert "spammer_1" not in authors(app.get_users_mentions(uid, expansions=["author_id"]))
    found = app.search_recent_tweets("@lucknowpolice", expansions=["author_id"])
    assert "citizen_1" in authors(found) and "spammer_1" not in authors(found)


def authors(response) -> set[str]:
    return {u.username for u in response.includes.get("users", [])}


def test_an_unavailable_expansion_is_a_partial_error_not_an_include(server, app):
    seed(server, {"author": "citizen_2", "text": "hello"},
         {"author": "citizen_1", "text": "@lucknowpolice @citizen_2 saw the theft too"})
    control(server, "POST", "users/citizen_2/suspend")
    uid = app.get_user(username="lucknowpolice").data.id
    page = app.get_users_mentions(uid, max_results=5, expansions=["author_id", "entities.mentions.username"])
    assert "citizen_2" not in authors(page) and {"citizen_1", "lucknowpolice"} <= authors(page)
    [error] = [e for e in page.errors if e["resource_id"] == "citizen_2"]
    assert error == {
        "value": "citizen_2", "detail": "User has been suspended: [citizen_2].", "title": "Forbidden",
        "resource_type": "user", "parameter": "entities.mentions.username", "resource_id": "citizen_2",
        "type": RESOURCE_NOT_FOUND, "section": "includes",
    }


def test_a_deleted_referenced_post_is_a_partial_error(server, app):
    [parent] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice first report"})
    seed(server, {"author": "citizen_1", "text": "@lucknowpolice any update?", "in_reply_to": parent})
    control(server, "DELETE", f"tweets/{parent}")
    uid = app.get_user(username="lucknowpolice").data.id
    page = app.get_users_mentions(uid, since_id=parent, expansions=["referenced_tweets.id"])
    assert len(page.data) == 1 and "tweets" not in page.includes
    assert page.errors == [{
        "value": parent, "detail": f"Could not find tweet with referenced_tweets.id: [{parent}].",
        "title": "Not Found Error", "resource_type": "tweet", "parameter": "referenced_tweets.id",
        "resource_id": parent, "type": RESOURCE_NOT_FOUND, "section": "includes",
    }]


def test_verified_type_is_a_user_field_and_watched_handles_are_government(server, app):
    assert app.get_user(username="lucknowpolice", user_fields=["verified_type"]).data.verified_type == "government"
    control(server, "POST", "users", {"username": "citizen_1"})
    assert app.get_user(username="citizen_1", user_fields=["verified_type", "verified"]).data.verified is False
    control(server, "POST", "users", {"username": "citizen_1", "verified_type": "blue"})
    blue = app.get_user(username="citizen_1", user_fields=["verified_type", "verified"]).data
    assert (blue.verified_type, blue.verified) == ("blue", True)
    answer = requests.post(f"{server.url}/_control/users", json={"username": "citizen_1", "verified_type": "gold"},
                           timeout=5)
    assert answer.status_code == 400

# --- edits -----------------------------------------------------------------------------------

def edit(server, tweet_id: str, text: str) -> requests.Response:
    return requests.post(f"{server.url}/_control/tweets/{tweet_id}/edit", json={"text": text}, timeout=5)


def test_an_edit_is_a_new_post_that_every_version_links_to(server, app):
    [original] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice theft at Aminabad market"})
    edited = edit(server, original, "@lucknowpolice theft at Aminabad market, 5 pm today").json()
    assert edited["id"] != original and edited["edit_history_tweet_ids"] == [original, edited["id"]]
    assert edited["conversation_id"] == original
    controls = edited["edit_controls"]
    assert controls["edits_remaining"] == 4 and controls["is_edit_eligible"] is True
    fields = ["edit_controls", "conversation_id"]
    old = app.get_tweet(original, tweet_fields=fields).data
    assert old.edit_history_tweet_ids == [int(original), int(edited["id"])] and old.edit_controls["edits_remaining"] == 4
    assert old.text == "@lucknowpolice theft at Aminabad market"  # the old version stays readable by id
    both = app.get_tweets([original, edited["id"]]).data
    assert [t.text for t in both] == ["@lucknowpolice theft at Aminabad market",
                                      "@lucknowpolice theft at Aminabad market, 5 pm today"]


def test_timelines_and_search_show_only_the_latest_version(instant_search, server, app):
    [original] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice water logging near Charbagh"})
    newest = edit(server, original, "@lucknowpolice water logging near Charbagh station").json()["id"]
    uid = app.get_user(username="lucknowpolice").data.id
    ids = [str(t.id) for t in app.get_users_mentions(uid, max_results=100).data]
    assert newest in ids and original not in ids
    found = [str(t.id) for t in app.search_recent_tweets("Charbagh").data]
    assert found == [newest]


def test_an_edit_after_30_minutes_is_refused(server):
    [old] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice old complaint", "minutes_ago": 31})
    refused = edit(server, old, "@lucknowpolice old complaint, edited")
    assert refused.status_code == 403 and refused.json()["title"] == "Forbidden"


def test_a_post_can_be_edited_five_times_and_no_more(server):
    [tweet_id] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice version 0"})
    for n in range(1, 6):
        tweet_id = edit(server, tweet_id, f"@lucknowpolice version {n}").json()["id"]
    assert edit(server, tweet_id, "@lucknowpolice version 6").status_code == 403


def test_only_the_latest_version_can_be_edited_and_replies_to_others_not_at_all(server):
    [original] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice noise complaint"})
    edit(server, original, "@lucknowpolice noise complaint, sector 9").raise_for_status()
    assert edit(server, original, "@lucknowpolice again").status_code == 400
    [aside] = seed(server, {"author": "citizen_2", "text": "me too", "in_reply_to": original})
    refused = edit(server, aside, "me too, same street")
    assert refused.status_code == 403


def test_deleting_any_version_deletes_the_whole_chain(server, app):
    [original] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice a complaint"})
    newest = edit(server, original, "@lucknowpolice a complaint, edited").json()["id"]
    control(server, "DELETE", f"tweets/{original}")
    gone = get_json(server, "/2/tweets", ids=f"{original},{newest}")
    assert "data" not in gone and [e["resource_id"] for e in gone["errors"]] == [original, newest]
    assert gone["errors"][0]["detail"] == f"Could not find tweet with ids: [{original}]."


def test_tweet_lookup_by_id_of_a_missing_post_is_an_errors_array(server):
    assert get_json(server, "/2/tweets/1234567890123") == {"errors": [{
        "value": "1234567890123", "detail": "Could not find tweet with id: [1234567890123].",
        "title": "Not Found Error", "resource_type": "tweet", "parameter": "id", "resource_id": "1234567890123",
        "type": RESOURCE_NOT_FOUND,
    }]}
