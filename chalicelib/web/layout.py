"""One page shell for every page (viewport for phones, readable contrast, Hindi and English), and the
ways the desk writes times (IST) and numbers (the Indian system: 1,23,456) on a page."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import escape

from chalice import Response

IST = timezone(timedelta(hours=5, minutes=30), "IST")

STYLE = """
body{font:16px/1.45 system-ui,'Noto Sans Devanagari',sans-serif;margin:0;color:#111;background:#fff}
header,main,footer{padding:0.75rem 1rem;max-width:72rem;margin:auto}
header{background:#0b3d91;color:#fff}
a{color:#0b3d91}
header a{color:#fff}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:0.35rem 0.5rem;border-bottom:1px solid #ccc;vertical-align:top}
button,input,select,textarea{font:inherit;padding:0.45rem 0.7rem}
button{background:#0b3d91;color:#fff;border:0;border-radius:4px;min-height:44px}
:focus-visible{outline:3px solid #f90;outline-offset:2px}
.muted{color:#444}
"""


def page(title: str, body: str, *, lang: str = "en") -> str:
    """A whole HTML document around `body` (already escaped HTML); `title` is plain text."""
    return (f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            # An empty icon (CSP img-src allows data:): a browser asking for /favicon.ico gets the gateway's 403.
            '<link rel="icon" href="data:,">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>")


def html(document: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    # Pages carry personal data for the signed-in officer only: never cached, never framed.
    base = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
            "X-Frame-Options": "DENY", "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:"}
    return Response(body=document, status_code=status, headers={**base, **(headers or {})})


def ist(moment: datetime | None) -> str:
    """'01 Dec 2026, 17:45 IST', or an empty string for no time."""
    return moment.astimezone(IST).strftime("%d %b %Y, %H:%M IST") if moment else ""


def indian_number(n: int | float) -> str:
    """1234567 -> '12,34,567' (lakh and crore grouping)."""
    sign, whole = ("-" if n < 0 else ""), str(int(round(abs(n))))
    if len(whole) <= 3:
        return sign + whole
    head, tail = whole[:-3], whole[-3:]
    pairs = []
    while len(head) > 2:
        head, pairs = head[:-2], [head[-2:], *pairs]
    return sign + ",".join([head, *pairs, tail])
