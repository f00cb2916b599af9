"""In-memory fakes of the project's own ports, for unit tests of the services.

tests/contract/ holds them to the same behaviour as the DynamoDB adapters."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import threading
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

from chalicelib.domain.complaint import Change, Complaint, Policies
from chalicelib.domain.messages import load_messages
from chalicelib.domain.sla import load_sla_policy
from chalicelib.domain.values import Mention, reference, reference_code
from chalicelib.domain.handles import Registry, WatchedHandle
from chalicelib.errors import HandleExists, InvalidCursor, NotFound
from chalicelib.services.budget import Budget
from chalicelib.services.ports import (
    ALL_DISTRICTS,
    REPORT_CLAIM_EXPIRES,
    Grant,
    GrantState,
    TokenRefused,
    Tokens,
    AlertFailed,
    DuplicateReply,
    HandleState,
    HandleUnavailable,
    ListQuery,
    Page,
    RateLimited,
    ReplyFailed,
    SearchCursor,
    SourceUnavailable,
    StorageUnavailable,
    ThreadTaken,
)

POLICIES = Policies(load_sla_policy(), load_messages(), timedelta(days=7))


class FakeClock:
    def __init__(self, start=datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def mention(tweet_id: int, text: str, *tagged: str, author="citizen1", retweet=False, at=None, conversation=None,
            edit_of: int | tuple[int, ...] | None = None, named: bool = True) -> Mention:
    """Ids as FakeSource gives them ("id-<handle>"). `edit_of`: this is an edit of that post (or of those
    versions, oldest first, as X lists an edit chain); `named=False`: X did not include the author."""
    earlier = (edit_of,) if isinstance(edit_of, int) else edit_of or ()
    chain = tuple(str(i) for i in (*earlier, tweet_id))
    return Mention(
        tweet_id=str(tweet_id),
        text=text,
        author_id=f"id-{author.lower()}",
        author_username=author if named else "",
        created_at=at or datetime(2026, 11, 29, 5, 0, tzinfo=timezone.utc) + timedelta(seconds=tweet_id % 1000),
        conversation_id=str(conversation or chain[0]),
        mentioned=tagged,
        is_retweet=retweet,
        mentioned_ids=tuple(f"id-{h.lower()}" for h in tagged),
        edit_of=chain[0] if earlier else None,
        edit_history=chain,
    )


class FakeSource:
    """Mentions per user id, served newest first in pages like X; faults can be queued per call.
    Any username is an account on X unless listed in `unknown`; `rename` renames an account."""

    def __init__(self, page_size: int = 100):
        self.page_size = page_size
        self.users: dict[str, str] = {}
        self.unknown: set[str] = set()
        self.names: dict[str, str] = {}  # user id -> username, for accounts renamed
        self.timelines: dict[str, list[Mention]] = {}
        self.faults: dict[str, list[Exception | None]] = {}  # per user id, consumed one per page
        self.calls: list[tuple[str, str | None]] = []
        self.gone: dict[str, str] = {}  # user id -> X's reason: the account is suspended or deleted
        self.checks: list[str] = []  # user ids looked up to see whether they are back
        self.cap: int | None = None  # a timeline reaches back this many mentions (X: 800)
        self.searches: list[tuple] = []  # (query, since_id, start_time, end_time) of each search
        self.search_faults: list[Exception | None] = []  # consumed one per search page

    def add(self, handle: str, *mentions: Mention) -> None:
        user_id = self.users.setdefault(handle.lower(), f"id-{handle.lower()}")
        self.timelines.setdefault(user_id, []).extend(mentions)

    def fail(self, handle: str, *faults: Exception | None) -> None:
        """The next page requests for this handle: None serves the page, an exception is raised."""
        self.faults[self.resolve_user_id(handle)] = list(faults)

    def suspend(self, handle: str, reason: str = "Forbidden: User has been suspended") -> None:
        self.gone[self.users.setdefault(handle.lower(), f"id-{handle.lower()}")] = reason

    def restore(self, handle: str) -> None:
        self.gone.pop(self.users.get(handle.lower()), None)

    def resolve_user_id(self, handle: str) -> str | None:
        if handle.lower() in self.unknown:
            return None
        user_id = self.users.setdefault(handle.lower(), f"id-{handle.lower()}")
        if user_id in self.gone:
            raise HandleUnavailable(self.gone[user_id])
        return user_id

    def check_user(self, user_id: str) -> None:
        self.checks.append(user_id)
        if user_id in self.gone:
            raise HandleUnavailable(self.gone[user_id])

    def rename(self, old: str, new: str) -> None:
        self.users[new.lower()] = self.users.pop(old.lower())
        self.names[self.users[new.lower()]] = new

    def pages(self, user_id, since_id, start_time=None):
        self.calls.append((user_id, since_id) if start_time is None else (user_id, since_id, start_time))
        if user_id in self.gone:
            raise HandleUnavailable(self.gone[user_id])
        found = sorted(
            (m for m in self.timelines.get(user_id, []) if (since_id is None or int(m.tweet_id) > int(since_id))
             and (since_id is not None or start_time is None or m.created_at >= start_time)),
            key=lambda m: int(m.tweet_id),
            reverse=True,
        )[: self.cap]
        for start in range(0, max(len(found), 1), self.page_size):
            faults = self.faults.get(user_id)
            if faults and (fault := faults.pop(0)):
                raise fault
            chunk = found[start : start + self.page_size]
            yield Page(chunk, found[0].tweet_id if found else None, username=self.names.get(user_id) if chunk else None)

    def search(self, query, since_id, start_time, end_time):
        """Recent search over every timeline: posts tagging a queried handle, retweets left out (the
        reconciler's queries say -is:retweet), created by end_time; X's since_id wins over start_time."""
        self.searches.append((query, since_id, start_time, end_time))
        users = {self.users.get(h.lower(), f"id-{h.lower()}") for h in re.findall(r"@(\w+)", query)}
        found = sorted(
            {m.tweet_id: m for u in users for m in self.timelines.get(u, []) if not m.is_retweet
             and m.created_at <= end_time and (int(m.tweet_id) > int(since_id) if since_id
                                               else start_time is None or m.created_at >= start_time)}.values(),
            key=lambda m: int(m.tweet_id), reverse=True)
        for start in range(0, max(len(found), 1), self.page_size):
            if self.search_faults and (fault := self.search_faults.pop(0)):
                raise fault
            yield Page(found[start : start + self.page_size], found[0].tweet_id if found else None)


class FakeSearchCursors:
    def __init__(self):
        self.cursors: dict[str, SearchCursor] = {}
        self.writes = 0
        self.total, self.last_caught_at = 0, None

    def load(self):
        return dict(self.cursors)

    def save(self, group_id, cursor):
        self.writes += 1
        self.cursors[group_id] = cursor

    def drop(self, group_ids):
        for group_id in group_ids:
            self.cursors.pop(group_id, None)

    def count_caught(self, count, at):
        self.total += count
        self.last_caught_at = at.isoformat()

    def caught(self):
        return self.total, self.last_caught_at


class FakeComplaints:
    """Complaints by reference, with the tweet guard, threads and reference counters of the real store.
    Each write is atomic, as DynamoDB's are, so racing writers can be tested."""

    def __init__(self, stats: "FakeStatistics | None" = None, corrections: "FakeCorrections | None" = None):
        self.lock = threading.RLock()
        self.stats = stats or FakeStatistics()
        self.corrections = corrections or FakeCorrections()
        self.complaints: dict[str, Complaint] = {}
        self.by_tweet: dict[str, str] = {}
        self.threads: dict[tuple[str, str], str] = {}
        self.sequences: Counter = Counter()
        self.failing_tweets: set[str] = set()

    def get(self, ref):
        return self.complaints.get(ref)

    def next_references(self, district, year, count):
        with self.lock:
            return self._next_references(district, year, count)

    def _next_references(self, district, year, count):
        key = (reference_code(district), year)
        first = self.sequences[key] + 1
        self.sequences[key] += count
        return [reference(district, year, n) for n in range(first, first + count)]

    def fail_on(self, *tweet_ids: str) -> None:
        """Writes recording these tweets fail as DynamoDB does when it is throttled or unreachable."""
        self.failing_tweets = set(tweet_ids)

    def _fail(self, change: Change) -> None:
        if {change.after.tweet_id, change.recorded_tweet} & self.failing_tweets:
            raise StorageUnavailable("DynamoDB: ProvisionedThroughputExceededException")

    def create(self, change: Change, take_thread: bool = False) -> bool:
        self._fail(change)
        with self.lock:
            return self._create(change, take_thread)

    def _create(self, change: Change, take_thread: bool) -> bool:
        c = change.after
        guarded = {c.tweet_id, change.first_version} - {None}
        if guarded & set(self.by_tweet) or c.ref in self.complaints:
            return False
        holder = self.threads.get((c.conversation_id, c.author_id))
        if holder and not take_thread:
            raise ThreadTaken(holder)
        self.by_tweet.update(dict.fromkeys(guarded, c.ref))
        self.threads[(c.conversation_id, c.author_id)] = c.ref
        self.complaints[c.ref] = c
        self.stats.apply(change.counts)
        return True

    def save(self, change: Change) -> bool:
        self._fail(change)
        with self.lock:
            return self._save(change)

    def _save(self, change: Change) -> bool:
        current = self.complaints.get(change.after.ref)
        if current is None or not self._holds(change, current):
            return False
        if change.recorded_tweet:
            if change.recorded_tweet in self.by_tweet:
                return False
            self.by_tweet[change.recorded_tweet] = change.after.ref
        self.complaints[current.ref] = _apply(current, change.before, change.after)
        self.stats.apply(change.counts)
        if change.correction:
            self.corrections.kept.append(change.correction)
        return True

    @staticmethod
    def _holds(change: Change, current: Complaint) -> bool:
        before = change.before
        if change.expect == "version":
            return current.version == before.version
        if change.expect == "alert_claim":
            after = change.after.alert
            if after.claim is not None and after.claim != before.alert.claim:  # claiming
                return current.version == before.version and current.alert.claimable_by(after.claim, after.claimed_at)
            return current.alert.pending and current.alert.claim == before.alert.claim
        if change.expect.startswith("reply:"):
            kind = change.expect.split(":", 1)[1]
            now = current.replies.get(kind)
            named = {before.replies[kind].from_handle, change.after.replies[kind].from_handle}
            return bool(now and now.pending and now.text == before.replies[kind].text and now.from_handle in named)
        if change.expect == "open":
            return current.status.is_open
        if change.expect == "exists":
            return True
        raise ValueError(f"unknown expectation {change.expect!r}")

    def thread_of(self, conversation_id, author_id):
        return self.threads.get((conversation_id, author_id))

    def recorded(self, tweet_id):
        return self.by_tweet.get(tweet_id)

    def list(self, query: ListQuery):
        found = sorted(self.complaints.values(), key=lambda c: (c.created_at, c.ref), reverse=True)
        wanted = [c for c in found if query.matches(c) and (query.before is None or c.created_at < query.before)]
        if query.cursor:
            position = _position(query)
            wanted = [c for c in wanted if (c.created_at, c.ref) < position]
        page = wanted[: query.limit]
        more = len(wanted) > query.limit
        return page, _cursor(query, page[-1].created_at.isoformat(), page[-1].ref) if more else None

    def due_for_check(self, now):
        due = [c for c in self.complaints.values() if c.clock.next_check_at and c.clock.next_check_at <= now]
        return sorted(due, key=lambda c: (c.clock.next_check_at, c.ref))

    def oldest_open(self, district):
        open_ = [c.created_at for c in self.complaints.values()
                 if c.status.is_open and (district == ALL_DISTRICTS or c.district == district)]
        return min(open_) if open_ else None


def _apply(current: Complaint, before: Complaint, after: Complaint) -> Complaint:
    """What a save writes: the fields the change changed, its replies, its new history entries."""
    changes = {name: getattr(after, name) for name in ("status", "version", "district", "department", "alert",
                                                       "clock", "resolved_at", "text", "masked_text", "urgent", "channel")
               if getattr(after, name) != getattr(before, name)}
    changes["replies"] = current.replies | {k: r for k, r in after.replies.items() if r != before.replies.get(k)}
    changes["history"] = current.history + after.history[len(before.history):]
    return dataclasses.replace(current, **changes)


def _signature(query: ListQuery, position: str) -> str:
    filters = dataclasses.replace(query, cursor=None, limit=0)
    return hashlib.sha256(f"{filters}|{position}".encode()).hexdigest()[:16]


def _cursor(query: ListQuery, created_at: str, ref: str) -> str:
    return f"{created_at}|{ref}|{_signature(query, f'{created_at}|{ref}')}"


def _position(query: ListQuery) -> tuple[datetime, str]:
    created_at, ref, signature = (query.cursor.split("|") + ["", "", ""])[:3]
    if not hmac.compare_digest(signature, _signature(query, f"{created_at}|{ref}")):
        raise InvalidCursor("the cursor is not one this listing handed out (filters must stay the same)")
    return datetime.fromisoformat(created_at), ref


class FakeCorrections:
    """Labelled examples in the order they were kept (as the DynamoDB adapter reads them: by time)."""

    def __init__(self):
        self.kept = []

    def read(self, since=None):
        return iter(sorted((c for c in self.kept if since is None or c.at >= since), key=lambda c: (c.at, c.ref)))


class FakeOutbox:
    def __init__(self, complaints: FakeComplaints):
        self.store = complaints
        self.held: dict[str, datetime] = {}

    def pending_alerts(self):
        return sorted((c for c in self.store.complaints.values() if c.alert.pending), key=lambda c: (c.created_at, c.ref))

    def pending_replies(self, now, authorised=frozenset()):
        return sorted((c for c in self.store.complaints.values() if c.due_replies(now, authorised)),
                      key=lambda c: (c.created_at, c.ref))

    def replies_held(self):
        return dict(self.held)

    def hold_replies(self, handle, until):
        self.held[handle] = until


class FakeGrants:
    """Grants by X user id, with the directory, leases and single-use states of the DynamoDB store."""

    def __init__(self):
        self.lock = threading.RLock()
        self.grants: dict[str, Grant] = {}
        self.directory: dict[str, GrantState] = {}
        self.pending: dict[str, tuple[str, str, datetime]] = {}

    def authorise(self, *handles: str, at=datetime(2026, 11, 29, 5, 0, tzinfo=timezone.utc), x=None) -> None:
        """Test set-up: the handles have authorised the desk (tokens sealed as FakeCipher seals them;
        `x`: the FakeX that issued them)."""
        for h in handles:
            if x is not None:
                x.live[f"refresh-{h.lower()}-1"] = h.lower()
            tokens = Tokens(f"access-{h.lower()}-1", f"refresh-{h.lower()}-1", at + timedelta(hours=2))
            self.store(Grant(h.lower(), f"id-{h.lower()}", FakeCipher().seal(f"id-{h.lower()}", h.lower(), tokens),
                             tokens.expires_at), at)

    def states(self):
        return dict(self.directory)

    def get(self, user_id):
        return self.grants.get(user_id)

    def store(self, grant, at):
        with self.lock:
            earlier = self.grants.get(grant.user_id)
            self.grants[grant.user_id] = dataclasses.replace(grant, version=earlier.version + 1 if earlier else 1,
                                                             lease=None, lease_until=None, needs_authorisation=None)
            self.directory[grant.handle] = GrantState(grant.user_id, "authorised", at.isoformat())

    def take_lease(self, grant, lease, until, now):
        with self.lock:
            current = self.grants.get(grant.user_id)
            if current is None or current.version != grant.version or current.needs_authorisation:
                return False
            if current.lease and current.lease_until and now < current.lease_until:
                return False
            self.grants[grant.user_id] = dataclasses.replace(current, lease=lease, lease_until=until)
            return True

    def renew(self, grant, sealed, expires_at):
        with self.lock:
            current = self.grants.get(grant.user_id)
            if current is None or current.version != grant.version:
                return False
            self.grants[grant.user_id] = dataclasses.replace(current, sealed=sealed, expires_at=expires_at,
                                                             version=current.version + 1, lease=None, lease_until=None)
            return True

    def renamed(self, handle, username):
        with self.lock:
            if handle.lower() in self.directory and username.lower() not in self.directory:
                self.directory[username.lower()] = self.directory.pop(handle.lower())

    def mark_needs_authorisation(self, grant, detail, at):
        with self.lock:
            current = self.grants.get(grant.user_id)
            if current is None or current.needs_authorisation:
                return False
            self.grants[grant.user_id] = dataclasses.replace(current, needs_authorisation=detail)
            handle = next((h for h, g in self.directory.items() if g.user_id == grant.user_id), grant.handle)
            self.directory[handle] = GrantState(grant.user_id, "needs_authorisation", at.isoformat(), detail)
            return True

    def start_authorisation(self, state, handle, verifier, expires_at):
        self.pending[state] = (handle, verifier, expires_at)

    def finish_authorisation(self, state, now):
        with self.lock:
            found = self.pending.pop(state, None)
        return found[:2] if found and now < found[2] else None


class FakeCipher:
    """Seals as KMS does for the test: readable only with the same user id and handle."""

    def seal(self, user_id, handle, tokens):
        return f"{user_id}|{handle}|{tokens.access_token}|{tokens.refresh_token}".encode()

    def open(self, user_id, handle, sealed, expires_at):
        uid, h, access, refresh = sealed.decode().split("|")
        assert (uid, h) == (user_id, handle), "opened with the wrong encryption context"
        return Tokens(access, refresh, expires_at)


class FakeX:
    """X's OAuth 2.0 token endpoint for one app: refresh tokens rotate and work once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.live: dict[str, str] = {}  # refresh token X still takes -> username
        self.refreshes = 0
        self.faults: list[Exception] = []

    def refresh(self, refresh_token, now):
        with self.lock:
            if self.faults:
                raise self.faults.pop(0)
            username = self.live.pop(refresh_token, None)
            if username is None:
                raise TokenRefused("invalid_request")
            self.refreshes += 1
            n = self.refreshes + 1
            self.live[f"refresh-{username}-{n}"] = username
            return Tokens(f"access-{username}-{n}", f"refresh-{username}-{n}", now + timedelta(hours=2))


class FakeOps:
    def __init__(self):
        self.told: list[tuple[str, str]] = []

    def tell(self, subject, body):
        self.told.append((subject, body))


class FakeWatchedHandles:
    def __init__(self):
        self.handles: dict[str, HandleState] = {}
        self.writes = 0
        self.health: dict[str, str] = {}

    def states(self, handles):
        return {h: self.handles.get(h, HandleState()) for h in handles}

    def save(self, handle, state):
        self.writes += 1
        self.handles[handle] = state

    def path_succeeded(self, path, at):
        self.health[path] = at.isoformat()

    def paths(self):
        return dict(self.health)


class FakeHandleRegistry:
    """The registry's entries by username key; each write checks what the DynamoDB condition checks."""

    def __init__(self, registry: Registry | None = None):
        self.entries: dict[str, WatchedHandle] = {h.key: h for h in (registry.all() if registry else [])}
        self.lock = threading.Lock()

    def load(self):
        return Registry(sorted(self.entries.values(), key=lambda h: h.key))

    def add(self, handle):
        with self.lock:
            if handle.key in self.entries:
                raise HandleExists(f"@{handle.handle} is in the registry already")
            self.entries[handle.key] = handle

    def _existing(self, username):
        if username.lstrip("@").lower() not in self.entries:
            raise NotFound(f"@{username.lstrip('@')} is not in the registry")
        return self.entries[username.lstrip("@").lower()]

    def change(self, handle):
        current = self._existing(handle.key)
        self.entries[handle.key] = dataclasses.replace(current, **{n: getattr(handle, n) for n in
                                                                   ("kind", "department", "district", "owner_contact")})

    def set_enabled(self, handle, enabled):
        current = self._existing(handle)
        self.entries[current.key] = dataclasses.replace(current, enabled=enabled)

    def record_user_id(self, handle, user_id):
        current = self.entries.get(handle.lower())
        if current is None or current.user_id not in (None, user_id):
            return False
        self.entries[current.key] = dataclasses.replace(current, user_id=user_id)
        return True

    def rename(self, handle, username):
        with self.lock:
            current, renamed = self.entries.get(handle.key), dataclasses.replace(handle, handle=username)
            if current is None or current.user_id != handle.user_id or (
                    renamed.key != handle.key and renamed.key in self.entries):
                return False
            del self.entries[handle.key]
            self.entries[renamed.key] = dataclasses.replace(current, handle=username)
            return True


class FakeStatistics:
    def __init__(self):
        self.items: dict = defaultdict(Counter)
        self.reports: dict = {}  # report -> (state, claim, at)

    def apply(self, counts):
        for scope, deltas in counts.items():
            self.items[scope].update(deltas)

    def read(self, scopes):
        return {s: {k: v for k, v in self.items.get(s, {}).items() if v} for s in scopes}

    @property
    def state(self) -> Counter:
        from chalicelib.domain.tally import STATE

        return self.items[STATE]

    def claim_report(self, report, claim, at):
        state, holder, held_at = self.reports.get(report, (None, None, None))
        if state == "sent" or (state == "sending" and holder != claim and at - held_at < REPORT_CLAIM_EXPIRES):
            return False
        self.reports[report] = ("sending", claim, at)
        return True

    def report_sent(self, report, claim, at):
        if self.reports.get(report, (None, None))[1] == claim:
            self.reports[report] = ("sent", claim, at)

    def release_report(self, report, claim):
        if self.reports.get(report, (None, None))[:2] == ("sending", claim):
            del self.reports[report]


class FakeAlerts:
    def __init__(self):
        self.sent: list[Complaint] = []
        self.digests: list[tuple[int | None, str, str]] = []
        self.links: list[str | None] = []  # the link each alert was given
        self.failing = False
        self.reached = True  # whether some officer's subscription takes the alerts
        self.state_desk: list[Complaint] = []

    def reaches(self, complaint):
        return self.reached

    def notify_state_desk(self, complaint):
        if self.failing:
            raise AlertFailed("SNS is down")
        self.state_desk.append(complaint)
        return f"desk-{len(self.state_desk)}"

    def digest(self, district, subject, body):
        if self.failing:
            raise AlertFailed("SNS is down")
        self.digests.append((district, subject, body))
        return f"digest-{len(self.digests)}"

    def notify(self, complaint, link=None):
        if self.failing:
            raise AlertFailed("SNS is down")
        self.sent.append(complaint)
        self.links.append(link)
        return f"msg-{len(self.sent)}"


class FakeReplies:
    """Posts as a handle; like X, refuses the same text from the same account twice (another account may post
    it). `failing` applies to every handle, `failing_for` to one (by handle key)."""

    def __init__(self):
        self.posted: list[tuple[str, str]] = []
        self.senders: list[str] = []  # who posted each, in order
        self.failing: Exception | bool = False
        self.failing_for: dict[str, Exception] = {}

    def post(self, handle, text):
        return self.post_reply(handle, None, text)

    def post_reply(self, handle, in_reply_to, text):
        fault = self.failing_for.get(handle.lower()) or self.failing
        if fault:
            raise fault if isinstance(fault, Exception) else ReplyFailed("X is down")
        if any(h.lower() == handle.lower() and p == (in_reply_to, text) for h, p in zip(self.senders, self.posted)):
            raise DuplicateReply("duplicate content")
        self.posted.append((in_reply_to, text))
        self.senders.append(handle)
        return f"post-{len(self.posted)}"


class FakeDesk:
    """The storage ports wired together, as the bootstrap wires the DynamoDB adapters."""

    def __init__(self):
        self.stats = FakeStatistics()
        self.corrections = FakeCorrections()
        self.complaints = FakeComplaints(self.stats, self.corrections)
        self.outbox = FakeOutbox(self.complaints)
        self.handles = FakeWatchedHandles()
        self.registry = FakeHandleRegistry()
        self.grants = FakeGrants()
        self.stream = FakeStreamLeases()
        self.searches = FakeSearchCursors()


class FakeStreamLeases:
    """The stream holder's lease, as DynamoDB keeps it (adapters/dynamo_stream.py)."""

    def __init__(self):
        from chalicelib.services.ports import StreamLease

        self.lease = StreamLease()
        self.failing = False
        self._lock = threading.Lock()

    def _check(self):
        if self.failing:
            raise StorageUnavailable("DynamoDB is down")

    def read(self):
        self._check()
        return self.lease

    def take(self, holder, now, expires_at, ends_at):
        self._check()
        with self._lock:
            before = self.lease
            if before.live(now):
                return None
            self.lease = dataclasses.replace(before, holder=holder, expires_at=expires_at, ends_at=ends_at,
                                             renewed_at=now, connected_since=None)
            return before

    def renew(self, holder, now, expires_at, last_delivery_at, disconnects):
        self._check()
        with self._lock:
            if self.lease.holder != holder:
                return False
            self.lease = dataclasses.replace(
                self.lease, expires_at=expires_at, renewed_at=now,
                last_delivery_at=last_delivery_at or self.lease.last_delivery_at,
                disconnects=self.lease.disconnects + disconnects)
            return True

    def connected(self, holder, at, handover_gap_s):
        self._check()
        with self._lock:
            if self.lease.holder != holder:
                return False
            gap = self.lease.last_handover_gap_s if handover_gap_s is None else handover_gap_s
            self.lease = dataclasses.replace(self.lease, connected_since=at, last_handover_gap_s=gap)
            return True

    def release(self, holder, at):
        self._check()
        with self._lock:
            if self.lease.holder == holder:
                self.lease = dataclasses.replace(self.lease, expires_at=at, released_at=at, connected_since=None)


class FakeStream:
    """X's filtered stream for one app: rules by value, deliveries pushed by the test, drops on demand.
    Posts pushed while no one is connected are lost, as on X."""

    def __init__(self, rules=()):
        from chalicelib.domain.stream_rules import StreamRule

        self._rule = StreamRule
        self.held = [StreamRule(str(i + 1), v) for i, v in enumerate(rules)]
        self.next_id = len(self.held) + 1
        self.changes: list[tuple[list[str], list[str]]] = []
        self.callbacks = None
        self.connects = 0
        self.failing_rules = None
        self.refusing_connects = 0  # the next connects the X budget refuses (RateLimited), as the adapter does

    def rules(self):
        if self.failing_rules:
            raise self.failing_rules
        return list(self.held)

    def change_rules(self, add, delete):
        if self.failing_rules:
            raise self.failing_rules
        self.changes.append((list(add), list(delete)))
        for value in add:
            self.held.append(self._rule(str(self.next_id), value))
            self.next_id += 1
        self.held = [r for r in self.held if r.id not in set(delete)]

    def start(self, on_post, on_connect, on_disconnect):
        if self.refusing_connects:
            self.refusing_connects -= 1
            raise RateLimited(None)
        assert self.callbacks is None, "one connection per app"
        self.callbacks, self.dead = (on_post, on_connect, on_disconnect), False
        self.connects += 1
        on_connect()

    def stop(self, wait_seconds):
        self.callbacks = None
        self.dead = False

    def alive(self):
        return self.callbacks is not None and not getattr(self, "dead", False)

    def die(self, why="SSLError: bad record"):
        """An error tweepy does not retry: its loop ends after reporting it."""
        self.callbacks[2](why)
        self.callbacks, self.dead = None, True

    def push(self, body: dict) -> bool:
        if self.callbacks is None:
            return False
        self.callbacks[0](body)
        return True

    def drop(self, why="X closed the connection"):
        """X drops the connection; the adapter reconnects (tweepy's back-off) and reports both."""
        on_post, on_connect, on_disconnect = self.callbacks
        on_disconnect(why)
        self.connects += 1
        on_connect()


class FakeQueue:
    """The mentions queue: bodies in order; SendMessageBatch's 10 per request."""

    def __init__(self):
        self.bodies: list[dict] = []
        self.batches: list[int] = []
        self.failing = False

    def send(self, bodies):
        from chalicelib.services.ports import QueueUnavailable

        if self.failing:
            raise QueueUnavailable("SQS is down")
        for start in range(0, len(bodies), 10):
            self.batches.append(len(bodies[start:start + 10]))
        self.bodies += bodies
        return []


__all__ = ["POLICIES", "FakeReplies", "FakeAlerts", "FakeClock", "FakeSource", "FakeDesk", "RateLimited", "SourceUnavailable",
           "mention"]


class FakeXBudget(Budget):
    """The X budget's rules (services/budget.py) over a dict; two fakes given the same `shared` dict are
    two functions sharing one budget. `reads` and `writes` count the store's work, as DynamoDB would bill it."""

    def __init__(self, shared: dict | None = None, **rules):
        super().__init__(**rules)
        self.items: dict = {} if shared is None else shared
        self.reads = self.writes = 0

    def _read(self, family, user):
        self.reads += 1
        return self.items.get((family, user))

    def _record(self, window):
        self.writes += 1
        stored = self.items.get((window.family, window.user))
        if stored is None or stored.reset is None or stored.reset < window.reset or (
                stored.reset == window.reset and stored.remaining > window.remaining) or (
                window.remaining <= 0 < stored.remaining):
            limit = window.limit or (stored and stored.limit)
            self.items[(window.family, window.user)] = dataclasses.replace(window, limit=limit)
            return True
        return False

    def _spend(self, window):
        self.writes += 1
        stored = self.items.get((window.family, window.user))
        if stored is None or stored.remaining is None or stored.remaining <= 0 or stored.reset != window.reset:
            return False, stored
        self.items[(window.family, window.user)] = stored = dataclasses.replace(stored, remaining=stored.remaining - 1)
        return True, stored

    def _all(self):
        self.reads += 1
        return list(self.items.values())
