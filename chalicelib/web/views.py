"""The pages' handlers: request values in, an HTML answer out. Who is signed in comes from the
`desk_session` cookie (app.py's page_session); an alert link is its own credential for its one complaint.
Actions go through the same services as the API's POST /complaints/{ref}/actions."""

from __future__ import annotations

from chalice import Response

from .. import runtime
from ..auth import InvalidToken
from ..domain.access import Principal
from ..errors import DeskError, Forbidden, NotFound
from ..services import complaints as complaint_service
from . import pages, session
from .layout import html

OUTSIDE = ("यह शिकायत आपके ज़िले या विभाग की नहीं है।", "This complaint is outside your district or department.")


def csrf_key() -> bytes:
    import hashlib

    return hashlib.sha256(b"csrf:" + runtime.signing_key().encode()).digest()


def _redirect(location: str, cookie: str | None = None) -> Response:
    headers = {"Location": location, "Cache-Control": "no-store"}
    if cookie:
        headers["Set-Cookie"] = cookie
    return Response(body="", status_code=303, headers=headers)


def signed_in(cookie_header: str | None) -> tuple[Principal, str]:
    """The principal of the session cookie and its token; InvalidToken when there is none or it is bad."""
    token = session.session_token(cookie_header)
    if not token:
        raise InvalidToken("not signed in")
    return runtime.authenticate(token), token


def sign_in_redirect(path_after_app: str) -> Response:
    """To the sign-in page, coming back here after (relative: /app/queue -> sign-in?next=queue)."""
    depth = path_after_app.count("/")
    return _redirect("../" * depth + "sign-in?next=" + session.next_page(path_after_app))


def cross_site() -> Response:
    """A page's form posted from another site: nothing is read or done."""
    return html(pages.refused(("फ़ॉर्म", "Form"), ("यह फ़ॉर्म किसी दूसरी साइट से भेजा गया; कुछ नहीं किया गया।",
                                               "This form was sent from another site; nothing was done."), "sign-in"), 403)


# --- signing in -----------------------------------------------------------------------------


def sign_in_page(query: dict | None) -> Response:
    return html(pages.sign_in(session.next_page((query or {}).get("next"))))


def sign_in(raw: bytes | None) -> Response:
    from ..adapters.cognito_pool import SignInRefused

    fields = session.form(raw)
    next_page = session.next_page(fields.get("next"))
    email = fields.get("email", "").strip().lower()
    pool = runtime.officers_pool()
    challenge = fields.get("challenge")
    try:
        if challenge == "NEW_PASSWORD_REQUIRED":
            answer = pool.respond(challenge, email, fields.get("session", ""), new_password=fields.get("new_password", ""))
        elif challenge == "SOFTWARE_TOKEN_MFA":
            answer = pool.respond(challenge, email, fields.get("session", ""), code=fields.get("code", "").strip())
        elif challenge == "AUTHENTICATOR_SETUP":
            pool.finish_authenticator(fields.get("session", ""), fields.get("code", "").strip())
            return html(pages.sign_in(next_page, email=email, info="Authenticator app set up. Sign in again: "
                                                                   "you will be asked for its code."))
        else:
            answer = pool.sign_in(email, fields.get("password", ""))
    except SignInRefused as e:
        # A wrong authenticator code while setting it up: start again from the password (a new key is shown).
        again = None if challenge == "AUTHENTICATOR_SETUP" else challenge
        return html(pages.sign_in(next_page, e.message, again, email, fields.get("session", "") if again else ""), 401)
    if answer.challenge:
        if answer.challenge not in ("NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA"):
            return html(pages.sign_in(next_page, "This account needs an authenticator app set up first; ask the "
                                                 "desk's administrators.", None, email), 401)
        return html(pages.sign_in(next_page, "", answer.challenge, email, answer.session or ""))
    try:
        who = runtime.authenticate(answer.id_token)
        if who.is_admin and not pool.has_authenticator(answer.access_token):
            # No session for an admin without a second factor: the authenticator app is set up first
            # (the access token, the admin's own, lets them do that and nothing else here).
            return html(pages.sign_in(next_page, "", "AUTHENTICATOR_SETUP", email, answer.access_token,
                                      pool.start_authenticator(answer.access_token)))
    except InvalidToken:
        return html(pages.sign_in(next_page, "Your account has no role or area set; ask the desk's administrators.",
                                  None, email), 403)
    except SignInRefused as e:
        return html(pages.sign_in(next_page, e.message, None, email), 401)
    cookie = session.session_cookie(answer.id_token, answer.expires_in, runtime.config().secure_cookies)
    return _redirect(next_page, cookie)


