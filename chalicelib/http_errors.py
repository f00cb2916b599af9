"""The one place that maps errors to HTTP answers: always a JSON body {"error", "message"}."""

from __future__ import annotations

from chalice import Response


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


def error_response(status: int, code: str, message: str) -> Response:
    return Response(body={"error": code, "message": message}, status_code=status)


def register_error_handling(app) -> None:
    @app.middleware("http")
    def json_errors(event, get_response):
        try:
            return get_response(event)
        except ApiError as e:
            return error_response(e.status, e.code, e.message)
        except Exception:
            from . import runtime

            runtime.logger().exception("unhandled error", extra={"path": event.path})
            return error_response(500, "internal_error", "Something went wrong on our side; it has been logged.")
