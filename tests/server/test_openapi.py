"""The OpenAPI document matches the routes the server has and the bodies it returns."""

from __future__ import annotations

import re

import jsonschema
import pytest

from display_server.app import create_app


@pytest.fixture
def app(config):
    return create_app(config)


def _flask_paths(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            out.add((path, method.lower()))
    return out


def test_every_route_is_documented_and_every_documented_route_exists(app) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert documented == _flask_paths(app)


def test_document_is_valid_openapi_shape(app) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', str(doc).replace("'", '"'))
    assert refs and all(r in doc["components"]["schemas"] for r in refs)
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["responses"], (path, method)


def _validator(doc: dict, name: str):
    schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_real_responses_match_their_schemas(api) -> None:
    doc = api.get("/openapi.json").json()

    def check(name: str, body) -> None:
        errors = list(_validator(doc, name).iter_errors(body))
        assert not errors, f"{name}: {errors[0].message}"

    check("Health", api.get("/health").json())
    check("AdminDashboard", api.get("/admin/dashboard", as_="admin").json())
    for s in api.get("/services").json():
        check("Service", s)
    t = api.issue("ho-tich")
    check("Ticket", t)
    check("Ticket", api.get(f"/tickets/{t['id']}").json())
    called = api.act("quay-1", "call-next").json()
    check("TicketReply", called)
    check("TicketReply", api.act("quay-1", "recall").json())
    check("Rating", api.rate("quay-1", "satisfied").json())
    check("TicketReply", api.act("quay-1", "finish").json())
    check("TicketReply", api.act("quay-1", "call-next").json())
    check("Display", api.get("/display").json())
    check("CounterView", api.get("/counters/quay-1", as_="an").json())
    check("Error", api.act("quay-1", "finish").json())
    check("Error", api.post("/tickets", as_="kiosk", json={}).json())
    login = api.http.post(api.server.api("/auth/login"),
                          json={"username": "admin", "password": "matkhau-123"}, timeout=5).json()
    check("Login", login)


def test_request_bodies_documented_as_validated(app) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    issue = doc["components"]["schemas"]["IssueBody"]
    assert issue["required"] == ["service_id"]
    rating = doc["components"]["schemas"]["RatingBody"]
    assert set(rating["required"]) == {"rating_id", "counter_id", "level", "pressed_at"}
