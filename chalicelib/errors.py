"""Every error a person can be shown: one base class carrying a stable code and an HTTP status.

The domain and the services raise these; the HTTP edge (api.py) turns any of them into
{"error": code, "message": text} with its status, and nothing else needs a mapping table.
"""

from __future__ import annotations


class DeskError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadRequest(DeskError, ValueError):
    """The request does not match the API contract."""

    status, code = 400, "bad_request"


class InvalidAction(DeskError, ValueError):
    """The action is well formed but makes no sense for this complaint (a 400, not a conflict)."""

    status, code = 400, "invalid_action"


class InvalidCursor(BadRequest):
    """A listing cursor this desk did not hand out, or one for other filters."""


class Forbidden(DeskError, PermissionError):
    status, code = 403, "forbidden"


class NotFound(DeskError, LookupError):
    status, code = 404, "not_found"


class IllegalTransition(DeskError, ValueError):
    status, code = 409, "illegal_transition"

    def __init__(self, current, wanted):
        super().__init__(f"a complaint that is {current.value} cannot become {wanted.value}")
        self.current, self.wanted = current, wanted


class VersionConflict(DeskError):
    """Someone changed the complaint since it was read."""

    status, code = 409, "version_conflict"

    def __init__(self, ref: str):
        super().__init__(f"complaint {ref} was changed by someone else; reload it and try again")
        self.ref = ref


class HandleExists(DeskError):
    """The handle (or its X account under another name) is in the registry already."""

    status, code = 409, "handle_exists"


class UnknownOnX(DeskError, ValueError):
    """X knows no account with that username: nothing to watch."""

    status, code = 400, "unknown_on_x"


class XUnavailable(DeskError):
    """X could not be asked (rate limited, down, a server error): try again in a few minutes."""

    status, code = 503, "x_unavailable"
