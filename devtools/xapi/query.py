"""The query of recent search, parsed into a predicate over tweets."""

from __future__ import annotations

import re

from .errors import ApiError, invalid

WORD_RE = re.compile(r"[\w\u0900-\u097F]+")


class QueryParser:
    """X search query syntax, the part the desk needs: @handle, from:, to:, is:retweet|reply|quote,
    lang:, #tag, keywords, "phrases", -negation, implicit AND, OR (looser than AND), parentheses."""

    TOKEN_RE = re.compile(r'\s*(-?\(|\)|-?"[^"]*"|[^\s()"]+|\S)')
    KNOWN_OPERATORS = frozenset(
        "bio bio_location bio_name bounding_box cashtag context conversation_id entity from has in_reply_to_tweet_id "
        "is lang list place place_country point_radius quotes_of_tweet_id retweets_of retweets_of_tweet_id "
        "sample source to url url_contains".split()
    )

    def __init__(self, query: str):
        self.query = query
        self.tokens = [(m.start(1), m.group(1)) for m in self.TOKEN_RE.finditer(query)]
        self.pos = 0
        self.negated = 0  # how many negations enclose the clause being parsed
        self.positive = False  # a term outside every negation was seen

    def error(self, message: str, at: int) -> ApiError:
        return invalid("query", self.query, f"There were errors processing your request: {message} (at position {at + 1})")

    def parse(self):
        if not self.tokens:
            raise invalid("query", [], "Request parameter `query` can not be empty")
        predicate = self.alternatives()
        if self.pos < len(self.tokens):
            raise self.error("Unbalanced parenthesis", self.tokens[self.pos][0])
        if not self.positive:  # X: a query of exclusions alone would match nearly every post
            raise self.error("Rules must contain a non-negation term", 0)
        return predicate

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def alternatives(self):
        options = [self.conjunction()]
        while self.peek() == "OR":
            self.pos += 1
            options.append(self.conjunction())
        return options[0] if len(options) == 1 else (lambda t: any(p(t) for p in options))

    def conjunction(self):
        parts = []
        while self.peek() not in (None, ")", "OR"):
            parts.append(self.clause())
        if not parts:
            at = self.tokens[self.pos][0] if self.pos < len(self.tokens) else len(self.query)
            raise self.error("Expected a clause", at)
        return lambda t: all(p(t) for p in parts)

    def clause(self):
        at, token = self.tokens[self.pos]
        self.pos += 1
        negate = token.startswith("-") and len(token) > 1
        token = token[1:] if negate else token
        self.negated += negate
        if token == "(":
            predicate = self.alternatives()
            if self.peek() != ")":
                raise self.error("Missing closing parenthesis", len(self.query))
            self.pos += 1
        else:
            predicate = self.term(token, at)
            self.positive = self.positive or not self.negated
        self.negated -= negate
        return (lambda t: not predicate(t)) if negate else predicate

    def term(self, token: str, at: int):
        lowered = token.lower()
        if token.startswith('"'):
            if len(token) < 2 or not token.endswith('"'):
                raise self.error("Unbalanced quote", at)
            phrase = lowered[1:-1]
            return lambda t: phrase in t.text.lower()
        if token.startswith("@"):
            return lambda t: any(m["username"].lower() == lowered[1:] for m in t.mentions)
        if token.startswith("#"):
            return lambda t: any(h["tag"].lower() == lowered[1:] for h in t.hashtags)
        operator, colon, value = lowered.partition(":")
        if colon and operator in self.KNOWN_OPERATORS:
            return self.operator(operator, value, token, at)
        words = WORD_RE.findall(lowered)
        if not words:
            raise self.error(f"Invalid keyword '{token}'", at)
        return lambda t: set(words) <= set(WORD_RE.findall(t.text.lower()))

    def operator(self, operator: str, value: str, token: str, at: int):
        if not value:
            raise self.error(f"The operator '{token}' needs a value", at)
        if operator == "from":
            return lambda t: t.author.username.lower() == value
        if operator == "to":
            return lambda t: t.in_reply_to is not None and t.in_reply_to.username.lower() == value
        if operator == "lang":
            return lambda t: t.lang == value
        if operator == "conversation_id":
            return lambda t: t.conversation_id == value
        kinds = {"retweet": "retweeted", "reply": "replied_to", "quote": "quoted"}
        if operator == "is" and value in kinds:
            return lambda t: t.refers(kinds[value])
        raise self.error(f"The operator '{token}' is not emulated by the local X API server", at)
