"""The HTTP edge: requests checked against the OpenAPI description (data/openapi.json, the one
statement of the contract) and turned into plain values, and the one place that turns errors into
HTTP answers — always a JSON body {"error": code, "message": text}."""

from __future__ import annotations

import functools
import json
import re
from datetime import date
from pathlib import Path

from chalice import Response

from .domain.pii import mask
from .errors import BadRequest, DeskError
from .services.ports import ListQuery, StorageRejected, StorageUnavailable

OPENAPI = Path(__file__).resolve().parent / "data" / "openapi.json"
# A query value's text as OpenAPI's form style writes an integer; [0-9], not \d or str.isdigit(),
# which take "²". Any other text stays a string, for the schema to refuse ("0162", "1e2", "²").
_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,17})")


def error_response(status: int, code: str, message: str) -> Response:
    # Masked: a message may quote what the request carried (a reference, a field's name), and an answer
    # never hands back a phone, Aadhaar or e-mail address, whoever typed it.
    return Response(body={"error": code, "message": mask(message)}, status_code=status)


def json_errors(view):
    """Wrap a route so every error becomes a JSON answer. (Chalice turns exceptions into bare
    500s before middleware sees them, so the rule sits on the views.)"""

    @functools.wraps(view)
    def wrapped(**kwargs):
        try:
            return view(**kwargs)
        except DeskError as e:
            return error_response(e.status, e.code, e.message)
        except StorageUnavailable as e:
            if isinstance(e, StorageRejected):  # refused for good: asking again changes nothing
                return _internal_error(view)
            # DynamoDB or KMS failing after their own retries: nothing half-done is kept; asking again
            # in a minute is the answer (an authorisation link already used: ask for a new one).
            from . import runtime

            runtime.logger().warning("storage unavailable", extra={"view": view.__name__, "detail": str(e)})
            return error_response(503, "storage_unavailable",
                                  "The desk's storage is not answering; try again in a minute.")
        except Exception:
            return _internal_error(view)

    return wrapped


def page_errors(view):
    """Like json_errors, for a page: the answer to an error is a short HTML page with the same status."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        answer = json_errors(view)(**kwargs)
        if not isinstance(answer, Response) or not isinstance(answer.body, dict):
            return answer
        from html import escape

        from .web.layout import html, page

        return html(page("Not shown", f"<main><h1>{answer.status_code}</h1><p>{escape(answer.body['message'])}"
                                      "</p></main>"), answer.status_code)

    return wrapped


def _internal_error(view) -> Response:
    from . import runtime

    runtime.logger().exception("unhandled error", extra={"view": view.__name__})
    return error_response(500, "internal_error", "Something went wrong on our side; it has been logged.")


def unauthorized() -> Exception:
    """What an authorizer raises for a missing or bad token: API Gateway answers 401 to a failure
    named "Unauthorized"; chalice local (tests, `make serve`) needs its own exception for that.
    Either way the body is the gateway's {"message": "Unauthorized"}, as the OpenAPI document says."""
    try:
        from chalice.local import NotAuthorizedError
    except ImportError:  # on Lambda only chalice's runtime module is packaged
        return Exception("Unauthorized")
    return NotAuthorizedError({"x-amzn-ErrorType": "UnauthorizedException"}, b'{"message":"Unauthorized"}')


@functools.cache
def openapi_document() -> dict:
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


@functools.cache
def _validator(path: str, method: str, where: str):
    """The compiled check of one operation's input as the document states it: its JSON body, or
    its query parameters as one object (unknown ones refused). Compiled on first use, once per
    container, so a cold start that needs no check neither imports fastjsonschema nor compiles."""
    import fastjsonschema

    document = openapi_document()
    operation = document["paths"][path][method]
    if where == "body":
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
    else:
        query = [p for p in operation["parameters"] if p["in"] == "query"]
        schema = {
            "type": "object",
            "properties": {p["name"]: p["schema"] for p in query},
            "required": [p["name"] for p in query if p.get("required")],
            "additionalProperties": False,
        }
    # The schemas' $refs ("#/components/...") resolve against this root.
    return fastjsonschema.compile({**schema, "components": document["components"]})


def _validate(path: str, method: str, where: str, value):
    from fastjsonschema import JsonSchemaValueException

    try:
        return _validator(path, method, where)(value)
    except JsonSchemaValueException as e:
        raise BadRequest(_message(e, where)) from None


def _message(e, where: str) -> str:
    # A failed anyOf / not says only "cannot be validated": the schema holding it says the rule in words.
    if e.rule in ("anyOf", "not") and "description" in e.definition:
        return e.definition["description"]
    return where + e.message.removeprefix("data")


