"""The complaint aggregate: what a complaint holds and every way it changes.

Each change returns a `Change`: the complaint before and after, the counters it moves and what
must still hold when it is saved. Services only load, call, save and publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from ..errors import InvalidAction
from . import sla
from .corrections import Correction, label
from .districts import DISTRICTS
from .handles import WatchedHandle
from .lifecycle import Action
from .messages import Messages
from .officer_replies import ReplyPhrases, load_phrases, owns
from .pii import mask
from .status import OUTCOMES, UNROUTED, Status, check_transition
from .tally import Counts, one, tally
from .values import NO_ALERT, Alert, Entry, Mention, Reply


MAX_FOLLOW_UPS = 50  # a citizen's posts kept in a complaint's history; later ones are recorded, not kept
MAX_FOLLOW_UP_TEXT = 1000  # characters of a follow-up kept (a long post may have 25,000)


@dataclass(frozen=True)
class Policies:
    """The rules a complaint is changed under: deadlines, reply texts, and how long a resolution can be disputed."""

    sla: sla.SlaPolicy
    messages: Messages
    reopen_window: timedelta
    phrases: ReplyPhrases = field(default_factory=load_phrases)  # how an officer's reply on X says "resolved"


@dataclass(frozen=True)
class Change:
    """One change to a complaint, ready to be saved in one write.

    expect: what must still hold in storage for the write to apply: "absent" (a new complaint),
    "version" (nobody changed it since it was read), "alert_claim" (this sender still holds the
    alert), "reply:<kind>" (that reply still waits with the same text), "open" (a follow-up joins),
    "exists" (an edit joins, whatever the complaint's status).
    """

    before: "Complaint | None"
    after: "Complaint"
    counts: Counts
    expect: str
    recorded_tweet: str | None = None  # a tweet this change records: it must not be recorded twice
    first_version: str | None = None  # an edited post's first id, guarded too: every version is one post
    correction: Correction | None = None  # an officer corrected triage: the labelled example, kept in the same write


@dataclass(frozen=True)
class Complaint:
    ref: str
    tweet_id: str
    text: str
    masked_text: str
    author_id: str
    author_username: str
    tweet_url: str
    conversation_id: str
    tweeted_at: datetime
    created_at: datetime
    district: int | None
    department: str
    urgent: bool
    confidence: float
    handles: tuple[str, ...]
    status: Status = Status.NEW
    version: int = 1
    alert: Alert = NO_ALERT
    clock: sla.Clock = sla.Clock()
    replies: dict[str, Reply] = field(default_factory=dict)  # by kind: acknowledged, resolved
    history: tuple[Entry, ...] = ()
    resolved_at: datetime | None = None
    channel: str | None = None  # outside_jurisdiction: the body that owns it (a key of triage's CHANNELS)

    @property
    def district_name(self) -> str | None:
        return DISTRICTS[self.district].name_en if self.district is not None else None

    @property
    def takes_follow_ups(self) -> bool:
        # After thanks, a closure or a rejection, a new problem in the same thread is a new complaint.
        return self.status.is_open

    @property
    def pending_replies(self) -> dict[str, Reply]:
        return {kind: r for kind, r in self.replies.items() if r.pending}

    # --- received -------------------------------------------------------------------------

    @classmethod
    def receive(cls, mention: Mention, decision, handles: tuple[str, ...], ref: str, now: datetime,
                policies: Policies, claim: str | None = None) -> Change:
        """A mention, as triage decided it (its outcome), becomes a complaint; or a record no officer is
        alerted for: one waiting in the state review queue, one not actionable, or one outside the state's
        reach, whose citizen is told which channel owns it.

        `handles`: the watched handles it tagged; `claim`: this sender holds the new alert.
        """
        status = OUTCOMES[decision.outcome]
        complaint = cls(
            ref=ref, tweet_id=mention.tweet_id, text=mention.text, masked_text=decision.masked_text,
            author_id=mention.author_id, author_username=mention.author_username, tweet_url=mention.url,
            conversation_id=mention.conversation_id, tweeted_at=mention.created_at, created_at=now,
            district=decision.district, department=decision.department or "other", urgent=decision.urgent,
            confidence=decision.confidence, handles=handles, status=status,
        )
        if status == Status.OUTSIDE_JURISDICTION:
            complaint = complaint._told_where_to_go(decision.channel, policies)
        elif status == Status.NEW:
            complaint = replace(complaint, alert=Alert().announce("new_complaint", "L1", claim, now),
                                clock=sla.receive(policies.sla, now, complaint.department, complaint.urgent,
                                                  mention.created_at))
            if text := policies.messages.reply("acknowledged", complaint):
                complaint = replace(complaint, replies={"acknowledged": Reply(text)})
        return Change(None, complaint, tally(None, complaint, now, policies.sla.tz), "absent", mention.tweet_id,
                      mention.edit_of)

    def follow_up(self, mention: Mention, masked_text: str, now: datetime) -> Change:
        """The citizen wrote again in the thread: the tweet joins the complaint's history. It may be
        the thread's first post, fetched after the follow-up that became this complaint."""
        action = "citizen_follow_up" if mention.is_in_thread else "citizen_thread_start"
        if self._posts_kept() >= MAX_FOLLOW_UPS:
            # Recorded (the tweet is guarded) but not kept: a complaint's item must stay under 400 KB.
            return Change(self, self, {}, "open", mention.tweet_id)
        entry = Entry(now, mention.author, action,
                      {"tweet_id": mention.tweet_id, "tweet_url": mention.url, "note": masked_text[:MAX_FOLLOW_UP_TEXT]})
        return Change(self, replace(self, history=self.history + (entry,)), {}, "open", mention.tweet_id)

    def edited(self, mention: Mention, masked_text: str, now: datetime) -> Change:
        """The citizen edited a post this complaint recorded (X gives each version a new id): the version
        joins the history, and when it is the complaint's own post, the complaint's text becomes it.
        Whatever the status: an edit is never a complaint, an alert or a reply of its own."""
        changes: dict = {}
        if self.tweet_id in mention.edit_history:
            changes.update(text=mention.text, masked_text=masked_text)
        if self._posts_kept() < MAX_FOLLOW_UPS:
            entry = Entry(now, mention.author, "edited",
                          {"tweet_id": mention.tweet_id, "tweet_url": mention.url, "edit_of": mention.edit_of,
                           "note": masked_text[:MAX_FOLLOW_UP_TEXT]})
            changes["history"] = self.history + (entry,)
        return Change(self, replace(self, **changes), {}, "exists", mention.tweet_id)

    def _posts_kept(self) -> int:
        """The citizen's posts and edits kept in the history."""
        return sum(e.action.startswith("citizen_") or e.action == "edited" for e in self.history)

    # --- officers -------------------------------------------------------------------------

    def _told_where_to_go(self, channel: str | None, policies: Policies) -> "Complaint":
        """Outside the state's reach: the channel that owns it, and the public reply naming it."""
        text = policies.messages.outside_jurisdiction(self.text, channel) if channel else None
        return replace(self, channel=channel, replies=self.replies | ({"outside_jurisdiction": Reply(text)} if text else {}))

    def act(self, action: Action, now: datetime, policies: Policies, claim: str | None = None) -> Change:
        """An officer's action; a transfer (or a review deciding a complaint) leaves an alert for the new
        owner, held by `claim`. An action correcting triage keeps a labelled example in the Change."""
        if self.status == Status.NEEDS_REVIEW and action.name != "review":
            raise InvalidAction("this mention waits for review: decide it with the review action")
        if action.name == "review" and self.status != Status.NEEDS_REVIEW:
            raise InvalidAction(f"only a mention waiting for review can be reviewed; this one is {self.status.value}")
        if action.name == "urgency":
            return self._urgency(action, now, policies)
        target = action.target
        check_transition(self.status, target)
        details = {"from": self.status.value, "to": target.value}
        if action.note:
            details["note"] = action.note
        changes: dict = {"status": target, "version": self.version + 1}
        if action.name == "reject":
            details["reason"] = action.reason
        elif action.name == "resolve":
            changes["resolved_at"] = now
            if text := policies.messages.reply("resolved", self):
                changes["replies"] = self.replies | {"resolved": Reply(text)}
        elif action.name == "reopen":
            if self.resolved_at and now - self.resolved_at > policies.reopen_window:
                raise InvalidAction(
                    f"a resolution can be disputed for {policies.reopen_window.days} days; this one was resolved "
                    f"on {self.resolved_at.date().isoformat()}"
                )
        elif target == Status.TRANSFERRED:  # a transfer, or a review deciding a complaint
            district = action.to_district if action.to_district is not None else self.district
            department = action.to_department or self.department
            # Rescuing a mention triage kept from officers may keep its owner: it is the alert that is new.
            if (district, department) == (self.district, self.department) and self.status not in UNROUTED:
                raise InvalidAction("the complaint is already with that district and department")
            details.update(from_district=self.district, to_district=district,
                           from_department=self.department, to_department=department)
            # The new owner is alerted as if the complaint were new to them.
            changes.update(district=district, department=department,
                           alert=self.alert.announce("transferred", "L1", claim, now))
            if action.urgent is not None:
                changes["urgent"] = details["urgent"] = action.urgent
        if action.name == "review":
            details.update(outcome=action.outcome, **({"channel": action.channel} if action.channel else {}))
        changes["history"] = self.history + (Entry(now, action.actor, action.name, details),)
        after = replace(self, **changes)
        # Reviewed: the citizen hears what any complaint hears (its acknowledgement), or where to go.
        if action.outcome == "outside_jurisdiction":
            after = after._told_where_to_go(action.channel, policies)
        elif action.outcome == "complaint" and (text := policies.messages.reply("acknowledged", after)):
            after = replace(after, replies=after.replies | {"acknowledged": Reply(text)})
        restarted = target in (Status.TRANSFERRED, Status.REOPENED)
        after = replace(after, clock=sla.after_transition(policies.sla, self.clock, target, now, after.department,
                                                          after.urgent, restarted))
        return Change(self, after, tally(self, after, now, policies.sla.tz), "version",
                      correction=label(action, after, now))

    def _urgency(self, action: Action, now: datetime, policies: Policies) -> Change:
        """An officer says triage misjudged the danger. The deadlines set on receipt stand; the flag decides
        how an unacknowledged complaint escalates from the next check, and what lists and alerts show."""
        if not self.status.is_open:
            raise InvalidAction(f"urgency is changed on open complaints; this one is {self.status.value}")
        if action.urgent == self.urgent:
            raise InvalidAction(f"the complaint is already {'urgent' if self.urgent else 'not urgent'}")
        details = {"urgent": action.urgent} | ({"note": action.note} if action.note else {})
        after = replace(self, urgent=action.urgent, version=self.version + 1,
                        history=self.history + (Entry(now, action.actor, "urgency", details),))
        return Change(self, after, tally(self, after, now, policies.sla.tz), "version",
                      correction=label(action, after, now))

    def officer_replied(self, post: Mention, handle: WatchedHandle, now: datetime, policies: Policies) -> Change:
        """An officer answered on X, in the complaint's thread, from a watched handle: the post joins the history
        with its text and link. From a handle owning the complaint it moves it: resolved when it says so
        (policies.phrases), else acknowledged when it waited for that (the acknowledgement clock stops). The
        officer told the citizen: the desk queues no resolution reply of its own. Recorded once (the tweet is
        guarded); the citizen may still dispute a resolution within the reopen window."""
        details = {"tweet_id": post.tweet_id, "tweet_url": post.url, "handle": handle.handle,
                   "note": mask(post.text)[:MAX_FOLLOW_UP_TEXT]}
        by = post.author if post.author_username else f"@{handle.handle}"  # search reads no author names
        target = None
        if self.status.is_open and owns(handle, self):
            if policies.phrases.resolves(post.text):
                target = Status.RESOLVED
            elif sla.stage_of(self.status) == "acknowledge":
                target = Status.ACKNOWLEDGED
        if target is None:
            kept = sum(e.action == "officer_reply" for e in self.history) < MAX_FOLLOW_UPS
            after = replace(self, history=self.history + (Entry(now, by, "officer_reply", details),)) if kept else self
            return Change(self, after, {}, "exists", post.tweet_id)
        check_transition(self.status, target)
        details.update({"from": self.status.value, "to": target.value})
        changes: dict = {"status": target, "version": self.version + 1,
                         "history": self.history + (Entry(now, by, "officer_reply", details),)}
        if target == Status.RESOLVED:
            changes["resolved_at"] = now
        after = replace(self, **changes)
        after = replace(after, clock=sla.after_transition(policies.sla, self.clock, target, now, after.department,
                                                          after.urgent, False))
        return Change(self, after, tally(self, after, now, policies.sla.tz), "version", post.tweet_id)

    # --- deadlines ------------------------------------------------------------------------

    def check_deadline(self, now: datetime, policies: Policies, claim: str | None = None) -> Change | None:
        """A reminder at 80% of a deadline, an escalation one level up on a breach, or nothing (None)."""
        result = sla.check(policies.sla, self.clock, now, self.department, self.urgent)
        if result.clock == self.clock:
            return None
        changes: dict = {"clock": result.clock, "version": self.version + 1}
        if result.event:
            changes["alert"] = self.alert.announce(result.event, result.clock.level, claim, now)
        if result.event == "escalation":
            before = self.clock
            entry = Entry(now, "deadline-sweep", "escalate",
                          {"from": before.level, "to": result.clock.level,
                           "note": f"{before.stage} deadline {before.due_at.isoformat()} passed"})
            changes["history"] = self.history + (entry,)
        after = replace(self, **changes)
        return Change(self, after, tally(self, after, now, policies.sla.tz), "version")

    # --- the alert ------------------------------------------------------------------------

    def claim_alert(self, claim: str, now: datetime) -> Change | None:
        """Hold the waiting alert for publishing; None when there is none or another live sender holds it.
        Saved only if the complaint is still this version: a newer alert replaced the one read."""
        if not self.alert.claimable_by(claim, now):
            return None
        return Change(self, replace(self, alert=replace(self.alert, claim=claim, claimed_at=now)), {}, "alert_claim")

    def alert_sent(self, message_id: str, now: datetime) -> Change:
        alert = replace(self.alert, state="sent", claim=None, claimed_at=None, message_id=message_id, sent_at=now,
                        attempts=self.alert.attempts + 1, last_error=None)
        return Change(self, replace(self, alert=alert), one("alerts_sent"), "alert_claim")

    def alert_failed(self, error: str, now: datetime) -> Change:
        """The alert stays pending for the next run, free for any sender."""
        alert = replace(self.alert, claim=None, claimed_at=None, attempts=self.alert.attempts + 1,
                        last_error=error[:500])
        return Change(self, replace(self, alert=alert), one("alerts_failed"), "alert_claim")

    # --- replies to the citizen -----------------------------------------------------------

    def due_replies(self, now: datetime, authorised: frozenset[str] = frozenset()) -> dict[str, Reply]:
        """Replies to post now: pending ones past any backoff, and blocked ones when their hour is up or
        a handle the citizen tagged has been authorised since (`authorised`: handle keys)."""
        tagged_authorised = any(h.lower() in authorised for h in self.handles)
        return {kind: r for kind, r in self.replies.items()
                if r.due(now) or (r.status == "blocked" and tagged_authorised)}

    def reply_sent(self, kind: str, post_id: str | None, now: datetime, from_handle: str) -> Change:
        reply = self.replies[kind].sent(post_id, now, from_handle)
        entry = Entry(now, f"@{from_handle}", "reply_sent", {"kind": kind, "from_handle": from_handle}
                      | ({"post_id": post_id} if post_id else {}))
        after = replace(self, replies=self.replies | {kind: reply}, history=self.history + (entry,))
        return Change(self, after, one("replies_sent"), f"reply:{kind}")

    def reply_goes_from(self, kind: str, handle: str) -> Change:
        """Name the handle before posting: a run that read the reply before this is refused its own choice, so two
        runs never post it from two accounts (X refuses a repeated text only from the same account)."""
        return Change(self, replace(self, replies=self.replies | {kind: self.replies[kind].going_from(handle)}), {},
                      f"reply:{kind}")

    def reply_failed(self, kind: str, error: str, now: datetime, final: bool = False,
                     from_handle: str | None = None) -> Change:
        """Tried again after a backoff, or undeliverable when X's refusal is final or attempts run out."""
        reply = self.replies[kind].failed(error, now, final, from_handle)
        return self._reply_changed(kind, reply, now, "replies_failed")

    def reply_blocked(self, kind: str, reason: str, now: datetime) -> Change:
        """No tagged handle may post it: it waits (counted once), until it is too late to help."""
        before = self.replies[kind]
        reply = before.blocked(reason, now)
        return self._reply_changed(kind, reply, now, "replies_blocked" if before.status != "blocked" else None)

    def _reply_changed(self, kind: str, reply: Reply, now: datetime, counter: str | None) -> Change:
        after = replace(self, replies=self.replies | {kind: reply})
        if reply.status == "undeliverable":
            counter = "replies_undeliverable"
            entry = Entry(now, "reply-sender", "reply_undeliverable", {"kind": kind, "reason": reply.last_error or ""})
            after = replace(after, history=self.history + (entry,))
        return Change(self, after, one(counter) if counter else {}, f"reply:{kind}")
