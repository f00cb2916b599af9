"""In-memory fakes of the project's own ports, for unit tests of the services."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import datetime, timedelta, timezone

from chalicelib.domain.complaint import Complaint, Mention, reference, sequence_key
from chalicelib.services.ports import (
    AlertFailed,
    DuplicateReply,
    HandleState,
    Page,
    RateLimited,
    ReplyFailed,
    SourceUnavailable,
    VersionConflict,
)


class FakeClock:
    def __init__(self, start=datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def mention(tweet_id: int, text: str, *tagged: str, author="citizen1", retweet=False, at=None, conversation=None) -> Mention:
    return Mention(
        tweet_id=str(tweet_id),
        text=text,
        author_id=f"u-{author}",
        author_username=author,
        created_at=at or datetime(2026, 11, 29, 5, 0, tzinfo=timezone.utc) + timedelta(seconds=tweet_id % 1000),
        conversation_id=str(conversation or tweet_id),
        mentioned=tagged,
        is_retweet=retweet,
    )


class FakeSource:
    """Mentions per user id, served newest first in pages like X; faults can be queued per call."""

    def __init__(self, page_size: int = 100):
        self.page_size = page_size
        self.users: dict[str, str] = {}
        self.timelines: dict[str, list[Mention]] = {}
        self.faults: dict[str, list[Exception | None]] = {}  # per user id, consumed one per page
        self.calls: list[tuple[str, str | None]] = []

    def add(self, handle: str, *mentions: Mention) -> None:
        user_id = self.users.setdefault(handle.lower(), f"id-{handle.lower()}")
        self.timelines.setdefault(user_id, []).extend(mentions)

    def fail(self, handle: str, *faults: Exception | None) -> None:
        """The next page requests for this handle: None serves the page, an exception is raised."""
        self.faults[self.resolve_user_id(handle)] = list(faults)

    def resolve_user_id(self, handle: str) -> str | None:
        return self.users.setdefault(handle.lower(), f"id-{handle.lower()}")

    def pages(self, user_id, since_id):
        self.calls.append((user_id, since_id))
        found = sorted(
            (m for m in self.timelines.get(user_id, []) if since_id is None or int(m.tweet_id) > int(since_id)),
            key=lambda m: int(m.tweet_id),
            reverse=True,
        )
        for start in range(0, max(len(found), 1), self.page_size):
            faults = self.faults.get(user_id)
            if faults and (fault := faults.pop(0)):
                raise fault
            chunk = found[start : start + self.page_size]
            yield Page(chunk, found[0].tweet_id if found else None)


class FakeStore:
    def __init__(self):
        self.handles: dict[str, HandleState] = {}
        self.complaints: dict[str, Complaint] = {}
        self.by_tweet: dict[str, str] = {}
        self.sequences: Counter = Counter()
        self.items: dict[str, Counter] = {}  # counter items: STATS, DAY#..., WEEK#...
        self.claims: dict[str, str] = {}
        self.reports: set[str] = set()
        self.failures: list[tuple[str, str]] = []
        self.threads: dict[tuple[str, str], str] = {}

    def handle_state(self, handle):
        return self.handles.get(handle, HandleState())

    def handle_states(self, handles):
        return {h: self.handle_state(h) for h in handles}

    def remember_user_id(self, handle, user_id):
        self.handles[handle] = dataclasses.replace(self.handle_state(handle), user_id=user_id)

    def is_recorded(self, tweet_id):
        return tweet_id in self.by_tweet

    def next_reference(self, district, year):
        key = sequence_key(district, year)
        self.sequences[key] += 1
        return reference(district, year, self.sequences[key])

    @property
    def counts(self) -> Counter:
        return self.items.setdefault("STATS", Counter())

    def _apply(self, deltas):
        for item, counts in deltas.items():
            self.items.setdefault(item, Counter()).update(counts)

    def record_new(self, complaint, deltas):
        if complaint.tweet_id in self.by_tweet:
            return False
        self.by_tweet[complaint.tweet_id] = complaint.ref
        self.threads[(complaint.conversation_id, complaint.author_id)] = complaint.ref
        self.complaints[complaint.ref] = dataclasses.replace(complaint, replies=dict(complaint.replies))
        self._apply(deltas)
        return True

    def advance_cursor(self, handle, since_id, at, lag_seconds):
        self.handles[handle] = dataclasses.replace(
            self.handle_state(handle), since_id=since_id, last_poll_at=at.isoformat(),
            last_success_at=at.isoformat(), last_outcome="ok", lag_seconds=lag_seconds,
        )

    def record_poll_failure(self, handle, at, outcome, detail):
        self.failures.append((handle, outcome))
        self.handles[handle] = dataclasses.replace(self.handle_state(handle), last_poll_at=at.isoformat(), last_outcome=outcome)

    def pending_alerts(self):
        return [c for c in self.complaints.values() if c.alert == "pending"]

    def claim_alert(self, ref, claimer, at):
        if self.complaints[ref].alert != "pending" or ref in self.claims:
            return False
        self.claims[ref] = claimer
        return True

    def alert_sent(self, ref, claimer, message_id, at):
        if self.claims.pop(ref, None) == claimer:
            self.complaints[ref].alert = "sent"
            self.counts["alerts#sent"] += 1

    def alert_failed(self, ref, claimer, error, at):
        if self.claims.pop(ref, None) == claimer:
            self.complaints[ref].alert_attempts += 1
            self.counts["alerts#failed"] += 1

    def get(self, ref):
        c = self.complaints.get(ref)
        return dataclasses.replace(c, history=list(c.history), replies=dict(c.replies)) if c else None

    def save_change(self, before, after, deltas):
        if self.complaints[after.ref].version != before.version:
            raise VersionConflict(after.ref)
        self.complaints[after.ref] = after
        self._apply(deltas)

    def due_for_check(self, now):
        from chalicelib.domain.sla import Clock

        due = [c for c in self.complaints.values() if (at := Clock.from_dict(c.sla).next_check_at) and at <= now]
        return [self.get(c.ref) for c in due]

    def counters_of(self, item):
        return dict(self.items.get(item, {}))

    def claim_report(self, key, at):
        if key in self.reports:
            return False
        self.reports.add(key)
        return True

    def release_report(self, key):
        self.reports.discard(key)

    def oldest_open_in(self, district):
        open_ = [c.created_at for c in self.complaints.values() if c.status.is_open and c.district == district]
        return min(open_) if open_ else None

    def complaint_for_conversation(self, conversation_id, author_id):
        return self.threads.get((conversation_id, author_id))

    def attach(self, ref, tweet_id, entry):
        if tweet_id in self.by_tweet:
            return False
        self.by_tweet[tweet_id] = ref
        self.complaints[ref].history.append(entry)
        return True

    def pending_replies(self):
        return [c for c in self.complaints.values() if any(r["status"] == "pending" for r in c.replies.values())]

    def reply_sent(self, ref, kind, text, post_id, at):
        if self.complaints[ref].replies[kind]["text"] == text:
            self.complaints[ref].replies[kind] = self.complaints[ref].replies[kind] | {"status": "sent", "post_id": post_id}

    def reply_failed(self, ref, kind, error, at):
        self.complaints[ref].replies[kind] = self.complaints[ref].replies[kind] | {"last_error": error}

    def counters(self):
        return dict(self.counts)

    def oldest_open_since(self):
        open_ = [c.created_at for c in self.complaints.values() if c.status.is_open]
        return min(open_) if open_ else None


class FakeAlerts:
    def __init__(self):
        self.sent: list[Complaint] = []
        self.digests: list[tuple[int | None, str, str]] = []
        self.failing = False

    def digest(self, district, subject, body):
        if self.failing:
            raise AlertFailed("SNS is down")
        self.digests.append((district, subject, body))
        return f"digest-{len(self.digests)}"

    def notify(self, complaint):
        if self.failing:
            raise AlertFailed("SNS is down")
        self.sent.append(complaint)
        return f"msg-{len(self.sent)}"


class FakeReplies:
    """Posts replies; like X, refuses the same text to the same tweet twice."""

    def __init__(self):
        self.posted: list[tuple[str, str]] = []
        self.failing = False

    def post(self, text):
        return self.post_reply(None, text)

    def post_reply(self, in_reply_to, text):
        if self.failing:
            raise ReplyFailed("X is down")
        if (in_reply_to, text) in self.posted:
            raise DuplicateReply("duplicate content")
        self.posted.append((in_reply_to, text))
        return f"post-{len(self.posted)}"


__all__ = ["FakeReplies", "FakeAlerts", "FakeClock", "FakeSource", "FakeStore", "RateLimited", "SourceUnavailable", "mention"]
