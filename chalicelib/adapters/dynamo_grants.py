"""The handles' grants in the table: the only place that knows their items and keys.

Items (pk, sk):
  XG#<X user id>, G   a grant: handle, sealed tokens (KMS ciphertext), access_expires_at, version, the refresh
                      lease (lease, lease_until) and needs_authorisation. Keyed by user id: a renamed handle
                      keeps its grant. Conditional writes on it are the refresh lease and the once-only flag.
  XG#DIRECTORY, G     one attribute per handle key: {user_id, state, changed_at, detail}. One read tells the
                      reply sender and /status every handle's state. A rename on X moves the attribute.
  XA#<state>, A       a pending authorisation: handle, PKCE verifier, expires_at (the table's TTL removes it),
                      used (set by the callback that takes it: single use)
Times are epoch seconds. The grant's expiry is not named expires_at: the table's TTL would delete the grant.
"""

from __future__ import annotations

from datetime import datetime

from ..services.ports import Grant, GrantState
from .dynamo_items import from_seconds, seconds
from .dynamo_table import Expression, Refused, Table, deserialize, key

DIRECTORY = key("XG#DIRECTORY", "G")
AUTHORISED, NEEDS_AUTHORISATION = "authorised", "needs_authorisation"


def grant_key(user_id: str) -> dict:
    return key(f"XG#{user_id}", "G")


def _pending_key(state: str) -> dict:
    return key(f"XA#{state}", "A")


def _entry(user_id: str, state: str, at: datetime, detail: str | None = None) -> dict:
    return {"user_id": user_id, "state": state, "changed_at": at.isoformat()} | ({"detail": detail} if detail else {})


class DynamoGrants:
    def __init__(self, table: Table):
        self.table = table

    def states(self) -> dict[str, GrantState]:
        item = self.table.get(DIRECTORY) or {}
        return {name: GrantState(**deserialize(value)) for name, value in item.items() if name not in ("pk", "sk")}

    def get(self, user_id: str) -> Grant | None:
        item = self.table.get(grant_key(user_id))
        if item is None:
            return None
        raw = {k: deserialize(v) for k, v in item.items()}
        return Grant(handle=raw["handle"], user_id=user_id, sealed=bytes(raw["sealed"].value),
                     expires_at=from_seconds(raw["access_expires_at"]), version=int(raw["version"]),
                     lease=raw.get("lease"), lease_until=from_seconds(raw.get("lease_until")),
                     needs_authorisation=raw.get("needs_authorisation"))

    def _directory(self, handle: str, entry: dict) -> dict:
        e = Expression()
        return {"Update": {"TableName": self.table.name, "Key": DIRECTORY,
                           "UpdateExpression": f"SET {e.name(handle)} = {e.value(entry)}", **e.params()}}

    def store(self, grant: Grant, at: datetime) -> None:
        """A new consent: a version the grant never had (a refresh of the replaced one cannot store over it),
        no lease, no flag."""
        e = Expression()
        sets = {"handle": grant.handle, "sealed": grant.sealed, "access_expires_at": seconds(grant.expires_at),
                "authorised_at": seconds(at)}
        version = e.name("version")
        update = (f"SET {', '.join(f'{e.name(n)} = {e.value(v)}' for n, v in sets.items())}, "
                  f"{version} = if_not_exists({version}, {e.value(0)}) + {e.value(1)} "
                  f"REMOVE {e.name('lease')}, {e.name('lease_until')}, {e.name('needs_authorisation')}")
        self.table.write([{"Update": {"TableName": self.table.name, "Key": grant_key(grant.user_id),
                                      "UpdateExpression": update, **e.params()}},
                          self._directory(grant.handle, _entry(grant.user_id, AUTHORISED, at))])

    def take_lease(self, grant: Grant, lease: str, until: datetime, now: datetime) -> bool:
        e = Expression()
        free = f"attribute_not_exists({e.name('lease')}) OR {e.name('lease_until')} <= {e.value(seconds(now))}"
        return self._update(grant, e, f"SET {e.name('lease')} = {e.value(lease)}, "
                                      f"{e.name('lease_until')} = {e.value(seconds(until))}",
                            f"{e.name('version')} = {e.value(grant.version)} AND "
                            f"attribute_not_exists({e.name('needs_authorisation')}) AND ({free})")

    def renew(self, grant: Grant, sealed: bytes, expires_at: datetime) -> bool:
        e = Expression()
        return self._update(grant, e, f"SET {e.name('sealed')} = {e.value(sealed)}, "
                                      f"{e.name('access_expires_at')} = {e.value(seconds(expires_at))}, "
                                      f"{e.name('version')} = {e.value(grant.version + 1)} "
                                      f"REMOVE {e.name('lease')}, {e.name('lease_until')}",
                            # Not the lease: a refresh that outlasted it still holds X's only live refresh token.
                            f"{e.name('version')} = {e.value(grant.version)}")

    def _update(self, grant: Grant, e: Expression, update: str, condition: str) -> bool:
        try:
            self.table.update(Key=grant_key(grant.user_id), UpdateExpression=update, ConditionExpression=condition,
                              **e.params())
        except Refused:
            return False
        return True

    def renamed(self, handle: str, username: str) -> None:
        """The directory entry follows the handle's rename on X; its grant (by user id) is the same."""
        if handle.lower() == username.lower():
            return  # a change of case: the key is the same
        e = Expression()
        old, new = e.name(handle.lower()), e.name(username.lower())
        try:
            self.table.update(Key=DIRECTORY, UpdateExpression=f"SET {new} = {old} REMOVE {old}",
                              ConditionExpression=f"attribute_exists({old}) AND attribute_not_exists({new})",
                              **e.params())
        except Refused:
            pass  # never authorised, or already followed

    def _handle_of(self, grant: Grant) -> str:
        """The handle key the directory holds this grant under now (the handle may have been renamed since)."""
        return next((name for name, state in self.states().items() if state.user_id == grant.user_id), grant.handle)

    def mark_needs_authorisation(self, grant: Grant, detail: str, at: datetime) -> bool:
        e = Expression()
        flag = {"TableName": self.table.name, "Key": grant_key(grant.user_id),
                "UpdateExpression": f"SET {e.name('needs_authorisation')} = {e.value(detail[:500])}",
                "ConditionExpression": f"attribute_exists({e.name('pk')}) AND "
                                       f"attribute_not_exists({e.name('needs_authorisation')})", **e.params()}
        entry = _entry(grant.user_id, NEEDS_AUTHORISATION, at, detail[:500])
        try:
            self.table.write([{"Update": flag}, self._directory(self._handle_of(grant), entry)])
        except Refused:
            return False
        return True

    def start_authorisation(self, state: str, handle: str, verifier: str, expires_at: datetime) -> None:
        item = _pending_key(state) | {"handle": {"S": handle}, "verifier": {"S": verifier},
                                      "expires_at": {"N": str(int(expires_at.timestamp()))}}
        self.table.write([{"Put": {"TableName": self.table.name, "Item": item}}])

    def finish_authorisation(self, state: str, now: datetime) -> tuple[str, str] | None:
        e = Expression()
        try:
            answer = self.table.update(
                Key=_pending_key(state), UpdateExpression=f"SET {e.name('used')} = {e.value(True)}",
                ConditionExpression=f"attribute_exists({e.name('pk')}) AND attribute_not_exists({e.name('used')}) "
                                    f"AND {e.name('expires_at')} > {e.value(int(now.timestamp()))}",
                ReturnValues="ALL_NEW", **e.params())
        except Refused:
            return None
        return answer["Attributes"]["handle"]["S"], answer["Attributes"]["verifier"]["S"]
