"""X's 2026 rules on the local X: who may reply to what, replies to deleted posts, long posts and
escaping, errors arrays for unavailable users, edits, rate windows per app and per user, and costs."""

from __future__ import annotations

import pytest
import requests
import tweepy

from tests.integration.local_x import BEARER, control, tweepy_client, user_tokens

NOT_ENGAGED = (
    "Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the "
    "author of the post you are replying to."
)


def seed(server, *specs) -> list[str]:
    return [t["id"] for t in control(server, "POST", "tweets", list(specs))]


@pytest.fixture
def lucknow(server):
    """@lucknowpolice acting through an OAuth 2.0 user access token, as the desk does per handle."""
    return tweepy_client(server.url, bearer_token=user_tokens(server, "lucknowpolice")["access_token"])


def reply(client, text: str, parent: str):
    return client.create_tweet(text=text, in_reply_to_tweet_id=parent, user_auth=False)


# --- who may reply ---------------------------------------------------------------------------

def test_a_reply_to_a_post_that_mentions_the_account_is_accepted(server, lucknow):
    [complaint] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice streetlight broken in Aliganj"})
    posted = reply(lucknow, "Shikayat darj kar li gayi hai.", complaint).data
    [recorded] = server.posts()
    assert recorded["id"] == posted["id"] and recorded["referenced_tweets"] == [{"type": "replied_to", "id": complaint}]


def test_a_reply_to_a_post_that_does_not_mention_the_account_is_403_with_xs_words(server, lucknow):
    [other] = seed(server, {"author": "citizen_1", "text": "@noidapolice pothole on sector 18 road"})
    with pytest.raises(tweepy.Forbidden) as caught:
        reply(lucknow, "We are looking into it.", other)
    assert caught.value.response.json() == {
        "detail": NOT_ENGAGED, "type": "about:blank", "title": "Forbidden", "status": 403,
    }
    assert server.posts() == []


def test_a_mention_by_name_in_plain_text_without_the_at_does_not_count(server, lucknow):
    [other] = seed(server, {"author": "citizen_1", "text": "lucknowpolice please help, @noidapolice too"})
    with pytest.raises(tweepy.Forbidden):
        reply(lucknow, "We are looking into it.", other)


def test_a_reply_to_a_reply_to_the_accounts_own_post_is_accepted(server, lucknow):
    [complaint] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice no water since Monday"})
    answer = reply(lucknow, "Please share your ward number.", complaint).data["id"]
    # The citizen answers the desk's post without typing @lucknowpolice.
    [follow_up] = seed(server, {"author": "citizen_1", "text": "Ward 42, Indiranagar", "in_reply_to": answer})
    assert reply(lucknow, "Forwarded to Jal Sansthan.", follow_up).data["id"]


def test_a_reply_to_someone_elses_reply_in_the_conversation_is_refused(server, lucknow):
    [complaint] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice loud music at night"})
    [aside] = seed(server, {"author": "citizen_2", "text": "same in my lane", "in_reply_to": complaint})
    with pytest.raises(tweepy.Forbidden):
        reply(lucknow, "Noted.", aside)


def test_the_account_may_continue_its_own_thread(server, lucknow):
    first = lucknow.create_tweet(text="Traffic advisory for Sunday: part 1", user_auth=False).data["id"]
    assert reply(lucknow, "Part 2: diversions near Hazratganj", first).data["id"]


def test_the_oauth_1a_bot_is_held_to_the_same_rule(server, bot):
    [other] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice help"})
    with pytest.raises(tweepy.Forbidden) as caught:
        bot.create_tweet(text="From the state desk", in_reply_to_tweet_id=other)
    assert caught.value.response.json()["detail"] == NOT_ENGAGED


def test_a_reply_to_a_deleted_post_is_403(server, lucknow):
    [complaint] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice chain snatching near the market"})
    assert control(server, "DELETE", f"tweets/{complaint}") == {"deleted": True}
    with pytest.raises(tweepy.Forbidden) as caught:
        reply(lucknow, "Please DM details.", complaint)
    assert caught.value.response.json()["detail"] == (
        "You attempted to reply to a Tweet that is deleted or not visible to you."
    )
    assert control(server, "DELETE", f"tweets/{complaint}") == {"deleted": False}


