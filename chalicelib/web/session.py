"""How the pages know who is there: the `desk_session` cookie (a bearer token, as the API takes in its
Authorization header), forms' CSRF tokens, and the little parsing a form post needs."""

from __future__ import annotations

import hashlib
import hmac
import re
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlsplit

from ..errors import BadRequest

COOKIE = "desk_session"
MAX_FORM_BYTES = 8192


def session_token(cookie_header: str | None) -> str | None:
    """The desk_session cookie's value, or None."""
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel and morsel.value else None


def session_cookie(token: str, max_age: int, secure: bool) -> str:
    # HttpOnly: no script reads it; SameSite=Lax: another site's form cannot post with it; Path=/ so that
    # the pages under the deployed stage prefix (/api/app/...) all send it.
    return f"{COOKIE}={token}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")


def cleared_cookie(secure: bool) -> str:
    return session_cookie("", 0, secure)


def csrf_token(key: bytes, credential: str) -> str:
    """Bound to the credential the page was opened with (the session token or the alert link): a form
    from another site cannot know it, and it is worthless with any other credential."""
    return hmac.new(key, b"csrf|" + credential.encode(), hashlib.sha256).hexdigest()[:32]


def csrf_ok(key: bytes, credential: str, given: str | None) -> bool:
    # As bytes: compare_digest refuses str holding anything but ASCII, and a posted field may hold anything.
    return bool(given) and hmac.compare_digest(csrf_token(key, credential).encode(), given.encode("utf-8", "replace"))


def same_site(origin: str | None, host: str | None) -> bool:
    """Whether a form's POST comes from the desk's own pages: its Origin names the host it was sent to. No
    Origin at all (an older browser, a script) is let through to the CSRF token, which still holds; "null"
    (a sandboxed frame, a redirect from elsewhere) is not."""
    if origin is None:
        return True
    return bool(host) and urlsplit(origin.strip()).netloc.lower() == host.strip().lower()


def form(raw: bytes | None) -> dict[str, str]:
    """An application/x-www-form-urlencoded body as name -> value (the first of each)."""
    raw = raw or b""
    if len(raw) > MAX_FORM_BYTES:
        raise BadRequest("the form is too large")
    try:
        fields = parse_qs(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("the form could not be read") from None
    return {name: values[0] for name, values in fields.items()}


# A page of the desk under /app/, relative ("queue", "complaints/UP-LKO-26-000001", "dashboard"): no scheme,
# no "//", no "..", so never another site.
_PAGE = re.compile(r"[a-z][a-z0-9-]{0,30}(?:/[A-Za-z0-9-]{1,40})?")


def next_page(value: str | None) -> str:
    """Where to go after signing in: a page of the desk, the queue by default."""
    if value and _PAGE.fullmatch(value) and not value.startswith(("sign-", "a/")):
        return value
    return "queue"


def action_request(fields: dict[str, str]) -> dict:
    """A page's action form as the API's action request (checked by the same schema afterwards)."""
    action = fields.get("action", "")
    request: dict = {"action": action}
    if fields.get("version", "").isdigit():
        request["version"] = int(fields["version"])
    if fields.get("note", "").strip():
        request["note"] = fields["note"].strip()
    if action == "not_actionable":
        request.update(action="reject", reason="not_actionable")
    if action == "transfer":
        if fields.get("to_district", "").isdigit():
            request["to_district"] = int(fields["to_district"])
        if fields.get("to_department"):
            request["to_department"] = fields["to_department"]
    return request
