"""Each handle's user token over in-memory fakes: refreshed ahead of expiry under a lease, cached, the refresh
chain kept whole by racing refreshers, a revoked grant flagged once; and the authorisation callback's checks."""

import threading
from datetime import timedelta

import pytest

from chalicelib.errors import BadRequest, NotFound
from chalicelib.domain.handles import load_registry
from chalicelib.services import authorise
from chalicelib.services.ports import NeedsAuthorisation, ReplyFailed, TokenRefused, Tokens
from chalicelib.services.tokens import UserTokens
from tests.fakes import FakeCipher, FakeClock, FakeGrants, FakeOps, FakeX

REGISTRY = load_registry()


@pytest.fixture
def tokens():
    clock, grants, x, ops = FakeClock(), FakeGrants(), FakeX(), FakeOps()
    grants.authorise("lucknowpolice", at=clock.now, x=x)
    return UserTokens(grants, FakeCipher(), x, ops, clock, sleep=lambda s: None)


def test_a_fresh_token_is_used_as_stored_and_then_from_memory(tokens):
    assert tokens.access_token("lucknowpolice") == "access-lucknowpolice-1"
    tokens.grants.grants.clear()  # not read again while the cached token is fresh
    assert tokens.access_token("LucknowPolice") == "access-lucknowpolice-1" and tokens.x.refreshes == 0


def test_the_token_is_refreshed_five_minutes_before_it_expires_and_the_rotated_pair_stored(tokens):
    tokens.clock.advance(hours=1, minutes=54)
    assert tokens.access_token("lucknowpolice") == "access-lucknowpolice-1"
    tokens.clock.advance(minutes=1, seconds=1)
    assert tokens.access_token("lucknowpolice") == "access-lucknowpolice-2"
    grant = tokens.grants.get("id-lucknowpolice")
    assert (grant.version, grant.lease, grant.expires_at) == (2, None, tokens.clock.now + timedelta(hours=2))
    assert FakeCipher().open(grant.user_id, grant.handle, grant.sealed, grant.expires_at).refresh_token == \
        "refresh-lucknowpolice-2"


def test_two_functions_refreshing_at_once_keep_one_chain_and_both_get_the_winners_token(tokens):
    import time

    first = UserTokens(tokens.grants, FakeCipher(), tokens.x, FakeOps(), tokens.clock, sleep=time.sleep)
    second = UserTokens(tokens.grants, FakeCipher(), tokens.x, FakeOps(), tokens.clock, sleep=time.sleep)
    tokens.clock.advance(hours=2)
    lost, take_lease, refresh = threading.Event(), tokens.grants.take_lease, tokens.x.refresh

    def take_lease_noting_the_loser(*args):
        taken = take_lease(*args)
        if not taken:
            lost.set()
        return taken

    def refresh_once_the_other_has_lost(refresh_token, now):
        assert lost.wait(timeout=5), "the other function never tried the lease"
        return refresh(refresh_token, now)

    tokens.grants.take_lease, tokens.x.refresh = take_lease_noting_the_loser, refresh_once_the_other_has_lost
    got = []
    workers = [threading.Thread(target=lambda u=u: got.append(u.access_token("lucknowpolice"))) for u in (first, second)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=15)
    assert got == ["access-lucknowpolice-2"] * 2
    assert tokens.x.refreshes == 1 and list(tokens.x.live) == ["refresh-lucknowpolice-2"]
    assert tokens.grants.get("id-lucknowpolice").version == 2


def test_a_rotation_made_under_a_lease_that_lapsed_is_kept_and_the_chain_stays_whole(tokens):
    """A holder whose refresh outlasted its lease has X's only live refresh token: the function that took the
    lease over is refused by X (the old token was rotated), waits for that holder's write, and nothing is flagged."""
    import time

    slow = UserTokens(tokens.grants, FakeCipher(), tokens.x, FakeOps(), tokens.clock, sleep=time.sleep)
    other = UserTokens(tokens.grants, FakeCipher(), tokens.x, FakeOps(), tokens.clock, sleep=time.sleep)
    tokens.clock.advance(hours=2)
    refresh, other_refused, got = tokens.x.refresh, threading.Event(), {}

    def refresh_that_outlasts_its_lease(refresh_token, now):
        if threading.current_thread() is not threading.main_thread():
            try:
                return refresh(refresh_token, now)
            except TokenRefused:
                other_refused.set()
                raise
        rotated = refresh(refresh_token, now)  # X rotated the chain for the slow holder ...
        tokens.clock.advance(seconds=61)  # ... which ran past its lease before storing it
        worker.start()
        assert other_refused.wait(timeout=5), "the other function never refreshed"
        return rotated

    def other_function():
        try:
            got["other"] = other.access_token("lucknowpolice")
        except Exception as e:  # noqa: BLE001 - the test reports what it was
            got["other"] = e

    worker = threading.Thread(target=other_function)
    tokens.x.refresh = refresh_that_outlasts_its_lease
    assert slow.access_token("lucknowpolice") == "access-lucknowpolice-2"
    worker.join(timeout=15)
    assert got["other"] == "access-lucknowpolice-2"
    grant = tokens.grants.get("id-lucknowpolice")
    assert grant.needs_authorisation is None and grant.version == 2
    assert FakeCipher().open(grant.user_id, grant.handle, grant.sealed, grant.expires_at).refresh_token == \
        "refresh-lucknowpolice-2" and list(tokens.x.live) == ["refresh-lucknowpolice-2"]


