"""A post's text as X serves it: entities found in the text, long posts cut to what fits in 280
weighted characters (the whole text goes in note_tweet), and &, < and > HTML-escaped.

Entity indices count code points in the text as served, that is after escaping (X's
display_text_range and entity indices both point into the escaped text).
"""

from __future__ import annotations

import re

from chalicelib.x_text import LINK_RE, fits

MENTION_RE = re.compile(r"(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@])")
# Python's \w misses Devanagari vowel signs, so the block is added explicitly.
HASHTAG_RE = re.compile(r"(?<![\w&])#([\w\u0900-\u097F]+)")
ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
DISPLAY_URL_LENGTH = 26  # X shortens the shown form of a long link with an ellipsis


def extract(text: str, users: dict) -> dict[str, list[dict]]:
    """Mentions (of existing accounts only, as on X), hashtags and links, indexed into the raw text."""
    mentions = [
        {"start": m.start(), "end": m.end(), "username": users[m[1].lower()].username, "id": users[m[1].lower()].id}
        for m in MENTION_RE.finditer(text) if m[1].lower() in users
    ]
    hashtags = [{"start": m.start(), "end": m.end(), "tag": m[1]} for m in HASHTAG_RE.finditer(text) if not m[1].isdigit()]
    urls = []
    for m in LINK_RE.finditer(text):
        expanded = m[0] if m["scheme"] else f"http://{m[0]}"
        shown = re.sub(r"^https?://(www\.)?", "", expanded)
        shown = shown if len(shown) <= DISPLAY_URL_LENGTH else shown[: DISPLAY_URL_LENGTH - 1] + "…"
        urls.append({"start": m.start(), "end": m.end(), "url": m[0], "expanded_url": expanded, "display_url": shown})
    return {"mentions": mentions, "hashtags": hashtags, "urls": urls}


def shown_part(text: str) -> str:
    """What X puts in `text` for a post: all of it when it fits in 280 weighted characters, else the
    longest run of whole words that fits, with no ellipsis (the whole post is in note_tweet)."""
    if fits(text):
        return text
    breaks = [m.start() for m in re.finditer(r"\s", text)]
    low, high = 0, len(breaks) - 1
    best = None
    while low <= high:  # the longest prefix ending before a space that fits
        mid = (low + high) // 2
        if fits(text[: breaks[mid]]):
            best, low = breaks[mid], mid + 1
        else:
            high = mid - 1
    if best is None or not text[:best].strip():
        best = max(i for i in range(len(text) + 1) if fits(text[:i]))  # one long word: cut inside it
    return text[:best].rstrip()


def escape(text: str) -> str:
    return "".join(ESCAPES.get(ch, ch) for ch in text)


def served_entities(text: str, entities: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The entities that lie within `text` (a prefix of the post), their indices moved to the escaped text."""
    def shift(index: int) -> int:
        return index + sum(len(ESCAPES[ch]) - 1 for ch in text[:index] if ch in ESCAPES)

    out = {}
    for kind, found in entities.items():
        inside = [{**e, "start": shift(e["start"]), "end": shift(e["end"])} for e in found if e["end"] <= len(text)]
        if inside:
            out[kind] = inside
    return out
