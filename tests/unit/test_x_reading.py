"""Reading X API v2 answers into mentions: bodies shaped as X documents and sends them."""

import json

import pytest

from chalicelib.adapters.x_source import account_error, errors_of, mentions_from, unescape

# A 397-character complaint as X sends it when note_tweet is asked for: `text` stops after ~280 characters.
LONG = ("@Uppolice Respected sir for the last three weeks a group of boys has been gathering every evening near the "
        "water tank at the corner of our lane, drinking, shouting abuse at women who pass and racing motorcycles "
        "without silencers until late at night. We complained at the chowki twice but nothing happened. Please "
        "send a patrol. @lucknowpolice @DM_Lucknow Location: Sector 14, Indira Nagar, Lucknow")
BODY = json.loads("""{
  "data": [
    {"id": "1862000000000000003", "author_id": "501", "created_at": "2026-11-29T05:10:00.000Z",
     "conversation_id": "1862000000000000003", "edit_history_tweet_ids": ["1862000000000000003"],
     "text": "", "entities": {"mentions": [{"start": 0, "end": 9, "username": "Uppolice", "id": "9001"}]},
     "note_tweet": {"text": "", "entities": {"mentions": [
        {"start": 0, "end": 9, "username": "Uppolice", "id": "9001"},
        {"start": 328, "end": 342, "username": "lucknowpolice", "id": "9002"},
        {"start": 343, "end": 354, "username": "DM_Lucknow", "id": "9003"}]}}},
    {"id": "1862000000000000002", "author_id": "502", "created_at": "2026-11-29T05:05:00.000Z",
     "conversation_id": "1862000000000000002", "edit_history_tweet_ids": ["1862000000000000001", "1862000000000000002"],
     "text": "@noidapolice Sector 18 &amp; 62: bijli &lt;3 ghante&gt; se gayab, likha tha &amp;amp; pe",
     "entities": {"mentions": [{"start": 0, "end": 12, "username": "noidapolice", "id": "9004"}]}}
  ],
  "includes": {"users": [{"id": "502", "username": "asha_verma", "name": "Asha", "verified_type": "blue"}]},
  "errors": [{"value": "501", "detail": "Could not find user with author_id: [501].", "title": "Not Found Error",
              "resource_type": "user", "parameter": "author_id", "resource_id": "501",
              "type": "https://api.twitter.com/2/problems/resource-not-found"}],
  "meta": {"newest_id": "1862000000000000003", "oldest_id": "1862000000000000002", "result_count": 2}
}""")
BODY["data"][0]["text"] = LONG[:270] + "…"
BODY["data"][0]["note_tweet"]["text"] = LONG
SUSPENDED = {"errors": [{"value": "9002", "detail": "User has been suspended: [9002].", "title": "Forbidden",
                         "resource_type": "user", "parameter": "id", "resource_id": "9002",
                         "type": "https://api.twitter.com/2/problems/resource-not-found"}]}
DELETED = {"errors": [{"value": "9002", "detail": "Could not find user with id: [9002].", "title": "Not Found Error",
                       "resource_type": "user", "parameter": "id", "resource_id": "9002",
                       "type": "https://api.twitter.com/2/problems/resource-not-found"}]}


@pytest.fixture
def read():
    mentions, rejected = mentions_from(BODY)
    assert rejected == 0
    return {m.tweet_id: m for m in mentions}


def test_a_long_post_is_read_whole_with_every_tagged_account(read):
    long = read["1862000000000000003"]
    assert len(LONG) == 397 and long.text == LONG
    assert long.mentioned == ("Uppolice", "lucknowpolice", "DM_Lucknow")
    assert long.mentioned_ids == ("9001", "9002", "9003")


def test_x_s_html_escaping_is_undone_once(read):
    assert read["1862000000000000002"].text == "@noidapolice Sector 18 & 62: bijli <3 ghante> se gayab, likha tha &amp; pe"


@pytest.mark.parametrize("sent, meant", [("a &amp;lt; b", "a &lt; b"), ("&quot;x&quot; &copy; &#39;", "&quot;x&quot; &copy; &#39;"),
                                         ("&lt;&gt;&amp;", "<>&"), ("no entities", "no entities")])
def test_only_what_x_escapes_is_unescaped(sent, meant):
    assert unescape(sent) == meant


def test_an_author_x_did_not_include_stays_unnamed_and_is_still_read(read):
    unnamed = read["1862000000000000003"]
    assert unnamed.author_username == "" and unnamed.author_id == "501"
    assert unnamed.url == "https://x.com/i/web/status/1862000000000000003" and unnamed.author == "X user 501"


def test_the_author_s_verified_type_comes_with_the_author(read):
    assert read["1862000000000000002"].author_verified_type == "blue"
    assert read["1862000000000000003"].author_verified_type is None


def test_an_edited_version_names_the_first_id_of_its_chain(read):
    edited, original = read["1862000000000000002"], read["1862000000000000003"]
    assert edited.edit_of == "1862000000000000001"
    assert edited.edit_history == ("1862000000000000001", "1862000000000000002")
    assert original.edit_of is None and original.edit_history == ("1862000000000000003",)


def test_a_short_post_without_note_tweet_keeps_its_own_text_and_entities():
    body = {"data": [{"id": "7", "text": "@lucknowpolice chori", "author_id": "9", "created_at": "2026-11-29T05:00:00.000Z",
                      "entities": {"mentions": [{"start": 0, "end": 14, "username": "lucknowpolice", "id": "9002"}]}}],
            "includes": {"users": [{"id": "9", "username": "asha"}]}}
    [m], _ = mentions_from(body)
    assert (m.text, m.mentioned, m.mentioned_ids, m.edit_of) == ("@lucknowpolice chori", ("lucknowpolice",), ("9002",), None)


def test_errors_about_other_accounts_are_partial_and_leave_the_page_readable():
    assert len(errors_of(BODY)) == 1
    assert account_error(BODY, "9002") is None  # data came: the watched account is there
    assert errors_of({"data": []}) == [] and errors_of({"errors": "oops"}) == []


@pytest.mark.parametrize("body, title", [(SUSPENDED, "Forbidden"), (DELETED, "Not Found Error")])
def test_a_watched_account_answering_only_errors_is_gone(body, title):
    assert account_error(body, "9002")["title"] == title
    assert account_error(body, "9003") is None


def test_a_username_lookup_error_is_matched_without_regard_to_case():
    body = {"errors": [{"value": "LucknowPolice", "detail": "User has been suspended: [LucknowPolice].",
                        "title": "Forbidden", "resource_type": "user", "parameter": "username",
                        "resource_id": "LucknowPolice"}]}
    assert account_error(body, "lucknowpolice")["detail"].startswith("User has been suspended")
