"""A warm container's token caches stay bounded however many new words citizens write, and a token met
after they are full is prepared exactly as a cached one."""

from __future__ import annotations

from chalicelib.triage import normalise


def test_the_token_caches_stop_at_their_limit_and_later_tokens_come_out_the_same(monkeypatch):
    monkeypatch.setattr(normalise, "TOKEN_CACHE_LIMIT", 30)
    for cache in ("_lower_cache", "_key_cache", "_pair_cache"):
        monkeypatch.setattr(normalise, cache, {})
    words = [f"gali{i}pani" for i in range(200)]
    for start in range(0, len(words), 10):
        normalise.prepare(" ".join(words[start:start + 10]))
    assert len(normalise._lower_cache) == len(normalise._key_cache) == len(normalise._pair_cache) == 30
    late = normalise.prepare("Kanpur me Bijli nahi gali199pani")
    for cache in ("_lower_cache", "_key_cache", "_pair_cache"):
        monkeypatch.setattr(normalise, cache, {})
    assert normalise.prepare("Kanpur me Bijli nahi gali199pani") == late  # uncached: the same tokens and keys