def _from_text(text: str, schema: dict):
    """A query value as the type its schema declares, read from the text OpenAPI's form style writes."""
    if schema.get("type") == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if schema.get("type") == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def _query(path: str, params: dict | None) -> dict:
    """A GET route's query, checked against its parameters in the document (defaults filled in)."""
    schemas = {p["name"]: p["schema"] for p in openapi_document()["paths"][path]["get"]["parameters"]}
    values = {name: _from_text(text, schemas.get(name, {})) for name, text in (params or {}).items()}
    return _validate(path, "get", "query", values)


def _listing(query: dict) -> ListQuery:
    # "unknown" names the state triage queue: complaints no district could be told for.
    district = query.pop("district", None)
    return ListQuery(**query, district=None if district in (None, "unknown") else int(district),
                     unknown_district=district == "unknown")


def list_query(params: dict | None) -> ListQuery:
    """GET /complaints' query."""
    return _listing(_query("/complaints", params))


def page_list_query(params: dict | None) -> ListQuery:
    """GET /app/dashboard/complaints' query: the listing's filters, a page of 50."""
    return _listing(_query("/app/dashboard/complaints", params) | {"limit": 50})


def dashboard_query(params: dict | None) -> dict:
    """GET /app/dashboard's query: the column each table is sorted by."""
    return _query("/app/dashboard", params)


def export_query(params: dict | None) -> tuple[ListQuery, date, date]:
    """GET /complaints.csv's query: the listing's filters and the first and last IST day."""
    query = _query("/complaints.csv", params)
    try:
        start, end = date.fromisoformat(query.pop("from")), date.fromisoformat(query.pop("to"))
    except ValueError as e:
        raise BadRequest(f"query.from and query.to are days, YYYY-MM-DD: {e}") from None
    return _listing(query), start, end
def review_query(params: dict | None) -> dict:
    """GET /review's query: limit and cursor, checked against the document."""
    schemas = {p["name"]: p["schema"] for p in openapi_document()["paths"]["/review"]["get"]["parameters"]}
    values = {name: _from_text(text, schemas.get(name, {})) for name, text in (params or {}).items()}
    return _validate("/review", "get", "query", values)


def callback_query(params: dict | None) -> dict:
    """X's redirect to GET /x/callback: state with code, or with error (the owner declined)."""
    return _validate("/x/callback", "get", "query", dict(params or {}))


def _json_body(raw: bytes | None, path: str, method: str, what: str) -> dict:
    """A JSON body checked against the operation's schema in the document."""
    try:
        # Decoded as UTF-8 first: json.loads would take UTF-16 and UTF-32 bytes too, which JSON between
        # systems is not (RFC 8259, 8.1), and which the CSV import refuses.
        body = json.loads((raw or b"").decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body must be a JSON object") from None
    except RecursionError:  # json.loads recurses once per level: 10,000 nested arrays overflow it
        raise BadRequest(f"the body nests too deeply to be {what}") from None
    body = _validate(path, method, "body", body)
    for name, value in body.items():
        # JSON lets a string carry a lone surrogate ("\ud800"), which is not text: no store can encode it.
        if isinstance(value, str) and not _is_unicode(value):
            raise BadRequest(f"body.{name} is not Unicode text: it holds a lone surrogate")
    # JSON Schema counts 1.0 as an integer, and every number in these bodies is one.
    return {name: int(value) if isinstance(value, float) else value for name, value in body.items()}


def action_body(raw: bytes | None) -> dict:
    """The action request, checked against ActionRequest in the document."""
    return _json_body(raw, "/complaints/{ref}/actions", "post", "an action request")


def page_action(request: dict) -> dict:
    """An action from a page's form, checked against ActionRequest in the document like the API's."""
    return _validate("/complaints/{ref}/actions", "post", "body", request)


def new_handle(raw: bytes | None) -> dict:
    """A handle to add, checked against NewHandle in the document; its start time as a time."""
    from .services.handles import start_time

    body = _json_body(raw, "/handles", "post", "a handle")
    return body | {"start_at": start_time(body.get("start_at"))}


def handle_change(raw: bytes | None) -> dict:
    """The fields of a handle to change (HandleChange in the document)."""
    return _json_body(raw, "/handles/{handle}", "patch", "a change")


def import_dry_run(params: dict | None) -> bool:
    """POST /handles/import's query: dry_run=true writes nothing."""
    values = {name: _from_text(text, {"type": "boolean"}) for name, text in (params or {}).items()}
    return _validate("/handles/import", "post", "query", values).get("dry_run", False)


def csv_answer(text: str, next_cursor: str | None) -> Response:
    """A CSV export: downloaded as a file, with the next part's cursor when more remain."""
    headers = {"Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
               "Content-Disposition": 'attachment; filename="complaints.csv"'}
    if next_cursor:
        headers["X-Next-Cursor"] = next_cursor
    return Response(body=text, status_code=200, headers=headers)


def csv_text(raw: bytes | None) -> str:
    try:
        return (raw or b"").decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the CSV must be UTF-8 text (save it from the spreadsheet as CSV UTF-8)") from None


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
