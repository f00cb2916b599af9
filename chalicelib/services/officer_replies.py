"""Officers' replies on X: a post by a watched handle in the thread of a complaint joins that complaint
(Complaint.officer_replied decides whether it moves it). The desk's own replies to citizens, which it posts
through the same handles, are told apart and skipped.

Whichever path read the post (timelines, stream, search) it comes here through services/ingest.py; the tweet
guard makes it count once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from ..domain.complaint import Complaint, Policies
from ..domain.handles import Registry
from ..domain.officer_replies import is_desk_reply
from ..domain.values import Mention
from .ports import Storage, StorageUnavailable

ATTEMPTS = 3  # a complaint changed by someone else meanwhile is read again and the reply applied again


def in_a_thread(m: Mention) -> bool:
    """A reply or a post within a conversation: the only posts of a watched handle that may concern a complaint."""
    return m.is_in_thread or m.replied_to is not None


class OfficerReplies:
    def __init__(self, registry: Registry, store: Storage, clock: Callable[[], datetime], policies: Policies):
        self.registry, self.store, self.clock, self.policies = registry, store, clock, policies

    def record(self, m: Mention) -> str:
        """What became of the post: officer_reply, already_recorded, or own_tweet (the desk's own reply, or a post
        in no complaint's thread). StorageUnavailable: not recorded, read it again."""
        complaints = self.store.complaints
        if complaints.recorded(m.tweet_id):
            return "already_recorded"
        handle = self.registry.by_user_id(m.author_id) or self.registry.get(m.author_username)
        complaint = self._complaint(m)
        if handle is None or complaint is None or is_desk_reply(m.tweet_id, m.text, complaint):
            return "own_tweet"
        for _ in range(ATTEMPTS):
            if complaints.save(complaint.officer_replied(m, handle, self.clock(), self.policies)):
                return "officer_reply"
            if complaints.recorded(m.tweet_id):
                return "already_recorded"
            complaint = complaints.get(complaint.ref)  # changed meanwhile (an officer acted): apply it again
            if complaint is None:
                return "own_tweet"
        raise StorageUnavailable(f"complaint {complaint.ref} kept changing while a reply was recorded")

    def _complaint(self, m: Mention) -> Complaint | None:
        """The complaint whose thread the post is in: the one that recorded the post it answers (the citizen's,
        a follow-up, an earlier officer's reply), else the citizen's complaint in that conversation."""
        complaints = self.store.complaints
        ref = (m.replied_to and complaints.recorded(m.replied_to)) \
            or (m.in_reply_to_user_id and complaints.thread_of(m.conversation_id, m.in_reply_to_user_id)) \
            or complaints.recorded(m.conversation_id)
        return complaints.get(ref) if ref else None
