"""The OpenAPI description served at /openapi.json stays true to the app's routes and answers."""

import pytest
from chalice.test import Client

from app import app


@pytest.fixture(scope="module")
def spec():
    with Client(app, stage_name="local") as client:
        return client.http.get("/openapi.json").json_body


def resolve(spec, schema):
    if "$ref" in schema:
        node = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return resolve(spec, node)
    return schema


def required_fields(spec, schema) -> set:
    schema = resolve(spec, schema)
    fields = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        fields |= required_fields(spec, part)
    return fields


def test_every_route_is_described_and_nothing_else(spec):
    routes = {(path, method.lower()) for path, methods in app.routes.items() for method in methods}
    described = {(path, method) for path, methods in spec["paths"].items() for method in methods}
    assert described == routes


def test_routes_behind_the_authorizer_are_marked_secured(spec):
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            secured = "security" in spec["paths"][path][method.lower()]
            assert secured == (entry.authorizer is not None), (path, method)
            if secured:
                assert "401" in spec["paths"][path][method.lower()]["responses"]


def test_the_action_request_schema_lists_exactly_the_fields_the_api_accepts(spec):
    from chalicelib.api import ACTION_FIELDS
    from chalicelib.domain.lifecycle import ACTIONS, REJECT_REASONS

    schema = spec["components"]["schemas"]["ActionRequest"]
    assert set(schema["properties"]) == set(ACTION_FIELDS)
    assert schema["properties"]["action"]["enum"] == list(ACTIONS)
    assert schema["properties"]["reason"]["enum"] == list(REJECT_REASONS)


def test_documented_enums_match_the_domain(spec):
    from chalicelib.domain.complaint import Status
    from chalicelib.domain.departments import DEPARTMENTS

    schemas = spec["components"]["schemas"]
    assert schemas["Department"]["enum"] == list(DEPARTMENTS)
    assert schemas["StatusCode"]["enum"] == [s.value for s in Status]


def test_real_answers_carry_every_documented_required_field(spec, stack, token):
    from chalicelib import runtime

    with Client(app, stage_name="local") as client:
        runtime.run_poll()
        admin = {"Authorization": f"Bearer {token('admin')}"}
        listing = client.http.get("/complaints?limit=3", headers=admin).json_body
        ok = spec["paths"]["/complaints"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert required_fields(spec, ok) <= set(listing)
        summary_fields = required_fields(spec, spec["components"]["schemas"]["ComplaintSummary"])
        assert all(summary_fields <= set(c) for c in listing["complaints"])
        one = client.http.get(f"/complaints/{listing['complaints'][0]['ref']}", headers=admin).json_body
        assert required_fields(spec, spec["components"]["schemas"]["Complaint"]) <= set(one)
        status = client.http.get("/status", headers=admin).json_body
        assert required_fields(spec, spec["components"]["schemas"]["Status"]) <= set(status)
        error = client.http.get("/complaints/UP-XXX-26-000001", headers=admin).json_body
        assert required_fields(spec, spec["components"]["schemas"]["Error"]) == set(error)
