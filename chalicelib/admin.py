"""Admin commands, for a stage's AWS account (set STAGE and AWS credentials; for the local stack
started by `make serve`, its endpoint is picked up from .local/stack.env):

  python -m chalicelib.admin token --role officer --district 162 [--department police] [--hours 12]
      prints a signed bearer token (the signing key is read from SSM, as the API reads it)
  python -m chalicelib.admin handles list | add | change | disable | enable | import FILE.csv [--dry-run]
      the registry of watched X handles; the poll picks a change up within a minute, no redeploy
  python -m chalicelib.admin roster import FILE.csv [--dry-run] [--prune] | roster coverage
      officers' alert subscriptions (district x department x level, email or SMS) from a roster CSV;
      coverage lists every district x department x level no confirmed subscription receives
  python -m chalicelib.admin officers add EMAIL --role officer --district 162 [--department police] [--name NAME]
  python -m chalicelib.admin officers import FILE.csv [--dry-run]   (columns: email,name,role,districts,departments)
  python -m chalicelib.admin officers reset EMAIL
      officers' and admins' accounts in the Cognito user pool; Cognito emails the invitation (a temporary
      password) and the password reset code
  python -m chalicelib.admin authorise HANDLE
      prints the link the handle's owner opens, logged in to X as the handle, to let the desk reply as it
      (valid 15 minutes, once)
  python -m chalicelib.admin corrections export --out FILE.jsonl [--since 2026-12-01T00:00+05:30]
      officers' corrections of triage (transfers, rejections, urgency changes, reviews) as labelled examples,
      one JSON object per line, oldest first: what `make retrain CORRECTIONS=FILE.jsonl` reads
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from .auth import MAX_HOURS

ROOT = Path(__file__).resolve().parent.parent
LOCAL_STACK_ENV = ROOT / ".local" / "stack.env"


def _stage_environment(stage: str) -> None:
    """Fill in what a stage's functions get from .chalice/config.json, without overriding the shell."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = config.get("environment_variables", {}) | config["stages"][stage].get("environment_variables", {})
    if stage == "local" and LOCAL_STACK_ENV.exists() and "AWS_ENDPOINT_URL" not in os.environ:
        env |= dict(line.split("=", 1) for line in LOCAL_STACK_ENV.read_text().splitlines() if "=" in line)
    for name, value in env.items():
        os.environ.setdefault(name, value)


