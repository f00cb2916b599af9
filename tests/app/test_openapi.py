"""The OpenAPI description served at /openapi.json: true to the app's routes and answers, and the
validator of its requests (what it allows passes, what it refuses is a 400)."""

import json

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


def test_the_document_is_valid_openapi_3_1(spec):
    from openapi_spec_validator import validate

    assert spec["openapi"].startswith("3.1.")
    validate(spec)


def test_the_action_request_carries_exactly_the_fields_the_domain_takes(spec):
    from dataclasses import fields

    from chalicelib.domain.lifecycle import ACTIONS, MAX_NOTE, REJECT_REASONS, Action

    schema = spec["components"]["schemas"]["ActionRequest"]
    # runtime.act: "action" is the Action's name, the actor is the token's subject, "version" goes beside it.
    taken = {f.name for f in fields(Action)} - {"name", "actor"} | {"action", "version"}
    assert set(schema["properties"]) == taken and schema["additionalProperties"] is False
    assert schema["properties"]["action"]["enum"] == list(ACTIONS)
    assert schema["properties"]["reason"]["enum"] == list(REJECT_REASONS)
    assert schema["properties"]["note"]["maxLength"] == MAX_NOTE


def test_documented_enums_match_the_domain(spec):
    from chalicelib.domain.complaint import Status
    from chalicelib.domain.departments import DEPARTMENTS
    from chalicelib.domain.districts import DISTRICTS

    schemas = spec["components"]["schemas"]
    assert schemas["Department"]["enum"] == list(DEPARTMENTS)
    assert schemas["StatusCode"]["enum"] == [s.value for s in Status]
    assert schemas["District"]["enum"] == sorted(DISTRICTS)
    [district] = [p for p in spec["paths"]["/complaints"]["get"]["parameters"] if p["name"] == "district"]
    assert district["schema"]["enum"] == ["unknown", *map(str, sorted(DISTRICTS))]


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
        bad = client.http.get("/complaints?district=0162", headers=admin).json_body
        assert required_fields(spec, spec["components"]["schemas"]["Error"]) == set(bad)
        for headers in ({}, {"Authorization": "Bearer nonsense"}):
            refused = client.http.get("/status", headers=headers)
            assert refused.status_code == 401
            assert required_fields(spec, spec["components"]["schemas"]["GatewayError"]) == set(refused.json_body)


# --- the document is the validator -----------------------------------------------------------

