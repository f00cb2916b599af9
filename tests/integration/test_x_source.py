"""The tweepy mention source against the project's local X API server, over real HTTP."""

import pytest
import requests

from chalicelib.adapters.x_source import TweepyMentionSource
from chalicelib.services.ports import HandleUnavailable, RateLimited, SourceUnavailable


@pytest.fixture
def source(stack):
    return TweepyMentionSource(lambda: "local-dummy-bearer-token", stack.x.url, timeout=2.0)


def all_mentions(source, user_id, since_id=None):
    return [m for page in source.pages(user_id, since_id) for m in page.mentions]


def test_a_handle_resolves_to_its_user_id_and_an_unknown_one_to_nothing(source):
    assert source.resolve_user_id("lucknowpolice")
    assert source.resolve_user_id("nosuchhandle1") is None


def test_more_than_100_mentions_arrive_over_several_pages_newest_first(source, x_control):
    user_id = source.resolve_user_id("meerutpolice")
    x_control.tweets(*[{"author": "citizen_meerut", "text": f"@meerutpolice shikayat {i}"} for i in range(230)])
    pages = list(source.pages(user_id, None))
    mentions = [m for p in pages for m in p.mentions]
    assert len(pages) >= 3 and len(mentions) >= 230
    ids = [int(m.tweet_id) for m in mentions]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert pages[0].newest_id == mentions[0].tweet_id


def test_since_id_returns_only_newer_mentions(source, x_control):
    user_id = source.resolve_user_id("noidapolice")
    newest = all_mentions(source, user_id)[0].tweet_id
    [new_id] = x_control.tweets({"author": "citizen_noida", "text": "@noidapolice Sector 62 me jam"})
    assert [m.tweet_id for m in all_mentions(source, user_id, newest)] == [new_id]
    assert any(c["query"].get("since_id") == newest for c in x_control.calls())


def test_mentions_carry_author_conversation_tagged_handles_and_retweet_flag(source, x_control):
    user_id = source.resolve_user_id("lucknowpolice")
    [original] = x_control.tweets({"author": "asha", "text": "@Uppolice @lucknowpolice हज़रतगंज में जाम"})
    x_control.tweets({"author": "ravi", "text": "RT @asha: @Uppolice @lucknowpolice हज़रतगंज में जाम", "retweet_of": original})
    newest_two = all_mentions(source, user_id)[:2]
    retweet, tweet = newest_two
    assert retweet.is_retweet and not tweet.is_retweet
    assert tweet.author_username == "asha" and tweet.conversation_id == original
    assert {h.lower() for h in tweet.mentioned} == {"uppolice", "lucknowpolice"}
    assert tweet.text == "@Uppolice @lucknowpolice हज़रतगंज में जाम"


def test_a_429_becomes_rate_limited_with_the_reset_time(source, x_control):
    user_id = source.resolve_user_id("lucknowpolice")
    x_control.fault(path_prefix="/2/users/", status=429, times=1, reset_in_seconds=600)
    with pytest.raises(RateLimited) as caught:
        all_mentions(source, user_id)
    assert caught.value.reset_at is not None


@pytest.mark.parametrize("fault", [{"status": 503}, {"status": 500}, {"malformed": True}, {"malformed": "html"},
                                   {"malformed": "wrong_shape"}, {"delay_seconds": 3.0}, {"drop": True}])
def test_server_errors_malformed_answers_and_hangs_become_source_unavailable(source, x_control, fault):
    user_id = source.resolve_user_id("lucknowpolice")
    x_control.fault(path_prefix="/2/users/", times=1, **fault)
    with pytest.raises(SourceUnavailable):
        all_mentions(source, user_id)


def test_a_429_without_xs_headers_is_rate_limited_without_a_reset(source, x_control):
    user_id = source.resolve_user_id("lucknowpolice")
    x_control.fault(path_prefix="/2/users/", status=429, reset_header=False)
    with pytest.raises(RateLimited) as caught:
        all_mentions(source, user_id)
    assert caught.value.reset_at is None


def test_a_search_page_of_the_wrong_shape_is_source_unavailable(source, x_control):
    from datetime import datetime, timedelta, timezone

    x_control.fault(path_prefix="/2/tweets/search/recent", malformed="wrong_shape")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with pytest.raises(SourceUnavailable):
        list(source.search("@lucknowpolice", None, now - timedelta(hours=1), now - timedelta(minutes=1)))


def test_the_rate_limit_headers_are_read(source):
    source.resolve_user_id("lucknowpolice")
    assert source.rate_limit_remaining["users"] >= 0


def test_tagged_accounts_come_with_their_ids_and_an_unedited_post_is_no_edit(source, x_control):
    user_id = source.resolve_user_id("lucknowpolice")
    x_control.tweets({"author": "asha", "text": "@Uppolice @lucknowpolice Aliganj me chori"})
    [tweet] = all_mentions(source, user_id)[:1]
    assert tweet.mentioned_ids == (source.resolve_user_id("Uppolice"), user_id)
    assert tweet.edit_of is None and tweet.edit_history == (tweet.tweet_id,)
    asked = [c for c in x_control.calls() if c["path"].endswith("/mentions")][-1]["query"]
    assert "note_tweet" in asked["tweet.fields"] and "verified_type" in asked["user.fields"]


