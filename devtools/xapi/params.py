"""Query parameters of the v2 endpoints, validated with X's 400 messages, and page tokens."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime

from .errors import invalid
from .model import USERNAME_PATTERN, USERNAME_RE, parse_iso

TWEET_FIELDS = frozenset(
    "attachments author_id card_uri community_id context_annotations conversation_id created_at "
    "display_text_range edit_controls edit_history_tweet_ids entities geo id in_reply_to_user_id lang "
    "media_metadata non_public_metrics note_tweet organic_metrics possibly_sensitive promoted_metrics "
    "public_metrics referenced_tweets reply_settings scopes source text withheld".split()
)
USER_FIELDS = frozenset(
    "affiliation connection_status created_at description entities id is_identity_verified location "
    "most_recent_tweet_id name parody pinned_tweet_id profile_banner_url profile_image_url protected "
    "public_metrics receives_your_dm subscription subscription_type url username verified "
    "verified_followers_count verified_type withheld".split()
)
TWEET_EXPANSIONS = frozenset(
    "attachments.media_keys attachments.media_source_tweet attachments.poll_ids author_id "
    "edit_history_tweet_ids entities.mentions.username entities.note.mentions.username geo.place_id "
    "in_reply_to_user_id referenced_tweets.id referenced_tweets.id.attachments.media_keys "
    "referenced_tweets.id.author_id".split()
)
USER_EXPANSIONS = frozenset({"affiliation.user_id", "most_recent_tweet_id", "pinned_tweet_id"})
# Accepted so tweepy calls that ask for them work; this server has no media, polls or places.
UNMODELLED_FIELD_PARAMS = ("media.fields", "poll.fields", "place.fields")

ID_PATTERN = "^[0-9]{1,19}$"
ID_RE = re.compile(ID_PATTERN)


def bounded_int(params: dict, name: str, low: int, high: int, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise invalid(name, raw, f"The `{name}` query parameter value [{raw}] is not between {low} and {high}")
    return int(raw)


def id_param(params: dict, name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    if not ID_RE.fullmatch(raw):
        raise invalid(name, raw, f"The `{name}` query parameter value [{raw}] does not match {ID_PATTERN}")
    return int(raw)


def time_param(params: dict, name: str) -> datetime | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise invalid(name, raw, f"The `{name}` query parameter value [{raw}] is not a valid RFC3339 date-time") from None


def csv_param(params: dict, name: str, allowed: frozenset) -> frozenset:
    raw = params.get(name)
    if raw is None:
        return frozenset()
    values = raw.split(",")
    bad = [v for v in values if v not in allowed]
    if bad:
        message = f"The `{name}` query parameter value [{bad[0]}] is not one of [{','.join(sorted(allowed))}]"
        raise invalid(name, bad[0], message)
    return frozenset(values)


def check_known(params: dict, known: tuple) -> None:
    unknown = [p for p in params if p not in known]
    if unknown:
        message = f"The query parameters [{unknown[0]}] is not one of [{','.join(known)}]"
        raise invalid(unknown[0], params[unknown[0]], message)


def page_token(direction: str, boundary: int) -> str:
    return base64.b32encode(f"{direction}{boundary}".encode()).decode().rstrip("=").lower()


def read_token(params: dict, name: str) -> tuple[str, int] | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        decoded = base64.b32decode(raw.upper() + "=" * (-len(raw) % 8)).decode()
        if decoded[0] in "np" and decoded[1:].isdigit():
            return decoded[0], int(decoded[1:])
    except (binascii.Error, UnicodeDecodeError, IndexError):
        pass
    raise invalid(name, raw, f"The `{name}` query parameter value [{raw}] is not valid")


TIMELINE_PARAMS = (
    "start_time", "end_time", "since_id", "until_id", "max_results", "expansions",
    "tweet.fields", "user.fields", *UNMODELLED_FIELD_PARAMS,
)
USER_PARAMS = ("expansions", "tweet.fields", "user.fields")
LOOKUP_PARAMS = ("expansions", "tweet.fields", "user.fields", *UNMODELLED_FIELD_PARAMS)


def user_fields_param(params: dict, extra: tuple = ()) -> frozenset:
    """Validate a user lookup's parameters; return the requested user.fields."""
    check_known(params, (*extra, *USER_PARAMS))
    csv_param(params, "tweet.fields", TWEET_FIELDS)
    csv_param(params, "expansions", USER_EXPANSIONS)
    return csv_param(params, "user.fields", USER_FIELDS)


def check_username(name: str, parameter: str) -> None:
    if not USERNAME_RE.fullmatch(name):
        message = f"The `{parameter}` query parameter value [{name}] does not match {USERNAME_PATTERN}"
        raise invalid(parameter, name, message)