def test_a_holder_refused_because_its_lapsed_lease_was_taken_over_waits_for_the_taker_and_flags_nothing(tokens):
    """The other way round: the slow holder's refresh reaches X after the function that took its lapsed lease
    over has rotated the chain, and before that function has stored the new pair. X refuses the slow holder;
    the grant is fine and must not be flagged as needing authorisation."""
    import time

    slow = UserTokens(tokens.grants, FakeCipher(), tokens.x, FakeOps(), tokens.clock, sleep=time.sleep)
    other = UserTokens(tokens.grants, FakeCipher(), tokens.x, FakeOps(), tokens.clock, sleep=time.sleep)
    tokens.clock.advance(hours=2)
    refresh, renew = tokens.x.refresh, tokens.grants.renew
    rotated_for_other, slow_refused, got = threading.Event(), threading.Event(), {}

    def refresh_racing(refresh_token, now):
        if threading.current_thread() is not threading.main_thread():
            rotated = refresh(refresh_token, now)
            rotated_for_other.set()
            return rotated
        tokens.clock.advance(seconds=61)  # the slow holder's request is on its way when its lease lapses
        worker.start()
        assert rotated_for_other.wait(timeout=5), "the other function never refreshed"
        try:
            return refresh(refresh_token, now)
        except TokenRefused:
            slow_refused.set()
            raise

    def renew_after_the_slow_holder_was_refused(*args):
        assert slow_refused.wait(timeout=5), "X never refused the slow holder"
        time.sleep(0.3)  # the taker's write arrives a moment after the slow holder heard X's refusal
        return renew(*args)

    def other_function():
        got["other"] = other.access_token("lucknowpolice")

    worker = threading.Thread(target=other_function)
    tokens.x.refresh, tokens.grants.renew = refresh_racing, renew_after_the_slow_holder_was_refused
    assert slow.access_token("lucknowpolice") == "access-lucknowpolice-2"
    worker.join(timeout=15)
    assert got["other"] == "access-lucknowpolice-2"
    grant = tokens.grants.get("id-lucknowpolice")
    assert grant.needs_authorisation is None and grant.version == 2 and slow.ops.told == []


def test_a_refresh_x_leaves_unanswered_fails_the_handles_other_replies_at_once_until_its_lease_lapses():
    """Found by the fault suite's slowest test: each further reply from the handle waited 10 s, three times, for the
    lease this very function held from its failed refresh (a run with 50 replies would spend its whole time)."""
    clock, grants, x, waits = FakeClock(), FakeGrants(), FakeX(), []
    grants.authorise("lucknowpolice", at=clock.now, x=x)
    tokens = UserTokens(grants, FakeCipher(), x, FakeOps(), clock, sleep=waits.append)
    refresh, calls = x.refresh, []

    def unanswered(refresh_token, now):
        calls.append(now)
        raise ReplyFailed("ConnectionError: X's token endpoint dropped the connection")

    x.refresh = unanswered
    clock.advance(hours=2)
    for _ in range(3):
        with pytest.raises(ReplyFailed):
            tokens.access_token("lucknowpolice")
    assert len(calls) == 1 and waits == []
    x.refresh = refresh
    clock.advance(seconds=61)  # the lease lapsed: the next reply refreshes again
    assert tokens.access_token("lucknowpolice") == "access-lucknowpolice-2"
    assert grants.states()["lucknowpolice"].state == "authorised"


