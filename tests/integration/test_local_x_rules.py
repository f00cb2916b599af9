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
