"""Officers' and admins' accounts in the Cognito user pool: added one by one or from a roster CSV.

A roster row: email, name, role (officer | admin), districts (LGD codes) and departments (codes), several
separated by ';' or spaces. An officer needs a district or a department; the scope rules are the tokens'
(auth.check_claims). A new account gets Cognito's invitation email with a temporary password; an
existing one has its name, role and scope brought in line with the row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace

from ..adapters.cognito_pool import Account
from ..auth import InvalidToken, check_claims

COLUMNS = ("email", "name", "role", "districts", "departments")
EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}")
_SPLIT = re.compile(r"[;\s]+")


@dataclass
class RosterPlan:
    added: list[Account] = field(default_factory=list)
    changed: list[tuple[Account, Account]] = field(default_factory=list)  # (before, after)
    unchanged: list[Account] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"row", "message"}
    dry_run: bool = False
    written: bool = False


def account(email: str, role: str, districts, departments, name: str = "") -> Account:
    """An account as the desk would keep it; ValueError saying what is wrong."""
    email = email.strip().lower()
    if not EMAIL.fullmatch(email):
        raise ValueError(f"{email!r} is not an email address")
    try:
        districts = [int(d) for d in districts]
    except ValueError:
        raise ValueError("districts are LGD codes, numbers such as 162") from None
    departments = [d.strip().lower() for d in departments]
    try:
        check_claims({"iss": "", "sub": email, "role": role, "districts": districts, "departments": departments,
                      "iat": 1, "exp": 2})
    except InvalidToken as e:
        raise ValueError(str(e)) from None
    return Account(email=email, role=role, districts=tuple(sorted(districts)), departments=tuple(sorted(departments)),
                   name=name.strip())


def add(pool, new: Account) -> Account:
    if pool.account(new.email) is not None:
        raise ValueError(f"{new.email} has an account already; use the roster import to change it")
    pool.invite(new)
    return new


def import_roster(pool, text: str, dry_run: bool) -> RosterPlan:
    plan = RosterPlan(dry_run=dry_run)
    rows = list(csv.DictReader(io.StringIO(text)))
    header = set(rows[0]) if rows else set()
    if missing := [c for c in ("email", "role") if c not in header]:
        plan.errors.append({"row": 1, "message": f"the header lacks {', '.join(missing)}; columns: {', '.join(COLUMNS)}"})
        return plan
    seen = set()
    for number, row in enumerate(rows, start=2):
        try:
            wanted = account(row.get("email") or "", (row.get("role") or "").strip().lower(),
                             _codes(row.get("districts")), _codes(row.get("departments")), row.get("name") or "")
        except ValueError as e:
            plan.errors.append({"row": number, "message": str(e)})
            continue
        if wanted.email in seen:
            plan.errors.append({"row": number, "message": f"{wanted.email} appears twice"})
            continue
        seen.add(wanted.email)
        existing = pool.account(wanted.email)
        if existing is None:
            plan.added.append(wanted)
        elif replace(existing, enabled=True, status="") == wanted:
            plan.unchanged.append(existing)
        else:
            plan.changed.append((existing, wanted))
    if dry_run or plan.errors:  # all or nothing: a roster with a bad row changes no account
        return plan
    for new in plan.added:
        pool.invite(new)
    for _, wanted in plan.changed:
        pool.change(wanted)
    plan.written = True
    return plan


def _codes(text: str | None) -> list[str]:
    return [part for part in _SPLIT.split(text or "") if part]
