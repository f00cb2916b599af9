"""Recording mentions: each becomes a complaint, a follow-up on an earlier one, or a counted skip.

Mentions of all handles are recorded together, oldest first, so a citizen's follow-up joins the
complaint it follows and reference numbers follow the order citizens tweeted in. A mention that
could not be recorded (storage failing, time running out) is reported back, so its handles'
cursors stay where they were and the next poll fetches it again.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Sequence

from ..domain.complaint import Complaint, Policies
from ..domain.pii import mask
from ..domain.handles import Registry, WatchedHandle
from ..domain.values import Mention
from ..triage import Speaker, Triage
from .officer_replies import OfficerReplies, in_a_thread
from .ports import Storage, StorageRejected, StorageUnavailable, ThreadTaken
from .sending import new_claim

Classifier = Callable[[str, Sequence[WatchedHandle], Speaker], Triage]


@dataclass(frozen=True)
class Unsorted:
    """A mention triage failed on: for the state review queue, to be read by a person, not an officer's alert."""

    masked_text: str
    is_complaint: bool = False
    district: int | None = None
    department: str | None = None
    urgent: bool = False
    confidence: float = 0.0
    outcome: str = "needs_review"
    channel: str | None = None

log = logging.getLogger(__name__)


class Recorder:
    def __init__(self, registry: Registry, store: Storage, clock, classify: Classifier, policies: Policies,
                 skipped: Counter, keep_going: Callable[[], bool]):
        self.registry, self.store, self.clock, self.classify = registry, store, clock, classify
        self.policies, self.skipped, self.keep_going = policies, skipped, keep_going
        self.officers = OfficerReplies(registry, store, clock, policies)

    def record(self, mentions: list[Mention]) -> tuple[list[Complaint], set[str]]:
        """(the complaints created, the tweet ids left unrecorded). `mentions` holds each tweet once."""
        mentions = sorted(mentions, key=lambda m: int(m.tweet_id))
        decisions, answers = {}, set()
        for m in mentions:
            if m.is_retweet:
                self.skipped["retweet"] += 1
            elif self._own(m) and in_a_thread(m):
                answers.add(m.tweet_id)  # an officer answering in a thread, or the desk's own reply
            elif self._own(m):
                self.skipped["own_tweet"] += 1
            else:
                decisions[m.tweet_id] = self._classify(m)
        created, claim, threads, left, out_of_time = [], new_claim(), {}, set(), False
        try:
            references = self._references([m for m in mentions if m.tweet_id in decisions], decisions)
        except StorageUnavailable as e:
            log.warning("no reference numbers: nothing recorded this poll", extra={"detail": str(e)})
            return [], set(decisions) | answers
        for m in mentions:
            if m.tweet_id not in decisions and m.tweet_id not in answers:
                continue
            out_of_time = out_of_time or not self.keep_going()
            if out_of_time:
                left.add(m.tweet_id)  # this and every later mention wait for the next poll, in order
                continue
            try:
                if m.tweet_id in answers:  # in tweet order: a reply after the complaint it answers
                    self.skipped[self.officers.record(m)] += 1
                    continue
                complaint = self._record(m, decisions[m.tweet_id], references[m.tweet_id], claim, threads)
            except StorageRejected as e:
                # It will never be stored: holding the cursor for it would stop the handle for good.
                log.error("mention refused by the store, not recorded", extra={"tweet_id": m.tweet_id, "detail": str(e)})
                self.skipped["storage_rejected"] += 1
                continue
            except StorageUnavailable as e:
                log.warning("mention not recorded", extra={"tweet_id": m.tweet_id, "detail": str(e)})
                self.skipped["storage_error"] += 1
                left.add(m.tweet_id)
                continue
            if complaint:
                created.append(complaint)
        return created, left

    def _record(self, m: Mention, decision, ref: str, claim: str, threads: dict) -> Complaint | None:
        if m.edit_of and self._edit(m, decision):
            return None
        if m.is_in_thread and self._follow_up(m, decision, threads):
            return None
        handles = tuple(h.handle for h in self._tagged(m))
        change = Complaint.receive(m, decision, handles, ref, self.clock(), self.policies, claim)
        try:
            created = self.store.complaints.create(change)
        except ThreadTaken as taken:
            # The citizen's follow-up was fetched first and became the complaint: this post joins it.
            if self._join(self.store.complaints.get(taken.ref), m, decision):
                return None
            created = self.store.complaints.create(change, take_thread=True)
        if not created:
            # Seen before: a poll that crashed before its cursor moved.
            self.skipped["already_recorded"] += 1
            return None
        complaint = change.after
        if complaint.takes_follow_ups:
            threads[(m.conversation_id, m.author_id)] = complaint.ref
        log.info("complaint recorded", extra={
            "complaint_ref": complaint.ref, "tweet_id": m.tweet_id, "handle": ",".join(complaint.handles),
            "district": complaint.district, "department": complaint.department, "urgent": complaint.urgent})
        return complaint

    def _references(self, mentions: list[Mention], decisions) -> dict[str, str]:
        """Reference numbers in blocks, one counter write per district and year in this poll.
        A follow-up found later leaves its number unused: references may have gaps, never repeats."""
        year = self.clock().astimezone(self.policies.sla.tz).year
        groups: dict = defaultdict(list)
        for m in mentions:
            groups[decisions[m.tweet_id].district].append(m.tweet_id)
        refs = {}
        for district, tweet_ids in groups.items():
            refs.update(zip(tweet_ids, self.store.complaints.next_references(district, year, len(tweet_ids))))
        return refs

    def _own(self, m: Mention) -> bool:
        """The desk's own post: told by the author's id; by name only for a handle whose id is not known yet."""
        if self.registry.by_user_id(m.author_id):
            return True
        named = self.registry.get(m.author_username) if m.author_username else None
        return named is not None and named.user_id is None

    def _tagged(self, m: Mention) -> list[WatchedHandle]:
        """The enabled watched handles a mention tags: by id where X gave one (a renamed handle still matches),
        else by name."""
        found = ((user_id and self.registry.by_user_id(user_id)) or self.registry.get(name) for user_id, name in m.tagged)
        return list({h.key: h for h in found if h is not None and h.enabled}.values())

    def _edit(self, m: Mention, decision) -> bool:
        """An edited version of a recorded post joins that post's complaint, whatever its status: never a
        second complaint, alert or reply. False when no version of the post was recorded."""
        ref = self.store.complaints.recorded(m.edit_of)
        complaint = self.store.complaints.get(ref) if ref else None
        if complaint is None:
            return False
        if self.store.complaints.save(complaint.edited(m, decision.masked_text, self.clock())):
            self.skipped["edited"] += 1
        else:
            self.skipped["already_recorded"] += 1  # this version was recorded before (its tweet is guarded)
        return True

    def _follow_up(self, m: Mention, decision, threads: dict) -> bool:
        thread = (m.conversation_id, m.author_id)
        ref = threads.get(thread) or self.store.complaints.thread_of(*thread)
        return self._join(self.store.complaints.get(ref) if ref else None, m, decision)

    def _join(self, root: Complaint | None, m: Mention, decision) -> bool:
        """The mention joins the citizen's open complaint; False when there is none (any more)."""
        if root is None or not root.takes_follow_ups:
            return False
        if self.store.complaints.save(root.follow_up(m, decision.masked_text, self.clock())):
            self.skipped["follow_up"] += 1
            return True
        # Refused: the tweet is recorded already, or the complaint was closed meanwhile (then the
        # mention is a complaint of its own, and the tweet guard still keeps it to one).
        now = self.store.complaints.get(root.ref)
        if now is not None and now.takes_follow_ups:
            self.skipped["already_recorded"] += 1
            return True
        return False

    def _classify(self, m: Mention):
        """Triage's decision; if triage fails on a text, the state review queue gets it to read."""
        watched = self._tagged(m)
        try:
            return self.classify(m.text, watched, Speaker(m.author_username, m.author_verified_type,
                                                          self.registry.by_user_id(m.author_id) is not None))
        except Exception:  # a bug in triage must not stop every poll at this tweet
            log.exception("triage failed; sent to the state review queue", extra={"tweet_id": m.tweet_id})
            self.skipped["triage_failed"] += 1
            return Unsorted(mask(m.text))