def _parser() -> argparse.ArgumentParser:
    stage = argparse.ArgumentParser(add_help=False)
    stage.add_argument("--stage", default=os.environ.get("STAGE", "local"))
    parser = argparse.ArgumentParser(prog="python -m chalicelib.admin")
    commands = parser.add_subparsers(dest="command", required=True)
    token = commands.add_parser("token", parents=[stage], help="print a signed bearer token")
    token.add_argument("--role", choices=("admin", "officer"), required=True)
    token.add_argument("--district", type=int, action="append", default=[], help="LGD code; repeat for several")
    token.add_argument("--department", action="append", default=[], help="department code; repeat for several")
    token.add_argument("--hours", type=float, default=12.0, help=f"how long the token lives, in hours: at most {MAX_HOURS}")
    token.add_argument("--subject", default=None, help="who the token is for (shown in complaint history)")
    handles = commands.add_parser("handles", help="the registry of watched X handles").add_subparsers(
        dest="action", required=True)
    handles.add_parser("list", parents=[stage], help="every handle, disabled ones too")
    add = handles.add_parser("add", parents=[stage], help="watch a new handle from now (or --start) on")
    add.add_argument("handle")
    change = handles.add_parser("change", parents=[stage], help="change a handle's kind, department, district or owner")
    change.add_argument("handle")
    for command, required in ((add, True), (change, False)):
        command.add_argument("--kind", required=required, help="state | district_police | department")
        command.add_argument("--department", required=required, help="department code, e.g. police, water")
        command.add_argument("--district", type=int, help="LGD code, e.g. 162 for Lucknow")
        command.add_argument("--owner", help="the owner's email or mobile (+91...)")
    add.add_argument("--start", help="go-live time, ISO with zone (2026-12-01T09:00+05:30); default now")
    change.add_argument("--no-district", action="store_true", help="the handle has no district")
    for action in ("disable", "enable"):
        handles.add_parser(action, parents=[stage], help=f"{action} polling a handle").add_argument("handle")
    imports = handles.add_parser("import", parents=[stage], help="add and change handles from a CSV file")
    imports.add_argument("file", type=Path)
    imports.add_argument("--dry-run", action="store_true", help="only say what the import would do")
    roster = commands.add_parser("roster", help="officers' alert subscriptions").add_subparsers(
        dest="action", required=True)
    roster_import = roster.add_parser("import", parents=[stage], help="subscribe officers from a roster CSV")
    roster_import.add_argument("file", type=Path)
    roster_import.add_argument("--dry-run", action="store_true", help="only say what the import would do")
    roster_import.add_argument("--prune", action="store_true", help="unsubscribe those the roster does not name")
    roster.add_parser("coverage", parents=[stage], help="what no confirmed subscription receives")
    officers = commands.add_parser("officers", help="officers' sign-in accounts (Cognito)").add_subparsers(
        dest="action", required=True)
    officer = officers.add_parser("add", parents=[stage], help="invite one officer or admin")
    officer.add_argument("email")
    officer.add_argument("--role", choices=("admin", "officer"), required=True)
    officer.add_argument("--district", type=int, action="append", default=[], help="LGD code; repeat for several")
    officer.add_argument("--department", action="append", default=[], help="department code; repeat for several")
    officer.add_argument("--name", default="")
    roster = officers.add_parser("import", parents=[stage], help="add and change accounts from a roster CSV")
    roster.add_argument("file", type=Path)
    roster.add_argument("--dry-run", action="store_true", help="only say what the import would do")
    officers.add_parser("reset", parents=[stage], help="send a password reset code").add_argument("email")
    authorise = commands.add_parser("authorise", parents=[stage],
                                    help="print the link a handle's owner opens to let the desk post as it")
    authorise.add_argument("handle", help="a watched handle, e.g. lucknowpolice")
    corrections = commands.add_parser("corrections", help="officers' corrections of triage").add_subparsers(
        dest="action", required=True)
    export = corrections.add_parser("export", parents=[stage], help="write them as labelled examples (JSON lines)")
    export.add_argument("--out", type=Path, required=True, help="the file to write (replaced when done)")
    export.add_argument("--since", help="only those made at or after this time, ISO with zone (2026-12-01T00:00+05:30)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _stage_environment(args.stage)
    from .errors import DeskError

    try:
        if args.command == "token":
            print(_token(args))
        elif args.command == "authorise":
            print(_authorisation_link(args.handle))
        elif args.command == "roster":
            return _roster(args)
        elif args.command == "officers":
            return _officers(args)
        elif args.command == "corrections":
            print(_export_corrections(args.out, args.since))
        else:
            return _handles(args)
    except (DeskError, ValueError) as e:
        print(f"error: {getattr(e, 'message', e)}", file=sys.stderr)
        return 2
    return 0


def _token(args) -> str:
    from . import auth, runtime

    subject = args.subject or (args.role if args.role == "admin" else
                               "officer-" + "-".join(map(str, args.district + args.department)))
    return auth.issue(runtime.signing_key(), subject, args.role, args.district, args.department,
                      now=runtime.utcnow(), hours=args.hours)


def _authorisation_link(handle: str) -> str:
    from . import runtime

    handle = handle.lstrip("@")
    link = runtime.authorisation_link(handle)
    return (f"Send this link to the owner of @{handle}. They open it while logged in to X as @{handle} "
            f"and approve; it works once, within 15 minutes:\n{link}")


def _officers(args) -> int:
    from . import runtime
    from .services import officers

    pool = runtime.officers_pool()
    if args.action == "add":
        added = officers.add(pool, officers.account(args.email, args.role, args.district, args.department, args.name))
        print(f"Invited {_account(added)}. Cognito emails the temporary password; the first sign-in sets a new one.")
    elif args.action == "reset":
        pool.reset_password(args.email.strip().lower())
        print(f"Cognito sent {args.email} a code to choose a new password.")
    else:
        plan = officers.import_roster(pool, _read(args.file), args.dry_run)
        done = plan.written
        counts = (len(plan.added), len(plan.changed), len(plan.unchanged))
        print(("Invited {}, changed {}, left {} unchanged." if done else "Would invite {}, change {}, leave {} unchanged.")
              .format(*counts))
        print("".join(f"  invite {_account(a)}\n" for a in plan.added), end="")
        print("".join(f"  change {b.email}: now {_account(a)}\n" for b, a in plan.changed), end="")
        if plan.errors:
            print(f"Problems ({len(plan.errors)}); nothing was written:")
            print("".join(f"  row {e['row']}: {e['message']}\n" for e in plan.errors), end="")
            return 2
    return 0


def _account(a) -> str:
    scope = ", ".join([*(f"district {d}" for d in a.districts), *a.departments]) or "the whole state"
    return f"{a.email} ({a.role}; {scope})"


def _export_corrections(out: Path, since: str | None) -> str:
    from . import runtime
    from .services import corrections

    after = datetime.fromisoformat(since) if since else None  # a bad time is a ValueError: said, exit 2
    if after is not None and after.tzinfo is None:
        raise ValueError(f"--since {since}: give the time zone too (+05:30 for IST, Z for UTC)")
    part = out.with_name(out.name + ".part")  # a failed export leaves no half file where a good one was
    with open(part, "w", encoding="utf-8") as f:
        written = corrections.export(runtime.storage().corrections, f, after)
    part.replace(out)
    return f"{written} labelled examples written to {out}"


def _handles(args) -> int:
    from . import runtime
    from .services import handles

    store = runtime.storage()
    if args.action == "list":
        listed = handles.list_handles(store)["handles"]
        print(f"{len(listed)} handles in the registry:")
        for h in listed:
            print(_line(h))
        return 0
    if args.action == "import":
        plan = handles.import_csv(store, runtime.source(), runtime.utcnow, _read(args.file), args.dry_run)
        print(_import_report(plan))
        return 2 if plan.errors else 0
    if args.action == "add":
        h = handles.add(store, runtime.source(), runtime.utcnow, args.handle, args.kind, args.department,
                        args.district, args.owner or "", handles.start_time(args.start))
        print(f"Added {_line(h).strip()}\nThe next poll (within a minute) fetches its mentions from {_time(h['start_at'])} on.")
        return 0
    if args.action == "change":
        fields = {name: value for name, value in (("kind", args.kind), ("department", args.department),
                                                  ("district", args.district), ("owner_contact", args.owner))
                  if value is not None} | ({"district": None} if args.no_district else {})
        if not fields:
            raise ValueError("say what to change: --kind, --department, --district, --no-district or --owner")
        h = handles.change(store, args.handle, **fields)
    else:
        h = handles.set_enabled(store, args.handle, args.action == "enable")
    print(f"Now: {_line(h).strip()}")
    return 0


def _roster(args) -> int:
    from . import runtime
    from .domain import coverage
    from .services import roster

    subscriptions = runtime.alert_subscriptions()
    if args.action == "coverage":
        shown = coverage.summary(subscriptions.read())
        print(f"{shown['confirmed']} confirmed subscriptions, {shown['pending_confirmation']} awaiting confirmation; "
              f"{shown['uncovered']} of {shown['cells']} district x department x level reach nobody.")
        for level, districts in shown["uncovered_by_level"].items():
            for district, departments in districts.items():
                print(f"  {level} {district}: {', '.join(departments)}")
        return 0
    cfg = runtime.config()
    plan = roster.import_roster(subscriptions, _read(args.file), dry_run=args.dry_run, prune=args.prune,
                                sms_registered=bool(cfg.sms_dlt_entity_id and cfg.sms_dlt_template_id))
    print(roster.report(plan))
    return 2 if plan.errors else 0


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"cannot read {path}: {e}") from None


