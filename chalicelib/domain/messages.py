"""Every text a person reads — officers' alerts and digests, replies and weekly summaries on X —
rendered from the templates in chalicelib/data/messages.json, in Hindi and English.

Times are shown in the SLA policy's time zone, passed in. Public texts are masked for personal
data and checked, when the templates load, to fit X's 280 weighted characters. No text, officers'
or public, carries a bidirectional control that could make it read other than it is.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from string import Formatter
from typing import TYPE_CHECKING

from ..x_text import LINK_RE, MAX_WEIGHT, weighted_length
from . import sms
from .departments import DEPARTMENTS, NAMES_HI
from .districts import DISTRICTS
from .pii import clean, mask
from .tally import HOUR_BUCKETS

if TYPE_CHECKING:  # the complaint holds its policies, these messages among them
    from .complaint import Complaint

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "messages.json"
KINDS = ("acknowledged", "resolved", "outside_jurisdiction")  # every reply a complaint may carry
DEPARTMENT_KINDS = ("acknowledged", "resolved")  # the replies each department words (or turns off) itself
_SWITCHES = {"acknowledged": "acknowledge", "resolved": "resolve"}  # the setting turning each kind on or off
REPLY_FIELDS = frozenset({"ref", "district", "department"})  # never a note: officers' notes are internal
OUTSIDE_FIELDS = frozenset({"channel", "contact"})  # the owning body's name and how to reach it
LANGUAGES = ("hi", "en")
SMS_FIELDS = frozenset({"ref", "district", "deadline", "link"})  # the DLT template's variables
MAX_SMS_SEGMENTS = 2
SMS_LINK_MAX = 120  # characters of a link an SMS is checked to hold (a one-tap link is about 75, a tweet's at most 56)
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def language(text: str) -> str:
    return "hi" if _DEVANAGARI.search(text) else "en"


class MessagesError(ValueError):
    pass


def _lines(template: list[str], **values) -> list[str]:
    return [line.format(**values) for line in template]


def _public(text: str) -> str:
    # A guard: no template or name carries personal data or a bidirectional control today, and none
    # may tomorrow; mask strips the controls too.
    return mask(text)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


class Messages:
    """The templates of messages.json (or a test's variant of them), refused at once if a public one is unfit."""

    def __init__(self, raw: dict):
        self.alerts = raw["alert"]
        self.digests = raw["digest"]
        self.summaries = raw["weekly_summary"]
        self.replies = raw["replies"]
        self._check()

    # --- officers -------------------------------------------------------------------------

    def alert(self, c: Complaint, tz: timezone, now: datetime, link: str | None = None) -> tuple[str, str]:
        """Subject (ASCII, as email subjects must be short and safe) and a Hindi + English body: what, where,
        when the citizen posted and how long ago, the deadline (or that it arrived late), the link to act on
        (`link`: the complaint's page; without one, the tweet's link is the one given) and how to act."""
        t = self.alerts
        heading = t["headings"][c.alert.event]
        d = DISTRICTS.get(c.district) if c.district is not None else None
        district = {"hi": d.name_hi, "en": d.name_en} if d else t["unknown_district"]
        escalating = c.alert.event in ("reminder", "escalation")
        values = dict(
            ref=c.ref, tweet_url=c.tweet_url, department=c.department, department_hi=NAMES_HI[c.department],
            heading_hi=heading["hi"], heading_en=heading["en"], district_hi=district["hi"], district_en=district["en"],
            level_tag=t["level_tag"].format(level=c.alert.level) if escalating else "",
        )
        subject = t["subject"].format(**values, urgent=t["urgent"]["subject"] if c.urgent else "")
        body = _lines(t["body"], **values, urgent=t["urgent"]["body"] if c.urgent else "")
        body += [self._posted(c, tz, now), *self._late(c, tz), *self._deadline(c, tz)]
        body += [t["link"].format(link=link), t["act"]["link"]] if link else [t["act"]["x"]]
        # The tweet masked again: a reminder may be for a record masked by older, weaker rules.
        return clean(subject), clean("\n".join([*body, "", mask(c.masked_text)]))

    def sms(self, c: Complaint, tz: timezone, link: str | None = None) -> str:
        """The alert's SMS: one DLT template's text, its variables the reference, district, deadline and link."""
        t = self.alerts["sms"]
        d = DISTRICTS.get(c.district) if c.district is not None else None
        if c.clock.late and c.clock.stage == "acknowledge":
            deadline = t["passed"]
        elif c.clock.due_at is not None and c.clock.stage is not None:
            deadline = t["deadline"].format(due=c.clock.due_at.astimezone(tz))
        else:
            deadline = t["none"]
        return clean(t["text"].format(ref=c.ref, district=d.name_en if d else t["state"], deadline=deadline,
                                      link=link or c.tweet_url))

    def dlt_template(self) -> str:
        """The SMS template as registered with DLT: each variable {#var#}."""
        return re.sub(r"\{[a-z_]+\}", "{#var#}", self.alerts["sms"]["text"])

    def _zone(self, at: datetime) -> str:
        return self.alerts["zones"].get(at.tzname(), at.tzname())  # "UTC+05:30" reads as "IST"

    def _posted(self, c: Complaint, tz: timezone, now: datetime) -> str:
        minutes = max(0, int((now - c.tweeted_at).total_seconds() // 60))
        days, hours, minutes = minutes // 1440, minutes % 1440 // 60, minutes % 60
        unit = "days" if days else "hours" if hours else "minutes"
        ago = {lang: text.format(days=days, hours=hours, minutes=minutes) for lang, text in self.alerts["ago"][unit].items()}
        posted = c.tweeted_at.astimezone(tz)
        return self.alerts["posted"].format(posted=posted, zone=self._zone(posted), ago_hi=ago["hi"], ago_en=ago["en"])

    def _late(self, c: Complaint, tz: timezone) -> list[str]:
        clock = c.clock
        if not (clock.late and clock.stage == "acknowledge" and clock.next_check_at):
            return []
        due, escalates = clock.due_at.astimezone(tz), clock.next_check_at.astimezone(tz)
        return [self.alerts["late"].format(due=due, escalates=escalates, zone=self._zone(due))]

    def _deadline(self, c: Complaint, tz: timezone) -> list[str]:
        clock = c.clock
        if clock.stage is None:
            return []
        due = clock.due_at.astimezone(tz)
        return _lines(self.alerts["deadline"], level=c.alert.level, stage=clock.stage,
                      stage_hi=self.alerts["stages"][clock.stage], due=due, zone=self._zone(due))

    def digest(self, district: int | None, open_: int, breached: int, resolved: int, oldest: datetime | None,
               now: datetime, day: str) -> tuple[str, str]:
        """A district head's daily digest: subject and body."""
        t = self.digests
        d = DISTRICTS.get(district) if district is not None else None
        name = {"hi": d.name_hi, "en": d.name_en} if d else t["state_queue"]
        age = t["no_age"]
        if oldest:
            seconds = (now - oldest).total_seconds()
            age = t["age"].format(days=int(seconds // 86400), hours=int(seconds % 86400 // 3600))
        values = dict(district_hi=name["hi"], district_en=name["en"], day=day, open=open_, breached=breached,
                      resolved=resolved, oldest=age)
        return clean(t["subject"].format(**values)), clean("\n".join(_lines(t["body"], **values)))

    # --- the public -----------------------------------------------------------------------

    def weekly_summary(self, department: str, week: str, received: int, resolved: int,
                       median_hours: int | None) -> str:
        """A department's week on X, in Hindi then English; `median_hours`: the median's bucket bound."""
        median = self.summaries["median"]
        if median_hours is None:
            phrase, values = median["unknown"], {}
        elif median_hours > HOUR_BUCKETS[-1]:
            phrase, values = median["over_days"], {"days": HOUR_BUCKETS[-1] // 24}
        elif median_hours >= 48:
            phrase, values = median["days"], {"days": median_hours // 24}
        else:
            phrase, values = median["hours"], {"hours": median_hours}
        text = _lines(self.summaries["text"], department=department, department_hi=NAMES_HI[department], week=week,
                      received=received, resolved=resolved, median_hi=phrase["hi"].format(**values),
                      median_en=phrase["en"].format(**values))
        return _public("\n".join(text))

    def reply(self, kind: str, c: Complaint) -> str | None:
        """The reply to the citizen's tweet, or None when this department does not send this kind."""
        if not self._setting(c.department, _SWITCHES[kind]):
            return None
        lang = language(c.text)
        d = DISTRICTS.get(c.district) if c.district is not None else None
        district = (d.name_hi if lang == "hi" else d.name_en) if d else self.replies["state"][lang]
        return self._reply(kind, lang, c.ref, district, c.department)

    def outside_jurisdiction(self, text: str, channel: str) -> str | None:
        """The reply to a post about a body outside the state's reach (`text`: the post, for its language),
        naming the channel that owns it; None for a channel triage's CHANNELS does not know."""
        from ..triage.jurisdiction import CHANNELS  # loaded by the paths that record or review such a post

        found = CHANNELS.get(channel)
        return self._outside(language(text), found) if found else None

    def _outside(self, lang: str, channel) -> str:
        name = channel.name_hi if lang == "hi" else channel.name_en
        return _public(self.replies["outside_jurisdiction"][lang].format(channel=name, contact=public_contact(channel.contact)))

    def outside_problems(self, channels: dict) -> list[str]:
        """What keeps the reply naming each channel from going out on X as written (tests run it over CHANNELS:
        they are code, changed only with a release)."""
        problems = []
        for key, channel in channels.items():
            if not public_contact(channel.contact):
                problems.append(f"outside_jurisdiction {key}: a contact other than a link (a helpline, a handle)")
            for lang in LANGUAGES:
                problems += _unfit(f"outside_jurisdiction {key} {lang}", self.replies["outside_jurisdiction"][lang],
                                   self._outside(lang, channel), rendered=True)
        return problems

    def _reply(self, kind: str, lang: str, ref: str, district: str, department: str) -> str:
        name = NAMES_HI[department] if lang == "hi" else department
        return _public(self._setting(department, kind)[lang].format(ref=ref, district=district, department=name))

    def _setting(self, department: str, key: str):
        return self.replies.get("departments", {}).get(department, {}).get(key, self.replies["default"][key])

    # --- the templates, checked once when loaded ------------------------------------------

    def _check(self) -> None:
        """Refuse public templates that could name a note, carry a link or personal data, or outgrow a post."""
        problems = []
        longest = {lang: max([*(getattr(d, f"name_{lang}") for d in DISTRICTS.values()), self.replies["state"][lang]],
                             key=weighted_length) for lang in LANGUAGES}
        for lang in LANGUAGES:
            template = self.replies["outside_jurisdiction"][lang]
            if unknown := _fields(template) - OUTSIDE_FIELDS:
                problems.append(f"outside_jurisdiction {lang}: no {{{', '.join(sorted(unknown))}}} in this reply")
            else:
                problems += _unfit(f"outside_jurisdiction {lang}", template, template)
        for department in DEPARTMENTS:
            for kind in DEPARTMENT_KINDS:
                for lang in LANGUAGES:
                    template = self._setting(department, kind)[lang]
                    if unknown := _fields(template) - REPLY_FIELDS:
                        problems.append(f"{department} {kind} {lang}: no {{{', '.join(sorted(unknown))}}} in replies")
                        continue
                    problems += _unfit(f"{department} {kind} {lang}", template,
                                       self._reply(kind, lang, "UP-LKO-26-000001", longest[lang], department))
            summaries = [self.weekly_summary(department, "2026-W53", 999999, 999999, hours)
                         for hours in (None, *HOUR_BUCKETS, HOUR_BUCKETS[-1] + 1)]
            problems += _unfit(f"{department} weekly summary", "\n".join(self.summaries["text"]),
                               max(summaries, key=weighted_length))
        problems += self._sms_unfit()
        if problems:
            raise MessagesError("; ".join(problems))

    def _sms_unfit(self) -> list[str]:
        """An SMS template with unknown variables, or whose longest rendering outgrows its segments."""
        t = self.alerts["sms"]
        if unknown := _fields(t["text"]) - SMS_FIELDS:
            return [f"alert sms: no {{{', '.join(sorted(unknown))}}} in the DLT template"]
        names = [*(d.name_en for d in DISTRICTS.values()), t["state"]]
        deadlines = [t["passed"], t["none"], t["deadline"].format(due=datetime(2026, 12, 31, 23, 59))]
        longest = max((t["text"].format(ref="UP-LKO-26-000000001", district=name, deadline=deadline,
                                        link="https://" + "x" * (SMS_LINK_MAX - 8))
                       for name in names for deadline in deadlines), key=sms.length)
        parts = sms.segments(longest)
        return [f"alert sms: {parts} segments ({sms.length(longest)} {sms.encoding(longest)} characters), "
                f"at most {MAX_SMS_SEGMENTS}"] if parts > MAX_SMS_SEGMENTS else []


def public_contact(contact: str) -> str:
    """A channel's contact as a public reply gives it: its alternatives ("RailMadad 139 / railmadad.gov.in")
    without the links, which public texts never carry."""
    return " / ".join(part for part in contact.split(" / ") if not LINK_RE.search(part))


def _unfit(what: str, template: str, longest: str, rendered: bool = False) -> list[str]:
    """What keeps a public template, and its longest rendering, from going out on X as written
    (`rendered`: the rendering, filled with data, is checked for all of it too)."""
    for text in (template, longest) if rendered else (template,):
        if clean(text) != text:
            return [f"{what}: a bidirectional control character"]
        if mask(text) != text:  # it would go out masked: say so now, not on X
            return [f"{what}: a number or address that reads as personal data"]
        if "http" in text or "www." in text or (rendered and LINK_RE.search(text)):
            return [f"{what}: no links in public texts"]
    weight = weighted_length(longest)
    return [f"{what}: {weight} of {MAX_WEIGHT} characters"] if weight > MAX_WEIGHT else []


def load_messages(path: Path | str = DEFAULT_PATH) -> Messages:
    with open(path, encoding="utf-8") as f:
        return Messages(json.load(f))
