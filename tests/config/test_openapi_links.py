"""OpenAPI links from create operations to read/change operations (issue 13 §3): each link names a
real operation, fills every path parameter it needs, and reads a field the create response has."""

from __future__ import annotations

import pytest

from tandem.config.api import LINKS, api


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema()


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


@pytest.mark.parametrize("source,method,target,parameters", LINKS, ids=[link[0] for link in LINKS])
def test_each_create_links_to_where_its_result_is_read(schema, source, method, target, parameters):
    create = schema["paths"][source]["post"]
    target_op = schema["paths"][target][method]
    created = next(r for s, r in create["responses"].items() if str(s) in ("201", "202"))
    link = created["links"][target_op["operationId"]]
    assert link["operationId"] == target_op["operationId"]
    target_params = {p["name"] for p in target_op.get("parameters", []) if p["in"] == "path"}
    assert set(link["parameters"]) == target_params  # every path parameter of the target is filled
    body = _resolve(schema, created["content"]["application/json"]["schema"])
    for expression in link["parameters"].values():
        field = expression.removeprefix("$response.body#/")
        assert field in body["properties"], f"{source} answers no {field!r}"


def test_an_import_jobs_errors_are_documented_as_rows_with_their_column_and_value(schema):
    # the job's errors are spreadsheet rows (row, column, value, message), not the {code, message}
    # of a refused request: two classes of the same name made the document say the latter
    errors = schema["components"]["schemas"]["ImportJobOut"]["properties"]["errors"]["items"]["$ref"]
    row = schema["components"]["schemas"][errors.rsplit("/", 1)[1]]
    assert set(row["properties"]) == {"row", "column", "value", "message"}
