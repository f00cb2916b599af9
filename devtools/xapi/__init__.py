"""The project's local X API v2 server (see server.py); `python -m devtools.xapi` runs it."""

from .server import DEFAULT_SEED_PATH, XApiServer

__all__ = ["DEFAULT_SEED_PATH", "XApiServer"]
