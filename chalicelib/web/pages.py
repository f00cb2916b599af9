"""The officers' phone-sized pages: sign-in, the queue, a complaint with its action buttons, and what an
alert link shows when it opens nothing. Every label in Hindi and English; every time in IST; every
value escaped. Links are relative, so the pages work under the deployed stage prefix (/api/app/...)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from ..domain.complaint import Complaint
from ..domain.departments import DEPARTMENTS, NAMES_HI
from ..domain.districts import DISTRICTS
from ..domain.pii import clean, mask
from .layout import ist, page

STATUS = {"new": ("नई", "New"), "acknowledged": ("स्वीकृत", "Acknowledged"), "in_progress": ("कार्यवाही जारी", "In progress"),
          "resolved": ("निस्तारित", "Resolved"), "closed": ("बंद", "Closed"), "rejected": ("अस्वीकृत", "Rejected"),
          "transferred": ("स्थानांतरित", "Transferred"), "reopened": ("फिर खुली", "Reopened"),
          "not_actionable": ("कार्रवाई योग्य नहीं", "Not actionable"), "needs_review": ("समीक्षा हेतु", "Needs review"),
          "outside_jurisdiction": ("राज्य के क्षेत्राधिकार से बाहर", "Outside the state's jurisdiction")}
ACTIONS = {"acknowledge": ("स्वीकार करें", "Acknowledge"), "start": ("कार्यवाही जारी", "In progress"),
           "resolve": ("निस्तारित करें", "Resolve"), "transfer": ("स्थानांतरित करें", "Transfer"),
           "not_actionable": ("कार्रवाई योग्य नहीं", "Not actionable")}
DONE = {"acknowledge": ("स्वीकार किया गया", "Acknowledged"), "start": ("कार्यवाही जारी दर्ज", "Marked in progress"),
        "resolve": ("निस्तारित", "Resolved"), "transfer": ("स्थानांतरित", "Transferred"),
        "not_actionable": ("कार्रवाई योग्य नहीं दर्ज", "Marked not actionable")}
EXTRA_STYLE = ("<style>.bi{display:block}.hi{font-size:0.95em}.card{border:1px solid #ccc;border-radius:6px;padding:0.6rem;"
               "margin:0.6rem 0}.late{color:#a00000;font-weight:bold}.note{background:#eef4ff;border-left:4px solid #0b3d91;"
               "padding:0.5rem}.bad{background:#fff0f0;border-left:4px solid #a00000;padding:0.5rem}label{display:block;"
               "margin-top:0.5rem}input,select,textarea{width:100%;box-sizing:border-box}form{margin:0.5rem 0}"
               "ol{padding-left:1.2rem}.words{white-space:pre-wrap;overflow-wrap:anywhere}</style>")


def bi(pair: tuple[str, str]) -> str:
    """Hindi then English, each marked with its language for screen readers."""
    hi, en = pair
    return f'<span lang="hi" class="hi">{escape(hi)}</span> / <span lang="en">{escape(en)}</span>'


def _doc(title: tuple[str, str], body: str, signed_in: str | None = None, csrf: str = "", back: str = "") -> str:
    out = ""
    if signed_in:
        out = (f'<form method="post" action="{back}sign-out"><input type="hidden" name="csrf" value="{escape(csrf)}">'
               f'<button type="submit">{bi(("साइन आउट", "Sign out"))}</button></form>')
    header = (f'<header><strong>{bi(("उ.प्र. शिकायत डेस्क", "UP complaint desk"))}</strong>'
              + (f'<div class="muted" style="color:#fff">{escape(signed_in)}</div>' if signed_in else "") + "</header>")
    return page(f"{title[1]} — UP complaint desk", EXTRA_STYLE + header + f"<main><h1>{bi(title)}</h1>{body}</main>"
                + f"<footer>{out}</footer>", lang="hi")


def _age(moment: datetime, now: datetime) -> str:
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} मिनट / {minutes} min"
    hours = minutes // 60
    return f"{hours} घंटे / {hours} h" if hours < 48 else f"{hours // 24} दिन / {hours // 24} days"


def _deadline(c: Complaint, now: datetime) -> str:
    due = c.clock.due_at
    if due is None or c.clock.stage is None:
        return bi(("कोई समय-सीमा नहीं", "No deadline running"))
    late = due <= now
    text = f"{bi(('समय-सीमा', 'Deadline'))}: {escape(ist(due))}"
    return f'<span class="late">{text} — {bi(("समय-सीमा पार", "Overdue"))}</span>' if late else text


def _place(c: Complaint) -> str:
    d = DISTRICTS.get(c.district) if c.district is not None else None
    where = f"{escape(d.name_hi)} / {escape(d.name_en)}" if d else bi(("ज़िला अज्ञात", "District unknown"))
    return f"{where} · {escape(NAMES_HI[c.department])} / {escape(c.department)}"


# --- sign-in --------------------------------------------------------------------------------


def sign_in(next_page: str = "queue", message: str = "", challenge: str | None = None, email: str = "",
            session: str = "", secret: str = "", info: str = "") -> str:
    error = f'<p class="bad" role="alert">{escape(message)}</p>' if message else ""
    if info:
        error += f'<p class="note" role="status">{escape(info)}</p>'
    hidden = f'<input type="hidden" name="next" value="{escape(next_page)}">'
    if challenge == "NEW_PASSWORD_REQUIRED":
        fields = (f'<p>{bi(("पहली बार साइन इन: नया पासवर्ड चुनें।", "First sign-in: choose a new password."))}</p>'
                  f'<label for="new_password">{bi(("नया पासवर्ड", "New password"))}</label>'
                  '<input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="12">')
    elif challenge == "AUTHENTICATOR_SETUP":
        grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
        fields = (f'<p>{bi(("प्रशासकों के लिए ऑथेंटिकेटर ऐप ज़रूरी है। यह कुंजी ऐप में जोड़ें:", "Admins must use an authenticator app. Add this key to yours:"))}</p>'
                  f'<p><code id="secret">{escape(grouped)}</code></p>'
                  f'<label for="code">{bi(("ऐप में दिखा कोड", "The code the app shows"))}</label>'
                  '<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9]{6}">')
    elif challenge == "SOFTWARE_TOKEN_MFA":
        fields = (f'<label for="code">{bi(("ऑथेंटिकेटर ऐप का कोड", "Code from your authenticator app"))}</label>'
                  '<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9]{6}">')
    else:
        fields = (f'<label for="email">{bi(("ईमेल", "Email"))}</label>'
                  f'<input id="email" name="email" type="email" autocomplete="username" required value="{escape(email)}">'
                  f'<label for="password">{bi(("पासवर्ड", "Password"))}</label>'
                  '<input id="password" name="password" type="password" autocomplete="current-password" required>')
    if challenge:
        hidden += (f'<input type="hidden" name="challenge" value="{escape(challenge)}">'
                   f'<input type="hidden" name="email" value="{escape(email)}">'
                   f'<input type="hidden" name="session" value="{escape(session)}">')
    body = (f'{error}<form method="post" action="sign-in">{hidden}{fields}'
            f'<p><button type="submit">{bi(("साइन इन", "Sign in"))}</button></p></form>'
            f'<p class="muted">{bi(("पासवर्ड भूल गए? अपने प्रशासक से रीसेट करवाएँ; कोड ईमेल से आएगा।", "Forgot the password? Ask your admin for a reset; the code comes by email."))}</p>')
    return _doc(("साइन इन", "Sign in"), body)


# --- the queue ------------------------------------------------------------------------------


def queue(complaints: list[Complaint], now: datetime, who: str, csrf: str) -> str:
    if not complaints:
        items = f"<p>{bi(('आपके क्षेत्र में कोई खुली शिकायत नहीं।', 'No open complaints in your area.'))}</p>"
    else:
        items = "<ol>" + "".join(
            f'<li class="card"><a href="complaints/{escape(c.ref)}"><strong>{escape(c.ref)}</strong></a> · '
            f'{bi(STATUS[c.status.value])}{" · <strong>" + bi(("अति आवश्यक", "Urgent")) + "</strong>" if c.urgent else ""}'
            f'<div>{_place(c)}</div><div>{bi(("आयु", "Age"))}: {_age(c.tweeted_at, now)}</div>'
            f'<div>{_deadline(c, now)}</div><div class="words">{escape(mask(c.masked_text)[:160])}</div></li>'
            for c in complaints) + "</ol>"
    summary = f"<p>{len(complaints)} {bi(('खुली शिकायतें, समय-सीमा पार वाली पहले', 'open complaints, overdue first'))}</p>"
    return _doc(("मेरी कतार", "My queue"), summary + items, signed_in=who, csrf=csrf)


# --- a complaint ----------------------------------------------------------------------------


def complaint(c: Complaint, now: datetime, csrf: str, *, unmasked: bool, who: str | None = None,
              banner: str = "", error: str = "", back: str = "../") -> str:
    """`unmasked`: the signed-in officer sees the citizen's words with their phone or email, and officers'
    notes as written; an alert link (anyone holding the mail) sees all of them masked. An error is masked
    for both: it may quote what the form carried."""
    words = clean(c.text) if unmasked else mask(c.masked_text)
    contact = (f'<p class="muted">{bi(("संपर्क विवरण केवल आपको दिख रहा है।", "Contact details are shown to you only."))}</p>'
               if unmasked else
               f'<p class="muted">{bi(("नागरिक का फ़ोन/ईमेल देखने के लिए साइन इन करें।", "Sign in to see the citizen’s phone or email."))}</p>')
    body = (f'<p class="note" role="status">{banner}</p>' if banner else "") + \
           (f'<p class="bad" role="alert">{escape(mask(error))}</p>' if error else "")
    body += (f'<p><strong>{escape(c.ref)}</strong> · {bi(STATUS[c.status.value])}</p><p>{_place(c)}</p>'
             f'<p>{bi(("पोस्ट किया", "Posted"))}: {escape(ist(c.tweeted_at))} ({_age(c.tweeted_at, now)})</p>'
             f'<p>{_deadline(c, now)}</p>'
             f'<h2>{bi(("नागरिक के शब्द", "The citizen’s words"))}</h2><p class="words" id="words">{escape(words)}</p>{contact}'
             f'<p><a href="{escape(c.tweet_url)}" rel="noopener noreferrer">{bi(("X पर पोस्ट देखें", "See the post on X"))}</a></p>')
    if c.status.is_open:
        body += f'<h2>{bi(("कार्रवाई", "Act"))}</h2>' + _actions(c, csrf)
    body += f'<h2>{bi(("इतिहास", "History"))}</h2>' + _history(c, unmasked)
    if who:
        body += f'<p><a href="{back}queue">{bi(("मेरी कतार पर लौटें", "Back to my queue"))}</a></p>'
    return _doc(("शिकायत", "Complaint"), body, signed_in=who, csrf=csrf, back=back)


def _hidden(c: Complaint, csrf: str, action: str) -> str:
    return (f'<input type="hidden" name="csrf" value="{escape(csrf)}"><input type="hidden" name="version" '
            f'value="{c.version}"><input type="hidden" name="action" value="{action}">')


def _actions(c: Complaint, csrf: str) -> str:
    simple = [a for a in ("acknowledge", "start") if (a, c.status.value) not in
              (("acknowledge", "acknowledged"), ("acknowledge", "in_progress"), ("start", "in_progress"))]
    out = "".join(f'<form method="post">{_hidden(c, csrf, a)}<button type="submit">{bi(ACTIONS[a])}</button></form>'
                  for a in simple)
    out += (f'<form method="post" class="card">{_hidden(c, csrf, "resolve")}'
            f'<label for="resolve-note">{bi(("क्या किया गया (आंतरिक नोट)", "What was done (internal note)"))}</label>'
            f'<textarea id="resolve-note" name="note" rows="3" required maxlength="2000"></textarea>'
            f'<button type="submit">{bi(ACTIONS["resolve"])}</button></form>')
    districts = "".join(f'<option value="{code}">{escape(d.name_hi)} / {escape(d.name_en)}</option>'
                        for code, d in sorted(DISTRICTS.items(), key=lambda kv: kv[1].name_en))
    departments = "".join(f'<option value="{d}">{escape(NAMES_HI[d])} / {d}</option>' for d in DEPARTMENTS)
    out += (f'<form method="post" class="card">{_hidden(c, csrf, "transfer")}'
            f'<label for="to-district">{bi(("नया ज़िला", "New district"))}</label>'
            f'<select id="to-district" name="to_district"><option value="">{bi(("वही", "Same"))}</option>{districts}</select>'
            f'<label for="to-department">{bi(("नया विभाग", "New department"))}</label>'
            f'<select id="to-department" name="to_department"><option value="">{bi(("वही", "Same"))}</option>{departments}</select>'
            f'<label for="transfer-note">{bi(("कारण (आंतरिक)", "Why (internal)"))}</label>'
            f'<textarea id="transfer-note" name="note" rows="2" maxlength="2000"></textarea>'
            f'<button type="submit">{bi(ACTIONS["transfer"])}</button></form>')
    out += (f'<form method="post">{_hidden(c, csrf, "not_actionable")}'
            f'<button type="submit">{bi(ACTIONS["not_actionable"])}</button></form>')
    return out


def _history(c: Complaint, unmasked: bool) -> str:
    """Citizens' words masked always; officers' notes (which may name the citizen's number: "called 98...")
    as written only for the signed-in officer."""
    rows = []
    for e in c.history:
        entry = e.as_dict()
        note = entry.get("note", "")
        citizens = entry["action"].startswith("citizen_") or entry["action"] == "edited"
        note = (clean if unmasked and not citizens else mask)(note) if note else ""
        rows.append(f'<li>{escape(ist(e.at))} · {escape(str(entry.get("by", "")))} · {escape(entry["action"])}'
                    + (f' — {escape(note)}' if note else "") + "</li>")
    return "<ol>" + "".join(rows) + "</ol>" if rows else f"<p>{bi(('अभी कुछ नहीं', 'Nothing yet'))}</p>"


# --- what a page says when it shows nothing --------------------------------------------------


def refused(title: tuple[str, str], message: tuple[str, str], sign_in_href: str, csrf: str = "",
            who: str | None = None) -> str:
    body = (f'<p class="bad" role="alert">{bi(message)}</p>'
            f'<p><a href="{escape(sign_in_href)}">{bi(("साइन इन करके अपनी कतार देखें", "Sign in to see your queue"))}</a></p>')
    return _doc(title, body, signed_in=who, csrf=csrf)


def notice(title: tuple[str, str], done: tuple[str, str], message: tuple[str, str], sign_in_href: str) -> str:
    body = (f'<p class="note" role="status">{bi(done)}</p><p>{bi(message)}</p>'
            f'<p><a href="{escape(sign_in_href)}">{bi(("साइन इन", "Sign in"))}</a></p>')
    return _doc(title, body)