def second_opinion(spec, schema):
    """The same schema under jsonschema's Draft 2020-12, the dialect OpenAPI 3.1 declares: the
    desk's validator (fastjsonschema) must read the document as any other tool would."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator({**schema, "components": spec["components"]})


ACTION_BODIES = [
    ({"action": "acknowledge"}, True),
    ({"action": "reject", "reason": "duplicate", "note": "same as UP-LKO-26-000001"}, True),
    ({"action": "transfer", "to_district": 144}, True),
    ({"action": "transfer", "to_department": "water", "version": 4}, True),
    ({"action": "transfer", "to_district": 144, "to_department": "water"}, True),
    ({"action": "start", "note": "x" * 2000}, True),
    ({"action": "start", "version": 2.0}, True),
    ({"action": "review", "outcome": "complaint", "to_district": 162, "to_department": "police", "urgent": True}, True),
    ({"action": "review", "outcome": "outside_jurisdiction", "channel": "railways", "version": 1}, True),
    ({"action": "review", "outcome": "not_actionable", "note": "a cricket score"}, True),
    ({"action": "urgency", "urgent": False}, True),
    ({"action": "review"}, False),
    ({"action": "review", "outcome": "needs_review"}, False),
    ({"action": "review", "outcome": "outside_jurisdiction", "channel": "Rail Madad!"}, False),
    ({"action": "urgency"}, False),
    ({"action": "urgency", "urgent": "yes"}, False),
    ({"action": "acknowledge", "urgent": True}, False),
    ({"action": "transfer", "to_district": 144, "outcome": "complaint"}, False),
    ({"action": "start", "channel": "railways"}, False),
    ({"action": "start", "reason": "duplicate"}, False),
    ({"action": "reject"}, False),
    ({"action": "reject", "reason": "lazy"}, False),
    ({"action": "transfer"}, False),
    ({"action": "transfer", "note": "somewhere"}, False),
    ({"action": "close", "to_district": 144}, False),
    ({"action": "transfer", "to_district": 9999}, False),
    ({"action": "transfer", "to_district": "144"}, False),
    ({"action": "start", "note": "x" * 2001}, False),
    ({"action": "start", "version": 0}, False),
    ({"action": "start", "version": True}, False),
    ({"action": "start", "version": 1.5}, False),
    ({"action": "start", "note": None}, False),
    ({"action": "start", "priority": "high"}, False),
    ({"note": "no action"}, False),
    ({"action": "fly"}, False),
    (["start"], False),
]


@pytest.mark.parametrize("body, valid", ACTION_BODIES, ids=lambda v: None if isinstance(v, bool) else str(v)[:60])
def test_the_api_takes_exactly_the_action_bodies_the_document_allows(spec, body, valid):
    from chalicelib import api
    from chalicelib.errors import BadRequest

    schema = spec["paths"]["/complaints/{ref}/actions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert second_opinion(spec, schema).is_valid(body) == valid
    if valid:
        assert api.action_body(json.dumps(body).encode()) == body
    else:
        with pytest.raises(BadRequest):
            api.action_body(json.dumps(body).encode())


LIST_QUERIES = [
    ({}, True),
    ({"district": "162", "department": "police", "status": "new", "urgent": "false", "limit": "100", "cursor": "x"}, True),
    ({"district": "unknown"}, True),
    ({"limit": "1"}, True),
    ({"district": ""}, False),
    ({"district": "0162"}, False),
    ({"district": "999"}, False),
    ({"department": ""}, False),
    ({"cursor": ""}, False),
    ({"urgent": "yes"}, False),
    ({"urgent": "1"}, False),
    ({"limit": "0"}, False),
    ({"limit": "101"}, False),
    ({"limit": "025"}, False),
    ({"limit": "2.0"}, False),
    ({"limit": "²"}, False),
    ({"colour": "red"}, False),
]


@pytest.mark.parametrize("query, valid", LIST_QUERIES, ids=lambda v: None if isinstance(v, bool) else str(v)[:60])
def test_the_api_takes_exactly_the_listing_queries_the_document_allows(query, valid):
    from chalicelib import api
    from chalicelib.errors import BadRequest

    if valid:
        listing = api.list_query(query)
        district = query.get("district")
        assert listing.limit == int(query.get("limit", 25)) and listing.unknown_district == (district == "unknown")
        assert listing.district == (int(district) if district and district != "unknown" else None)
    else:
        with pytest.raises(BadRequest):
            api.list_query(query)


@pytest.mark.parametrize("query, valid", [({}, True), ({"limit": "100", "cursor": "x"}, True), ({"limit": "0"}, False),
                                          ({"status": "new"}, False), ({"cursor": ""}, False)])
def test_the_review_queue_takes_only_a_page_size_and_a_cursor(query, valid):
    from chalicelib import api
    from chalicelib.errors import BadRequest

    if valid:
        assert api.review_query(query) == {"limit": int(query.get("limit", 25)), **({"cursor": "x"} if "cursor" in query else {})}
    else:
        with pytest.raises(BadRequest):
            api.review_query(query)


def test_the_documents_examples_are_valid(spec):
    from chalicelib import api

    schemas = spec["components"]["schemas"]
    for example in schemas["ActionRequest"]["examples"]:
        assert api.action_body(json.dumps(example).encode()) == example
    responses = [*spec["components"]["responses"].values()]
    responses += [r for path in spec["paths"].values() for op in path.values() for r in op["responses"].values()]
    examples = [r["content"]["application/json"] for r in responses if "example" in r.get("content", {}).get("application/json", {})]
    assert len(examples) >= 2
    for answer in examples:
        assert second_opinion(spec, answer["schema"]).is_valid(answer["example"]), answer
