"""Editing a post as X allows it: within 30 minutes of the original, up to 5 times, and only posts
X deems eligible (not retweets, not replies to others). Each edit is a new post with a new id;
every version carries the whole chain in edit_history_tweet_ids and keeps the conversation."""

from __future__ import annotations

from dataclasses import dataclass

from .model import MAX_EDITS, Tweet
from .state import XState, language


@dataclass
class EditRefused(Exception):
    detail: str


def edit_tweet(state: XState, tweet_id: str, text: str) -> Tweet:
    """The new version of a post; ValueError for a bad request, EditRefused where X says no."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("an edit needs text")
    with state.lock:
        old = state.tweets.get(str(tweet_id))
        if old is None:
            raise ValueError(f"no tweet with id {tweet_id}")
        if not old.latest:
            raise ValueError(f"tweet {tweet_id} is not the latest version; edit {old.history[-1]}")
        now = state.clock.now()
        if not old.edit_eligible:
            raise EditRefused("This Tweet is not eligible for editing.")
        if now > old.editable_until:
            raise EditRefused("The time to edit this Tweet has passed.")
        if len(old.history) - 1 >= MAX_EDITS:
            raise EditRefused("This Tweet has been edited the maximum number of times.")
        new = Tweet(
            state.new_id(now), text, old.author, now, old.conversation_id, language(text), state.entities(text),
            [dict(r) for r in old.referenced], old.in_reply_to,
            history=old.history, edit_eligible=True, editable_until=old.editable_until,
        )
        old.history.append(new.id)  # the list is shared: every version now names the new one last
        state.tweets[new.id] = new
        state.stream.published(new, now)  # the stream delivers an edit as a post of its own
        return new
