"""The REST API root: one NinjaAPI that mounts every app's router, and the error mapping."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.signals import got_request_exception
from django.db import DataError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from tandem.accounts.auth import bearer_authenticate
from tandem.core import api_errors
from tandem.core.errors import ApplicationError, NotFound
from tandem.core.schemas import JsonObjectParser

logger = logging.getLogger("tandem.api")


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        # Expired, revoked and read-only-on-write tokens are refused there (accounts/auth.py).
        return bearer_authenticate(request, token)


#: OpenAPI links from a create operation to where its result is read or changed (issue 13 §3): a
#: schema-driven client follows the ``id`` of ``POST /imports`` to ``GET /imports/{job_id}``.
#: (create path, target method, target path, {target parameter: runtime expression})
LINKS: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("/api/imports", "get", "/api/imports/{job_id}", {"job_id": "$response.body#/id"}),
    ("/api/programs", "get", "/api/programs/{program_id}", {"program_id": "$response.body#/id"}),
    ("/api/programs/from-template", "get", "/api/programs/{program_id}", {"program_id": "$response.body#/id"}),
    ("/api/tokens", "delete", "/api/tokens/{token_id}", {"token_id": "$response.body#/id"}),
    ("/api/programs/{program_id}/mentorship-requests", "get", "/api/mentorships/{mentorship_id}",
     {"mentorship_id": "$response.body#/id"}),
    ("/api/mentorships/{mentorship_id}/sessions", "patch", "/api/sessions/{session_id}",
     {"session_id": "$response.body#/id"}),
    ("/api/mentorships/{mentorship_id}/action-items", "patch", "/api/action-items/{item_id}",
     {"item_id": "$response.body#/id"}),
    ("/api/programs/{program_id}/rounds", "get", "/api/rounds/{round_id}", {"round_id": "$response.body#/id"}),
)


#: Every error answer has this shape (``core.errors.ApplicationError.as_dict`` and the handlers
#: below): a stable ``code``, a translated ``message`` and, for bad input, the fields at fault.
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "Stable error code, e.g. validation_failed, not_found"},
        "message": {"type": "string", "description": "In the reader's language"},
        "errors": {"description": "The fields at fault (a list of {field, message}, or {field: [messages]})",
                   "anyOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}]},
    },
    "additionalProperties": True,
}
#: What any operation may answer besides its own success codes: bad input (400, 422), no or a bad
#: token (401), not allowed (403), no such object or not visible to the caller (404); writes also a
#: conflict with the current state (409) and a body too large (413).
ERROR_STATUSES = {
    "400": "Bad input (a value out of range, characters the server refuses)",
    "401": "Not signed in, or the token is missing, expired or revoked",
    "403": "Signed in, but not allowed to do this",
    "404": "No such object, or not one the caller may see",
    "422": "The request does not match the schema (the errors list the fields)",
}
WRITE_ERROR_STATUSES = {
    "409": "Conflicts with the current state (e.g. already done, no free slot)",
    "413": "The request is too large",
}


#: The input guard (``core.middleware.InputGuardMiddleware``) refuses a NUL byte in any path, query
#: string, form field or JSON string with a 400: each string an operation takes says so in the
#: document, so that a schema-driven client's valid request is accepted (issue 13). That includes
#: the names and values of fields an input does not know (ignored, but read by the guard).
NO_NUL_PATTERN = "^[^\\x00]*$"
NO_NUL_VALUE = "AnyValueWithoutNul"
_NO_NUL_VALUE_SCHEMA = {
    "description": "Any JSON value whose strings and keys hold no NUL byte",
    "anyOf": [
        {"type": ["null", "boolean", "number"]},
        {"type": "string", "pattern": NO_NUL_PATTERN},
        {"type": "array", "items": {"$ref": f"#/components/schemas/{NO_NUL_VALUE}"}},
        {"type": "object", "propertyNames": {"pattern": NO_NUL_PATTERN},
         "additionalProperties": {"$ref": f"#/components/schemas/{NO_NUL_VALUE}"}},
    ],
}
_NOT_TEXT_FORMATS = {"binary", "byte", "date", "date-time", "time", "email", "uri", "uuid"}


def _state_no_nul(node, components, seen):
    """Give every string schema reachable from ``node`` (an input's schema) the NUL-free pattern,
    unless it already has a pattern, a format or a closed set of values."""
    if isinstance(node, list):
        for item in node:
            _state_no_nul(item, components, seen)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen and name in components:
            seen.add(name)
            _state_no_nul(components[name], components, seen)
        return
    types = node.get("type")
    if types == "object":
        # Unknown fields are ignored, but the guard reads their names and values too.
        node.setdefault("propertyNames", {"pattern": NO_NUL_PATTERN})
        if node.get("additionalProperties", True) is True:
            node["additionalProperties"] = {"$ref": f"#/components/schemas/{NO_NUL_VALUE}"}
    is_string = types == "string" or (isinstance(types, list) and "string" in types)
    if (is_string and "pattern" not in node and node.get("format") not in _NOT_TEXT_FORMATS
            and "enum" not in node and "const" not in node):
        node["pattern"] = NO_NUL_PATTERN
    for key, value in node.items():
        if key in ("properties", "patternProperties", "$defs"):
            for sub in value.values():
                _state_no_nul(sub, components, seen)
        elif key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf", "not", "prefixItems"):
            _state_no_nul(value, components, seen)


FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _no_null_in_forms(body: dict) -> None:
    """A form field has no ``null``: an optional one (``mapping_id: Form[int | None] = None``) is
    left out. Its ``anyOf [X, null]`` becomes X, so that no client sends the text ``null`` for it
    (issue 13: a form ``mapping_id`` of null was valid by the document and a 422)."""
    for name, prop in body.get("properties", {}).items():
        branches = prop.get("anyOf")
        if not isinstance(branches, list) or {"type": "null"} not in branches:
            continue
        kept = [branch for branch in branches if branch != {"type": "null"}]
        rest = {k: v for k, v in prop.items() if k != "anyOf" and not (k == "default" and v is None)}
        body["properties"][name] = {**rest, **kept[0]} if len(kept) == 1 else {**rest, "anyOf": kept}


class TandemAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """ninja's, with each error's input kept aside (ninja drops it; it is never sent back): a text
        refused by a pattern is explained by what is wrong with it (``core.api_errors``)."""
        inputs = [e.get("input") for context in error_contexts
                  for e in context.pydantic_validation_error.errors(include_url=False)]
        exc = super().validation_error_from_error_contexts(error_contexts)
        for error, value in zip(exc.errors, inputs, strict=False):
            error["_input"] = value
        return exc

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        paths = schema["paths"]
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        seen: set[str] = set()
        for operations in paths.values():
            for op in operations.values():
                if not isinstance(op, dict):
                    continue
                for parameter in op.get("parameters", []):
                    _state_no_nul(parameter.get("schema"), components, seen)
                for content_type, media in op.get("requestBody", {}).get("content", {}).items():
                    body = media.get("schema", {})
                    if content_type == "application/json" and "anyOf" in body:
                        # An optional body (``payload: X | None = None``) is left out, never sent as
                        # ``null``: the parser refuses anything but an object (JsonObjectParser).
                        kept = [branch for branch in body["anyOf"] if branch != {"type": "null"}]
                        media["schema"] = body = kept[0] if len(kept) == 1 else {**body, "anyOf": kept}
                    if content_type in FORM_CONTENT_TYPES:
                        _no_null_in_forms(body)
                    _state_no_nul(body, components, seen)
        components[NO_NUL_VALUE] = _NO_NUL_VALUE_SCHEMA
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in paths.values():
            for method, op in operations.items():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                statuses = dict(ERROR_STATUSES)
                if method in ("post", "put", "patch", "delete"):
                    statuses.update(WRITE_ERROR_STATUSES)
                for status, description in statuses.items():
                    if status not in op["responses"] and int(status) not in op["responses"]:
                        op["responses"][status] = {"description": description, "content": error}
        for source, method, target, parameters in LINKS:
            create = paths.get(source, {}).get("post")
            target_op = paths.get(target, {}).get(method)
            if not create or not target_op:
                continue  # a route renamed: tests/config/test_openapi_links.py says which
            for status in ("201", "202", 201, 202):
                if status in create.get("responses", {}):
                    links = create["responses"][status].setdefault("links", {})
                    links[target_op["operationId"]] = {"operationId": target_op["operationId"],
                                                       "parameters": parameters}
        return schema


api = TandemAPI(
    title="Tandem API",
    version="1",
    description="Mentoring programs: people, competencies, imports, programs and matching. "
    "Authenticate with a personal token: `Authorization: Bearer tdm_…` (create one in the account menu under your name → API tokens, at /account/tokens/).",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    parser=JsonObjectParser(),  # a body is a JSON object: `[null, null]` is not an empty ROI input
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError):
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", []) if p not in ("body", "query", "path", "payload")),
         "message": api_errors.message(e)}
        for e in exc.errors
    ]
    return api.create_response(
        request, {"code": "validation_failed", "message": _("Invalid input."), "errors": errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"code": "not_authenticated", "message": _("Sign in or send a valid Bearer token.")}, status=401
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"code": "error", "message": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, NotFound().as_dict(), status=404)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception):
    """Anything unexpected: logged with its traceback, answered in the API's format, no details."""
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        return api.create_response(
            request, {"code": "too_large", "message": str(_("The request is too large."))}, status=413
        )
    if isinstance(exc, (DataError, OverflowError)):  # a value the database cannot hold: input, not our fault
        logger.warning("database refused input on %s: %s", request.path, exc)
        return api.create_response(
            request, {"code": "invalid_value", "message": str(_("A value is out of the range the server accepts."))},
            status=400,
        )
    logger.error("API error on %s", request.path, exc_info=exc)
    # as Django's own handler does: error reporting (and the test client, which re-raises) hears of it
    got_request_exception.send(sender=None, request=request)
    return api.create_response(request, {"code": "server_error", "message": str(
        _("Something went wrong on our side. Please try again later."))}, status=500)


from tandem.accounts.api import router as accounts_router  # noqa: E402
from tandem.assessments.api import router as assessments_router  # noqa: E402
from tandem.calendars.api import router as calendars_router  # noqa: E402
from tandem.coaching.api import router as coaching_router  # noqa: E402
from tandem.insights.api import router as insights_router  # noqa: E402
from tandem.assessments.grai_api import router as grai_router  # noqa: E402
from tandem.assessments.review_api import router as reviews_router  # noqa: E402
from tandem.assessments.survey_api import router as surveys_router  # noqa: E402
from tandem.insights.retention_api import router as retention_router  # noqa: E402
from tandem.insights.inputs_api import router as inputs_router  # noqa: E402
from tandem.insights.departments_api import router as departments_router  # noqa: E402
from tandem.insights.reports_api import router as reports_router  # noqa: E402
from tandem.mentorships.duty_api import router as duties_router  # noqa: E402
from tandem.mentorships.library_api import router as library_router  # noqa: E402
from tandem.audit.api import router as audit_router  # noqa: E402
from tandem.matching.api.bulk import router as bulk_router  # noqa: E402
from tandem.matching.api.choose import router as choose_router  # noqa: E402
from tandem.matching.api.rounds import router as rounds_router  # noqa: E402
from tandem.mentorships.api import router as mentorships_router  # noqa: E402
from tandem.mentorships.plan_api import router as plans_router  # noqa: E402
from tandem.mentorships.log_api import router as log_router  # noqa: E402
from tandem.notifications.api import router as notifications_router  # noqa: E402
from tandem.people.api import router as people_router  # noqa: E402
from tandem.people.api_import import router as import_router  # noqa: E402
from tandem.programs.api import router as programs_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/", people_router)
api.add_router("/", import_router)
api.add_router("/", programs_router)
api.add_router("/", choose_router)
api.add_router("/", mentorships_router)
api.add_router("/", plans_router)
api.add_router("/", log_router)
api.add_router("/", bulk_router)
api.add_router("/", rounds_router)
api.add_router("/", audit_router)
api.add_router("/", notifications_router)
api.add_router("/", library_router)
api.add_router("/", duties_router)
api.add_router("/", calendars_router)
api.add_router("/", coaching_router)
api.add_router("/", assessments_router)
api.add_router("/", insights_router)
api.add_router("/", grai_router)
api.add_router("/", reviews_router)
api.add_router("/", surveys_router)
api.add_router("/", retention_router)
api.add_router("/", inputs_router)
api.add_router("/", departments_router)
api.add_router("/", reports_router)