def sign_out(token: str, raw: bytes | None) -> Response:
    if not session.csrf_ok(csrf_key(), token, session.form(raw).get("csrf")):
        return html(pages.refused(("साइन आउट", "Sign out"), ("फ़ॉर्म पुराना है; पेज फिर से खोलें।",
                                                           "The form is stale; open the page again."), "sign-in"), 403)
    return _redirect("sign-in", session.cleared_cookie(runtime.config().secure_cookies))


# --- signed-in pages ------------------------------------------------------------------------


def queue(principal: Principal, token: str) -> Response:
    from ..services.queue import open_queue

    complaints = open_queue(runtime.storage(), principal, runtime.utcnow())
    return html(pages.queue(complaints, runtime.utcnow(), principal.subject, session.csrf_token(csrf_key(), token)))


def complaint_page(principal: Principal, token: str, ref: str, raw: bytes | None = None) -> Response:
    """GET shows the complaint; a POST (raw: the form) takes the action first."""
    csrf = session.csrf_token(csrf_key(), token)
    store = runtime.storage()
    try:
        complaint = complaint_service.visible(store, principal, ref)
    except NotFound:
        return html(pages.refused(("शिकायत", "Complaint"), ("यह शिकायत नहीं मिली।", "No complaint has this reference."),
                                  "../queue", csrf, principal.subject), 404)
    except Forbidden:
        return html(pages.refused(("शिकायत", "Complaint"), OUTSIDE, "../queue", csrf, principal.subject), 403)
    banner, error, status = "", "", 200
    if raw is not None:
        fields = session.form(raw)
        if not session.csrf_ok(csrf_key(), token, fields.get("csrf")):
            error, status = "The form is stale; nothing was done. Try again.", 403
        else:
            try:
                _act(principal, ref, fields)
                banner = pages.bi(pages.DONE.get(fields.get("action", ""), ("हो गया", "Done")))
            except DeskError as e:
                error, status = e.message, e.status
        complaint = store.complaints.get(ref)
    return html(pages.complaint(complaint, runtime.utcnow(), csrf, unmasked=True, who=principal.subject,
                                banner=banner, error=error), status)


def _act(principal: Principal, ref: str, fields: dict) -> dict:
    from ..api import page_action

    return runtime.act(principal, ref, page_action(session.action_request(fields)))


# --- alert links ----------------------------------------------------------------------------


def link_page(token: str, raw: bytes | None = None) -> Response:
    """What an alert's link opens: the complaint and its buttons (GET changes nothing), or why it opens nothing."""
    from ..api import page_action
    from ..services import links

    csrf = session.csrf_token(csrf_key(), "link|" + token)
    store, key = runtime.storage(), runtime.link_key()
    try:
        opened = links.open_link(store, key, token, runtime.utcnow())
    except links.LinkUnusable as e:
        return _unusable(e)
    banner, error, status = "", "", 200
    if raw is not None:
        fields = session.form(raw)
        if not session.csrf_ok(csrf_key(), "link|" + token, fields.get("csrf")):
            error, status = "The form is stale; nothing was done. Try again.", 403
        else:
            try:
                request = page_action(session.action_request(fields))
                runtime.act_through_link(token, request)
            except links.LinkUnusable as e:
                return _unusable(e)
            except DeskError as e:
                error, status = e.message, e.status
            else:
                done = pages.DONE.get(fields.get("action", ""), ("हो गया", "Done"))
                if request["action"] in links.SPENDING:  # the link is used: say so, and where to go on
                    return html(pages.notice(("शिकायत", "Complaint"), done, ("यह लिंक अब उपयोग हो चुका है; आगे के लिए साइन इन करें।",
                                                                          "This link is now used; sign in to do more."), "../sign-in"))
                banner = pages.bi(done)
    complaint = store.complaints.get(opened.complaint.ref)
    return html(pages.complaint(complaint, runtime.utcnow(), csrf, unmasked=False, banner=banner, error=error), status)


def _unusable(e) -> Response:
    said = {"refused": ("यह लिंक मान्य नहीं है: बदला गया है, या शिकायत दूसरे कार्यालय को चली गई है।",
                        "This link is not valid: it was altered, or the complaint has moved to another office."),
            "expired": ("इस लिंक की अवधि समाप्त हो गई है।", "This link has expired."),
            "used": ("यह लिंक उपयोग हो चुका है: इससे एक कार्रवाई की जा चुकी है।",
                     "This link has been used: an action was taken through it.")}[e.reason]
    return html(pages.refused(("लिंक", "Link"), said, "../sign-in"), e.status)