def test_a_deleted_post_leaves_the_mentions_timeline(server, app):
    [complaint] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice chain snatching near the market"})
    uid = app.get_user(username="lucknowpolice").data.id
    assert complaint in [str(t.id) for t in app.get_users_mentions(uid).data]
    control(server, "DELETE", f"tweets/{complaint}")
    assert complaint not in [str(t.id) for t in app.get_users_mentions(uid).data or []]


# --- long posts and escaping -----------------------------------------------------------------

LONG = (
    "@lucknowpolice Sir, the drain on Station Road has overflowed for three days & the water is entering homes. "
    "Children cannot go to school and the elderly cannot step out. We have called the municipal helpline many "
    "times without any answer. Please send someone today #Lucknow #drainage, ward 42 near the water tank."
)


def mentions_of(app, handle: str, **kwargs):
    uid = app.get_user(username=handle).data.id
    return app.get_users_mentions(uid, **kwargs)


def test_a_long_post_is_cut_at_a_word_within_280_and_note_tweet_has_it_all(server, app):
    assert len(LONG) > 280
    seed(server, {"author": "citizen_1", "text": LONG})
    post = mentions_of(app, "lucknowpolice", tweet_fields=["note_tweet", "entities"]).data[0]  # the newest
    escaped = LONG.replace("&", "&amp;")
    assert len(post.text) <= 280 + len("amp;") and escaped.startswith(post.text) and not post.text.endswith(" ")
    assert escaped[len(post.text)] == " "  # cut between words, no ellipsis
    assert post.note_tweet["text"] == escaped
    note = post.note_tweet["entities"]
    assert [h["tag"] for h in note["hashtags"]] == ["Lucknow", "drainage"]
    for tag in note["hashtags"]:
        assert escaped[tag["start"]:tag["end"]] == "#" + tag["tag"]
    # `entities` describe only the part in `text`.
    assert post.text.endswith("#Lucknow") and [h["tag"] for h in post.entities["hashtags"]] == ["Lucknow"]


def test_note_tweet_is_sent_only_when_asked_for_and_only_for_long_posts(server, app):
    seed(server, {"author": "citizen_1", "text": LONG}, {"author": "citizen_2", "text": "@lucknowpolice short one"})
    plain = get_json(server, f"/2/users/{app.get_user(username='lucknowpolice').data.id}/mentions")
    assert all("note_tweet" not in t for t in plain["data"])
    asked = get_json(server, f"/2/users/{app.get_user(username='lucknowpolice').data.id}/mentions",
                     **{"tweet.fields": "note_tweet"})
    assert [("note_tweet" in t) for t in asked["data"][:2]] == [False, True]


def test_text_is_html_escaped_and_entity_indices_point_into_the_escaped_text(server, app):
    seed(server, {"author": "citizen_1", "text": "<b>Fire</b> & smoke @lucknowpolice #Aag"})
    post = mentions_of(app, "lucknowpolice", tweet_fields=["entities"]).data[0]  # the newest
    assert post.text == "&lt;b&gt;Fire&lt;/b&gt; &amp; smoke @lucknowpolice #Aag"
    [mention], [tag] = post.entities["mentions"], post.entities["hashtags"]
    assert post.text[mention["start"]:mention["end"]] == "@lucknowpolice"
    assert post.text[tag["start"]:tag["end"]] == "#Aag"


def test_links_are_url_entities(server, app):
    seed(server, {"author": "citizen_1", "text": "@lucknowpolice see https://example.com/photos/123 please"})
    post = mentions_of(app, "lucknowpolice", tweet_fields=["entities"]).data[0]  # the newest
    [url] = post.entities["urls"]
    assert post.text[url["start"]:url["end"]] == "https://example.com/photos/123"
    assert url["expanded_url"] == "https://example.com/photos/123" and url["display_url"] == "example.com/photos/123"


def test_posting_over_280_weighted_characters_is_still_refused(server, lucknow):
    with pytest.raises(tweepy.BadRequest):
        lucknow.create_tweet(text="शिकायत " * 41, user_auth=False)  # 287 weighted characters


