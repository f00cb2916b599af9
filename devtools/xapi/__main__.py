"""`python -m devtools.xapi [--host H] [--port N] [--seed PATH] [--bot USERNAME]`.

Prints the base URL on one line, then serves until SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import threading

from .server import DEFAULT_SEED_PATH, XApiServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.xapi", description="Local X API v2 server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", default=DEFAULT_SEED_PATH, help="seed mentions JSON")
    parser.add_argument("--bot", default=None, help="username that POST /2/tweets posts as (default: first watched handle)")
    args = parser.parse_args(argv)
    server = XApiServer(args.host, args.port, args.seed, bot=args.bot)
    print(server.start(), flush=True)
    # SIGTERM ends the wait like Ctrl-C does, so both stop the server cleanly.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
