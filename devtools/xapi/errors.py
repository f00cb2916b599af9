"""X's error bodies: the 400 "Invalid Request" problem, plain HTTP problems, not-found and forbidden."""

from __future__ import annotations

from http import HTTPStatus

INVALID_REQUEST = {
    "title": "Invalid Request",
    "detail": "One or more parameters to your request was invalid.",
    "type": "https://api.twitter.com/2/problems/invalid-request",
}


def problem(status: int) -> dict:
    """X's body for plain HTTP errors (401, 429, 5xx)."""
    phrase = HTTPStatus(status).phrase
    return {"title": phrase, "detail": phrase, "type": "about:blank", "status": status}


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(status)
        self.status = status
        self.body = body


def invalid(parameter: str, value, message: str) -> ApiError:
    values = value if isinstance(value, list) else [value]
    return ApiError(400, {"errors": [{"parameters": {parameter: values}, "message": message}], **INVALID_REQUEST})


def not_found(parameter: str, value: str, resource_type: str = "user") -> dict:
    """An entry of an `errors` array: a user or tweet that does not exist (or no longer does)."""
    return {
        "value": value,
        "detail": f"Could not find {resource_type} with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": resource_type,
        "parameter": parameter,
        "resource_id": value,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def unavailable_user(status: str, parameter: str, value: str) -> dict:
    """The `errors` entry X gives for a suspended or deleted user, named as the request named it."""
    if status != "suspended":
        return not_found(parameter, value)
    return {
        "value": value,
        "detail": f"User has been suspended: [{value}].",
        "title": "Forbidden",
        "resource_type": "user",
        "parameter": parameter,
        "resource_id": value,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def forbidden(detail: str) -> ApiError:
    return ApiError(403, {"detail": detail, "type": "about:blank", "title": "Forbidden", "status": 403})
