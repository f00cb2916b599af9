"""The HTTP edge: request values parsed strictly into plain values, and the one place that maps
errors to HTTP answers — always a JSON body {"error": code, "message": text}."""

from __future__ import annotations

import functools
import json
import re

from chalice import Response

from .domain.departments import DEPARTMENTS
from .domain.complaint import Status
from .domain.districts import DISTRICTS
from .errors import BadRequest, DeskError
from .services.ports import ListQuery

MAX_LIMIT = 100
_DIGITS = re.compile(r"[0-9]{1,6}")  # not str.isdigit(): that accepts "²", which int() refuses
ACTION_FIELDS = {"action": str, "note": str, "reason": str, "to_district": int, "to_department": str, "version": int}


def error_response(status: int, code: str, message: str) -> Response:
    return Response(body={"error": code, "message": message}, status_code=status)


def json_errors(view):
    """Wrap a route so every error becomes a JSON answer. (Chalice turns exceptions into bare
    500s before middleware sees them, so the rule sits on the views.)"""

    @functools.wraps(view)
    def wrapped(**kwargs):
        try:
            return view(**kwargs)
        except DeskError as e:
            return error_response(e.status, e.code, e.message)
        except Exception:
            from . import runtime

            runtime.logger().exception("unhandled error", extra={"view": view.__name__})
            return error_response(500, "internal_error", "Something went wrong on our side; it has been logged.")

    return wrapped


def unauthorized() -> Exception:
    """What an authorizer raises for a missing or bad token: API Gateway answers 401 to a failure
    named "Unauthorized"; chalice local (tests, `make serve`) needs its own exception for that."""
    try:
        from chalice.local import NotAuthorizedError
    except ImportError:  # on Lambda only chalice's runtime module is packaged
        return Exception("Unauthorized")
    return NotAuthorizedError({"x-amzn-ErrorType": "UnauthorizedException"}, b'{"message":"Unauthorized"}')


def list_query(params: dict | None) -> ListQuery:
    params = dict(params or {})
    unknown = set(params) - {"district", "department", "status", "urgent", "limit", "cursor"}
    if unknown:
        raise BadRequest(f"unknown query parameters: {', '.join(sorted(unknown))}")
    district = params.get("district")
    if district is not None and district != "unknown" and not (_DIGITS.fullmatch(district) and int(district) in DISTRICTS):
        raise BadRequest("district must be an LGD district code of Uttar Pradesh, or 'unknown'")
    department = params.get("department")
    if department is not None and department not in DEPARTMENTS:
        raise BadRequest(f"department must be one of {', '.join(DEPARTMENTS)}")
    status = params.get("status")
    if status is not None and status not in {s.value for s in Status}:
        raise BadRequest(f"status must be one of {', '.join(s.value for s in Status)}")
    urgent = params.get("urgent")
    if urgent is not None and urgent not in ("true", "false"):
        raise BadRequest("urgent must be true or false")
    limit = params.get("limit", "25")
    if not _DIGITS.fullmatch(limit) or not 1 <= int(limit) <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return ListQuery(
        district=district,
        department=department,
        status=status,
        urgent=None if urgent is None else urgent == "true",
        limit=int(limit),
        cursor=params.get("cursor"),
    )


def action_body(raw: bytes | None) -> dict:
    """The action request, every field checked; unknown fields and wrong types are refused."""
    try:
        body = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    unknown = set(body) - set(ACTION_FIELDS)
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(sorted(unknown))}")
    if "action" not in body:
        raise BadRequest("the field 'action' is required")
    for name, value in body.items():
        kind = ACTION_FIELDS[name]
        # JSON true/false are ints to Python; a district code or version is never a boolean.
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise BadRequest(f"'{name}' must be {'a string' if kind is str else 'a whole number'}")
    return body


def openapi_document() -> dict:
    from pathlib import Path

    return json.loads((Path(__file__).resolve().parent / "data" / "openapi.json").read_text(encoding="utf-8"))