def _time(at: datetime | str | None) -> str:
    if at is None:
        return "the start"
    at = datetime.fromisoformat(at) if isinstance(at, str) else at
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _line(h: dict) -> str:
    where = f"district {h['district']} ({h['district_name']})" if h["district"] else "no district"
    state = "polled" if h["enabled"] else "DISABLED, not polled"
    owner = f", owner {h['owner_contact']}" if h["owner_contact"] else ""
    return f"  @{h['handle']}: {h['kind']}, {h['department']}, {where}; {state}, live since {_time(h['start_at'])}{owner}"


def _import_report(plan) -> str:
    done = plan.written and not plan.dry_run
    counts = (len(plan.added), len(plan.changed), len(plan.unchanged))
    lines = [("Added {}, changed {}, left {} unchanged." if done else "Would add {}, change {}, leave {} unchanged.")
             .format(*counts)]
    lines += [f"  add @{h.handle}: {h.kind}, {h.department}, district {h.district or '-'}, live from {_time(h.start_at)}"
              for h in plan.added]
    lines += [f"  change @{h.handle}: " + ", ".join(f"{n} {a!r} -> {b!r}" for n, (a, b) in c.items())
              for h, c in plan.changed]
    if plan.errors:
        lines.append(f"Problems ({len(plan.errors)})" + (":" if plan.written else "; nothing was written:"))
        lines += [f"  row {e['row']}" + (f", {e['field']}" if e["field"] else "") + f": {e['message']}"
                  for e in plan.errors]
    elif plan.dry_run:
        lines.append("Dry run: nothing written. Run again without --dry-run to import.")
    else:
        lines.append("The poll picks the changes up within a minute.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