# --- what X really sends (the local X keeps today's rules) -------------------------------------

LONG = ("@Uppolice Respected sir, for three weeks a group of boys has gathered every evening near the water tank "
        "at the corner of our lane, drinking, shouting abuse at women who pass and racing motorcycles without "
        "silencers until late at night. We complained at the chowki twice and nothing happened. Please send a "
        "patrol. @lucknowpolice @DM_Lucknow Location: Sector 14, Indira Nagar, Lucknow")


def control(x_control, method: str, path: str, body=None) -> dict:
    answer = requests.request(method, f"{x_control.url}/_control/{path}", json=body, timeout=5)
    answer.raise_for_status()
    return answer.json()


def test_a_long_post_arrives_whole_with_every_tagged_account(source, x_control):
    user_id = source.resolve_user_id("lucknowpolice")
    control(x_control, "POST", "users", {"username": "DM_Lucknow"})  # X makes entities only of accounts it has
    [tweet_id] = x_control.tweets({"author": "asha_lko", "text": LONG})
    [long] = [m for m in all_mentions(source, user_id) if m.tweet_id == tweet_id]
    assert long.text == LONG
    assert {h.lower() for h in long.mentioned} == {"uppolice", "lucknowpolice", "dm_lucknow"}
    assert len(long.mentioned_ids) == 3 and all(long.mentioned_ids)


def test_escaped_text_arrives_as_the_citizen_typed_it(source, x_control):
    user_id = source.resolve_user_id("lucknowpolice")
    typed = "@lucknowpolice Aliganj <b>DJ</b> & shor, likha tha &amp; -> band karo"
    [tweet_id] = x_control.tweets({"author": "ravi_lko", "text": typed})
    assert [m.text for m in all_mentions(source, user_id) if m.tweet_id == tweet_id] == [typed]


def test_the_author_s_verified_type_and_an_edit_s_first_version_come_with_the_post(source, x_control):
    user_id = source.resolve_user_id("lucknowpolice")
    control(x_control, "POST", "users", {"username": "blue_citizen", "verified_type": "blue"})
    [original] = x_control.tweets({"author": "blue_citizen", "text": "@lucknowpolice Aminabad me chori"})
    edited = control(x_control, "POST", f"tweets/{original}/edit", {"text": "@lucknowpolice Aminabad me chori, 5 baje"})
    [latest] = [m for m in all_mentions(source, user_id) if m.author_username == "blue_citizen"]
    assert (latest.tweet_id, latest.edit_of, latest.edit_history) == (edited["id"], original, (original, edited["id"]))
    assert latest.author_verified_type == "blue" and latest.text.endswith("5 baje")


@pytest.mark.parametrize("how, title", [("suspend", "Forbidden"), ("delete", "Not Found Error")])
def test_a_watched_account_that_is_gone_is_unavailable_by_timeline_and_by_lookup(source, x_control, how, title):
    user_id = source.resolve_user_id("noidapolice")
    control(x_control, "POST", "users/noidapolice/suspend") if how == "suspend" else control(x_control, "DELETE", "users/noidapolice")
    with pytest.raises(HandleUnavailable, match=title):
        all_mentions(source, user_id)
    with pytest.raises(HandleUnavailable, match=f"{title}: .*{user_id}"):
        source.check_user(user_id)
    if how == "suspend":
        with pytest.raises(HandleUnavailable, match="suspended"):
            source.resolve_user_id("noidapolice")
    else:
        assert source.resolve_user_id("noidapolice") is None  # by name, a deleted account is no such handle


def test_an_account_that_is_there_passes_the_lookup(source):
    source.check_user(source.resolve_user_id("lucknowpolice"))


def test_a_post_tagging_an_account_x_cannot_show_is_read_without_asking_for_that_account(source, x_control):
    user_id = source.resolve_user_id("lucknowpolice")
    control(x_control, "POST", "users", {"username": "citizen_2"})
    control(x_control, "POST", "users/citizen_2/suspend")
    [tweet_id] = x_control.tweets({"author": "citizen_1", "text": "@lucknowpolice @citizen_2 ne bhi chori dekhi"})
    [page] = list(source.pages(user_id, str(int(tweet_id) - 1)))
    # Only authors are expanded (X bills every user object): the tagged account is not asked for, so no error.
    assert [m.tweet_id for m in page.mentions] == [tweet_id] and page.partial_errors == 0
    assert page.mentions[0].mentioned == ("lucknowpolice", "citizen_2") and page.username == "lucknowpolice"


@pytest.mark.parametrize("malformed", ["truncated", "html", "wrong_shape"])
def test_stream_rules_answered_garbled_are_source_unavailable(stack, x_control, malformed):
    from chalicelib.adapters.x_stream import TweepyFilteredStream

    stream = TweepyFilteredStream(lambda: "local-dummy-bearer-token", stack.x.url, 2.0)
    stream.change_rules(["@lucknowpolice"], [])
    x_control.fault(path_prefix="/2/tweets/search/stream/rules", malformed=malformed)
    with pytest.raises(SourceUnavailable):
        stream.rules()
    assert [r.value for r in stream.rules()] == ["@lucknowpolice"]
