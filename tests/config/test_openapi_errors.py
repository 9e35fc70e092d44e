"""Every operation documents the error answers it can give (a schema-driven client, and
schemathesis's status-code check, find them in the document), each with the one error shape."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def schema():
    from tandem.config.api import api

    return api.get_openapi_schema()


def test_every_operation_documents_its_error_answers(schema):
    ops = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()
           if isinstance(op, dict) and "responses" in op]
    assert len(ops) > 100
    for path, method, op in ops:
        codes = {str(c) for c in op["responses"]}
        assert {"400", "401", "403", "404", "422"} <= codes, (method, path, codes)
        if method in ("post", "put", "patch", "delete"):
            assert {"409", "413"} <= codes, (method, path, codes)


def test_the_error_shape_is_the_one_the_api_answers_with(schema, client):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message"}
    body = client.get("/api/me").json()  # not signed in: a 401 in that shape
    assert set(error["required"]) <= set(body) and body["code"] == "not_authenticated"


def test_no_two_api_schemas_share_a_name(schema):
    """The OpenAPI components are keyed by class name: two ``ReviewOut`` classes (GRAI and
    competency reviews) overwrote each other and one endpoint's documented answer was the other's."""
    from collections import defaultdict

    from ninja import Schema

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    modules = defaultdict(set)
    for cls in walk(Schema):
        if cls.__module__.startswith("tandem."):
            modules[cls.__name__].add(cls.__module__)
    shared = {name: sorted(mods) for name, mods in modules.items() if len(mods) > 1}
    assert not shared, shared
