"""The Content-Security-Policy header on every response.

Pages load scripts and styles only from Tandem's own static files: no inline ``<script>``, no
``on…=`` handler attributes and no ``style="…"`` attributes (behaviour lives in
``web/static/tandem/tandem.js``, driven by ``data-`` attributes; data for scripts comes through
``json_script``, a non-executing ``<script type="application/json">``). An injected script or
style therefore does not run even if an escaping bug ever lets one into a page.
``tests/web/test_csp.py`` keeps templates free of inline code and ``tests/browser/test_csp.py``
visits the main pages in Chromium and fails on any violation it reports.

The policy can be replaced as a whole with the ``CONTENT_SECURITY_POLICY`` setting (a string).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"

DEFAULT_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # Chart.js and the Swagger UI draw small data: images
    "font-src 'self'",
    "connect-src 'self'",  # htmx requests and the API docs' "try it out" go to this origin only
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def policy() -> str:
    return getattr(settings, "CONTENT_SECURITY_POLICY", None) or DEFAULT_POLICY


class ContentSecurityPolicyMiddleware:
    """Adds the policy to each response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = self.policy
        return response