def get_json(server, path: str, **params) -> dict:
    answer = requests.get(f"{server.url}{path}", headers=BEARER, params=params, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


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


def test_posts_by_a_suspended_author_leave_timelines_and_search(server, app):
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


def test_timelines_and_search_show_only_the_latest_version(server, app):
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


# --- rate windows per app and per user -------------------------------------------------------

def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_app_only_and_user_context_count_against_separate_windows_with_xs_limits(server):
    token = user_tokens(server, "lucknowpolice")["access_token"]
    app_first = requests.get(f"{server.url}/2/users/1009/mentions", headers=BEARER, timeout=5)
    user_first = requests.get(f"{server.url}/2/users/1009/mentions", headers=bearer(token), timeout=5)
    user_second = requests.get(f"{server.url}/2/users/1009/mentions", headers=bearer(token), timeout=5)
    assert app_first.headers["x-rate-limit-limit"] == "450" and app_first.headers["x-rate-limit-remaining"] == "449"
    assert user_first.headers["x-rate-limit-limit"] == "300" and user_first.headers["x-rate-limit-remaining"] == "299"
    assert user_second.headers["x-rate-limit-remaining"] == "298"
    lookup = requests.get(f"{server.url}/2/users/by/username/noidapolice", headers=bearer(token), timeout=5)
    assert lookup.headers["x-rate-limit-limit"] == "900"
    me = requests.get(f"{server.url}/2/users/me", headers=bearer(token), timeout=5)
    assert me.headers["x-rate-limit-limit"] == "75"


def test_one_users_exhausted_window_leaves_other_users_and_the_app_alone(server):
    lucknow = user_tokens(server, "lucknowpolice")["access_token"]
    meerut = user_tokens(server, "meerutpolice")["access_token"]
    control(server, "POST", "rate_limits", {"family": "search", "limit": 1, "scope": "user", "username": "lucknowpolice"})
    url = f"{server.url}/2/tweets/search/recent"
    assert requests.get(url, headers=bearer(lucknow), params={"query": "help"}, timeout=5).status_code == 200
    refused = requests.get(url, headers=bearer(lucknow), params={"query": "help"}, timeout=5)
    assert refused.status_code == 429 and refused.headers["x-rate-limit-remaining"] == "0"
    assert requests.get(url, headers=bearer(meerut), params={"query": "help"}, timeout=5).status_code == 200
    assert requests.get(url, headers=BEARER, params={"query": "help"}, timeout=5).status_code == 200


def test_an_exhausted_app_window_does_not_stop_user_context(server):
    token = user_tokens(server, "lucknowpolice")["access_token"]
    control(server, "POST", "rate_limits", {"family": "users", "limit": 0, "scope": "app"})
    assert requests.get(f"{server.url}/2/users/1009", headers=BEARER, timeout=5).status_code == 429
    assert requests.get(f"{server.url}/2/users/1009", headers=bearer(token), timeout=5).status_code == 200


def test_posting_counts_against_the_user_and_the_apps_day(server):
    [a, b] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice one"}, {"author": "citizen_1", "text": "@lucknowpolice two"})
    lucknow = user_tokens(server, "lucknowpolice")["access_token"]
    post = requests.post(f"{server.url}/2/tweets", headers=bearer(lucknow), timeout=5,
                         json={"text": "Noted", "reply": {"in_reply_to_tweet_id": a}})
    assert post.status_code == 201
    assert post.headers["x-rate-limit-limit"] == "100" and post.headers["x-rate-limit-remaining"] == "99"
    assert post.headers["x-app-limit-24hour-limit"] == "10000"
    assert post.headers["x-app-limit-24hour-remaining"] == "9999"
    control(server, "POST", "rate_limits", {"family": "post", "limit": 10_000, "remaining": 0, "scope": "app"})
    refused = requests.post(f"{server.url}/2/tweets", headers=bearer(lucknow), timeout=5,
                            json={"text": "Noted", "reply": {"in_reply_to_tweet_id": b}})
    assert refused.status_code == 429 and refused.headers["x-app-limit-24hour-remaining"] == "0"


def test_the_old_rate_limit_call_without_scope_still_limits_everyone(server, bot):
    [a, b] = seed(server, {"author": "citizen_1", "text": "@Uppolice one"}, {"author": "citizen_1", "text": "@Uppolice two"})
    answer = control(server, "POST", "rate_limits", {"family": "post", "limit": 1})
    assert answer["x-app-limit-24hour-limit"] == "1"
    bot.create_tweet(text="Noted", in_reply_to_tweet_id=a)
    with pytest.raises(tweepy.TooManyRequests):
        bot.create_tweet(text="Noted", in_reply_to_tweet_id=b)


def test_a_bad_rate_limit_control_is_a_400(server):
    for body in ({"family": "nope", "limit": 1}, {"family": "me", "limit": 1, "scope": "app"},
                 {"family": "search", "limit": 1, "scope": "user", "username": "nosuchuser"},
                 {"family": "search", "limit": 1, "username": "lucknowpolice"}):
        assert requests.post(f"{server.url}/_control/rate_limits", json=body, timeout=5).status_code == 400, body


# --- the cost ledger -------------------------------------------------------------------------

def costs(server) -> dict:
    return control(server, "GET", "costs")


def kind(server, name: str) -> dict:
    return costs(server)["by_kind"][name]


def test_a_post_read_twice_in_a_day_by_two_paths_is_billed_once(server, app):
    [tweet_id] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice unique words zebra crossing"})
    control(server, "DELETE", "costs")
    uid = app.get_user(username="lucknowpolice").data.id
    assert kind(server, "user_read") == {"count": 1, "usd": 0.01}
    app.get_users_mentions(uid, since_id=int(tweet_id) - 1)
    app.search_recent_tweets("zebra crossing")
    app.get_tweet(tweet_id)
    assert kind(server, "post_read") == {"count": 1, "usd": 0.005}
    assert costs(server)["total_usd"] == pytest.approx(0.015)


def test_each_user_object_returned_is_billed_and_includes_count(server, app):
    seed(server, {"author": "citizen_1", "text": "@lucknowpolice includes test"})
    control(server, "DELETE", "costs")
    app.get_users(usernames=["lucknowpolice", "noidapolice"])
    app.get_users(usernames=["lucknowpolice"])
    assert kind(server, "user_read")["count"] == 3  # X states daily deduplication for posts only
    uid = app.get_user(username="lucknowpolice").data.id
    page = app.get_users_mentions(uid, max_results=5, expansions=["author_id"])
    assert kind(server, "user_read")["count"] == 4 + len(page.includes["users"])
    assert kind(server, "post_read")["count"] == len(page.data)


def test_posts_are_billed_by_kind(server, lucknow):
    [summoned, other] = seed(server, {"author": "citizen_1", "text": "@lucknowpolice please help"},
                             {"author": "citizen_1", "text": "@lucknowpolice another one"})
    answer = reply(lucknow, "Shikayat darj ki gayi.", summoned).data["id"]
    [follow_up] = seed(server, {"author": "citizen_1", "text": "thank you", "in_reply_to": answer})
    reply(lucknow, "You are welcome.", follow_up)  # allowed (a reply to our post) but not a mention: full price
    lucknow.create_tweet(text="Advisory: see https://uppolice.gov.in/advisory", user_auth=False)
    reply(lucknow, "Details at https://uppolice.gov.in/help", other)
    by_kind = costs(server)["by_kind"]
    assert by_kind["summoned_reply"] == {"count": 1, "usd": 0.01}
    assert by_kind["post_created"] == {"count": 1, "usd": 0.015}
    assert by_kind["post_created_with_url"] == {"count": 2, "usd": 0.4}


def test_failed_calls_are_not_billed_and_reset_clears_the_ledger(server, app, lucknow):
    [other] = seed(server, {"author": "citizen_1", "text": "@noidapolice not for lucknow"})
    control(server, "DELETE", "costs")
    with pytest.raises(tweepy.Forbidden):
        reply(lucknow, "Noted", other)
    with pytest.raises(tweepy.BadRequest):
        app.get_users_mentions("1009", max_results=500)
    assert app.get_user(username="nosuchuser1").data is None  # 200 with only errors: nothing returned
    assert costs(server)["total_usd"] == 0 and costs(server)["calls"] == []
    app.get_user(username="lucknowpolice")
    assert server.costs()["total_usd"] == pytest.approx(0.01)
    [call] = server.costs()["calls"]
    assert call["path"] == "/2/users/by/username/lucknowpolice" and call["items"] == {"user_read": 1}
    server.reset()
    assert server.costs()["total_usd"] == 0
