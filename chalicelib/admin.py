"""Admin commands:
  `python -m chalicelib.admin token --role officer --district 162 [--department police] [--hours 12]`
      prints a signed bearer token;
  `python -m chalicelib.admin authorise HANDLE`
      prints the link the handle's owner opens, logged in to X as the handle, to let the desk reply as it
      (valid 15 minutes, once).

Secrets are read from SSM, as the functions read them: set
STAGE (and AWS credentials) for a deployed stage; for the local stack started by `make serve`,
its endpoint is picked up from .local/stack.env.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.admin")
    commands = parser.add_subparsers(dest="command", required=True)
    token = commands.add_parser("token", help="print a signed bearer token")
    token.add_argument("--role", choices=("admin", "officer"), required=True)
    token.add_argument("--district", type=int, action="append", default=[], help="LGD code; repeat for several")
    token.add_argument("--department", action="append", default=[], help="department code; repeat for several")
    token.add_argument("--hours", type=float, default=12.0, help=f"how long the token lives, in hours: at most {MAX_HOURS}")
    token.add_argument("--subject", default=None, help="who the token is for (shown in complaint history)")
    token.add_argument("--stage", default=os.environ.get("STAGE", "local"))
    authorise = commands.add_parser("authorise", help="print the link a handle's owner opens to let the desk post as it")
    authorise.add_argument("handle", help="a watched handle, e.g. lucknowpolice")
    authorise.add_argument("--stage", default=os.environ.get("STAGE", "local"))
    args = parser.parse_args(argv)

    _stage_environment(args.stage)
    from . import auth, runtime

    if args.command == "authorise":
        from .errors import DeskError

        try:
            link = runtime.authorisation_link(args.handle)
        except DeskError as e:
            print(f"error: {e.message}", file=sys.stderr)
            return 2
        print(f"Send this link to the owner of @{args.handle.lstrip('@')}. They open it while logged in to X as "
              f"@{args.handle.lstrip('@')} and approve; it works once, within 15 minutes:\n{link}")
        return 0

    subject = args.subject or (args.role if args.role == "admin" else
                               "officer-" + "-".join(map(str, args.district + args.department)))
    try:
        print(auth.issue(runtime.signing_key(), subject, args.role, args.district, args.department,
                         now=runtime.utcnow(), hours=args.hours))
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