def test_a_revoked_grant_marks_the_handle_and_tells_ops_once(tokens):
    tokens.x.live.clear()  # the owner revoked the app: X refuses the refresh token
    tokens.clock.advance(hours=2)
    for _ in range(3):
        with pytest.raises(NeedsAuthorisation, match="lucknowpolice needs authorisation"):
            tokens.access_token("lucknowpolice")
    assert tokens.grants.states()["lucknowpolice"].state == "needs_authorisation"
    [(subject, body)] = tokens.ops.told
    assert subject == "@lucknowpolice needs authorisation" and "admin authorise lucknowpolice" in body


def test_a_401_to_the_stored_token_refreshes_it_and_a_401_to_a_fresh_one_means_the_grant_is_gone(tokens):
    assert tokens.access_token("lucknowpolice") == "access-lucknowpolice-1"
    assert tokens.after_unauthorised("lucknowpolice", "access-lucknowpolice-1") == "access-lucknowpolice-2"
    error = tokens.revoked("lucknowpolice", "X refused a token just refreshed")
    assert isinstance(error, NeedsAuthorisation) and len(tokens.ops.told) == 1
    with pytest.raises(NeedsAuthorisation):
        tokens.access_token("lucknowpolice")


def test_a_handle_that_never_authorised_needs_authorisation(tokens):
    with pytest.raises(NeedsAuthorisation, match="never authorised"):
        tokens.access_token("noidapolice")


# --- the callback ------------------------------------------------------------------------------

class XConsent(FakeX):
    """X's side of the consent: which account approved, and the code it issued."""

    def __init__(self, username="lucknowpolice"):
        super().__init__()
        self.username, self.codes, self.revoked = username, {}, []

    def authorize_url(self, state, challenge):
        self.codes["code-1"] = challenge
        return f"https://x.com/i/oauth2/authorize?state={state}&code_challenge={challenge}"

    def exchange(self, code, verifier, now):
        if self.codes.pop(code, None) != authorise.challenge_of(verifier):
            raise TokenRefused("invalid_request")
        return Tokens("access-0", "refresh-0", now + timedelta(hours=2))

    def user(self, access_token):
        return "id-" + self.username, self.username

    def revoke(self, token):
        self.revoked.append(token)


def consent(x, grants, clock, handle="lucknowpolice"):
    url = authorise.authorisation_link(grants, x, REGISTRY, handle, clock)
    return url.split("state=")[1].split("&")[0]


def callback(x, grants, clock, state, code="code-1", error=None):
    return authorise.complete(grants, FakeCipher(), x, clock, state, code, error)


def test_the_callback_stores_the_grant_of_the_handle_the_link_was_for():
    x, grants, clock = XConsent(), FakeGrants(), FakeClock()
    answer = callback(x, grants, clock, consent(x, grants, clock, "LucknowPolice"))
    assert answer["handle"] == "lucknowpolice" and answer["authorised"]
    assert grants.states()["lucknowpolice"].user_id == "id-lucknowpolice"


def test_the_callback_names_the_handle_as_x_spells_it_not_by_its_lower_case_key():
    x, grants, clock = XConsent("UPPCLLKO"), FakeGrants(), FakeClock()
    answer = callback(x, grants, clock, consent(x, grants, clock, "uppcllko"))
    assert answer["handle"] == "UPPCLLKO"
    assert answer["message"] == "@UPPCLLKO is authorised: the desk can now reply to citizens who tag it"


@pytest.mark.parametrize("case", ["bad state", "reused state", "expired state", "access_denied", "wrong account",
                                  "bad code"])
def test_a_callback_that_fails_a_check_is_a_400_and_stores_nothing(case):
    x, grants, clock = XConsent("someone_else" if case == "wrong account" else "lucknowpolice"), FakeGrants(), FakeClock()
    state = consent(x, grants, clock)
    if case == "reused state":
        callback(x, grants, clock, state)
        grants.grants.clear(), grants.directory.clear()
        x.codes["code-1"] = "again"
    if case == "expired state":
        clock.advance(minutes=16)
    with pytest.raises(BadRequest) as refused:
        callback(x, grants, clock, "forged" if case == "bad state" else state,
                 code="other" if case == "bad code" else "code-1",
                 error="access_denied" if case == "access_denied" else None)
    assert grants.states() == {}
    if case == "wrong account":
        assert "@someone_else, not @lucknowpolice" in refused.value.message and x.revoked == ["refresh-0"]
    if case == "access_denied":
        assert "access_denied" in refused.value.message


def test_a_link_is_only_for_a_watched_handle():
    with pytest.raises(NotFound):
        authorise.authorisation_link(FakeGrants(), XConsent(), REGISTRY, "somebody", FakeClock())
