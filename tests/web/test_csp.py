"""Content-Security-Policy: the header on every response, and templates with no inline code it would block.

The browser test (tests/browser/test_csp.py) visits the pages; this one is fast and catches a new
template's ``onclick=`` or ``style=`` before anyone opens it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tandem.core.security import DEFAULT_POLICY, HEADER

SRC = Path(__file__).resolve().parents[2] / "src" / "tandem"
# Pages only: an HTML e-mail (a name ending _body.html, or under an email/ folder) is read by a mail
# client, where the header does not apply and inline styles are the norm.
# e-mails and the PDF reports (insights/templates/insights/reports/: laid out for WeasyPrint, never
# served to a browser, so no Content-Security-Policy applies) carry their own styles
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "templates" in p.parts
                   and not p.name.endswith("_body.html") and "email" not in p.parts
                   and not ("insights" in p.parts and "reports" in p.parts))

# <script …> without src=, unless it is data (json_script writes type="application/json")
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER_ATTR = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.I | re.S)
STYLE_ATTR = re.compile(r"<[a-z][^>]*?\sstyle\s*=", re.I | re.S)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
JS_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def _violations(text: str) -> list[str]:
    found = []
    for name, pattern in [("inline <script>", INLINE_SCRIPT), ("on…= handler", HANDLER_ATTR),
                          ("style= attribute", STYLE_ATTR), ("<style> element", STYLE_ELEMENT),
                          ("javascript: URL", JS_URL)]:
        for m in pattern.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            found.append(f"line {line}: {name}: {m.group(0)[:80]!r}")
    return found


def test_the_checker_spots_each_kind_of_inline_code():
    assert _violations('<select name="x" onchange="this.form.submit()">')
    assert _violations('<button class="danger"\n  onclick="return confirm(1)">')
    assert _violations('<span style="width: 3%"></span>')
    assert _violations("<script>alert(1)</script>")
    assert _violations("<style>p{}</style>")
    assert _violations('<a href="javascript:void(0)">')
    assert not _violations('<script id="d" type="application/json">{}</script>')
    assert not _violations("<script src=\"{% static 'tandem/tandem.js' %}\" defer></script>")
    assert not _violations('<p class="muted">The style of mentoring; onboarding=done</p>')


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_templates_have_no_inline_script_or_style(path):
    # Behaviour goes in web/static/tandem/tandem.js (data-confirm, data-autosubmit, data-left …),
    # looks in CSS classes (tandem.css), data for scripts through json_script.
    assert _violations(path.read_text(encoding="utf-8")) == []


def test_every_template_was_found():
    assert len(TEMPLATES) > 40 and any(p.name == "base.html" for p in TEMPLATES)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/api/people", "/no-such-page/", "/api/no-such-route", "/static/tandem/tandem.css"])
def test_every_response_carries_the_policy(client, url):
    response = client.get(url)
    policy = response[HEADER]
    assert policy == DEFAULT_POLICY
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


@pytest.mark.django_db
def test_signed_in_pages_carry_the_policy(hr_client):
    for url in ["/", "/people/", "/programs/"]:
        response = hr_client.get(url)
        assert response.status_code == 200 and response[HEADER] == DEFAULT_POLICY


@pytest.mark.django_db
def test_the_base_page_loads_behaviour_from_static_files_and_keeps_htmx_from_inlining_styles(client):
    html = client.get("/accounts/login/").content.decode()
    assert "tandem/tandem.js" in html
    assert '"includeIndicatorStyles": false' in html
