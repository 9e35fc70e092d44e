"""Every main page passes the Content-Security-Policy (core/security.py) in a real browser.

Chromium reports each blocked inline script, handler or style on the console ("Refused to …
because it violates the following Content Security Policy directive"); a page that needed
'unsafe-inline' fails here. The demo organisation gives each role its real pages.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.matching.models import SelectionRound
from tandem.mentorships.models import Mentorship
from tandem.people.models import Person
from tandem.programs.models import MatchingMode, Program
from tandem.programs.services import program_create_from_template
from tandem.web.demo import DEMO_PASSWORD, seed_demo
from tests.factories import PersonFactory, UserFactory, actor_of
from tests.mentorships.conftest import active_pair, make_pair  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

CSP_WORDS = ("Content Security Policy", "Refused to")


def _watch(page, problems: list[str], where: dict[str, str]) -> None:
    def on_console(msg):
        if any(w in msg.text for w in CSP_WORDS):
            problems.append(f"{where['url']}: {msg.text[:300]}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"{where['url']}: script error: {exc}"))
    # Also the DOM's own report: the event fires for every violation, logged to the console or not.
    page.add_init_script("""
        document.addEventListener('securitypolicyviolation', function (e) {
          console.error('Refused to load (CSP event): ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline')
                        + ' at ' + e.sourceFile + ':' + e.lineNumber);
        });
    """)


def _visit_as(browser, live_server, username: str | None, urls: list[str], problems: list[str]) -> None:
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    where = {"url": ""}
    _watch(page, problems, where)
    if username:
        where["url"] = f"login as {username}"
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda u: "/accounts/login/" not in u)
    for url in urls:
        where["url"] = f"{username or 'anonymous'} {url}"
        response = page.goto(url)
        assert response is not None and response.status < 400, (username, url, response and response.status)
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), url
        assert url.startswith("/accounts/") or "/accounts/login/" not in page.url, (username, url, page.url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(150)  # deferred scripts (charts, htmx) have run
    context.close()


def test_the_main_pages_of_every_role_pass_the_content_security_policy(browser, live_server):
    # given: the demo organisation, with a program in each matching mode and pairs at every stage
    seed_demo(size=100)
    program = {mode: Program.objects.filter(matching_mode=mode).order_by("pk").first() for mode in MatchingMode.values}
    choose, bulk, cohort = program["choose"], program["bulk"], program["mutual_selection"]
    rnd = SelectionRound.objects.filter(program=cohort).order_by("-pk").first()
    pair = Mentorship.objects.get(mentor__user__username="mentor", mentee__user__username="mentee")
    mentee = Person.objects.get(user__username="mentee")
    pages = f"/mentorships/{pair.pk}/"
    problems: list[str] = []

    # when: each role opens its main pages
    _visit_as(browser, live_server, None, ["/accounts/login/", "/accounts/password-reset/"], problems)
    _visit_as(browser, live_server, "hr", [
        "/", "/people/", "/people/?q=a&page=2", f"/people/{mentee.employee_id}/", "/departments/", "/competencies/",
        "/programs/", f"/programs/{choose.pk}/", f"/programs/{choose.pk}/pairs/", "/imports/", "/audit/",
        "/account/tokens/", "/api/docs", "/admin/", "/admin/people/person/", f"/admin/people/person/{mentee.pk}/change/",
    ], problems)
    _visit_as(browser, live_server, "manager", [
        "/", "/programs/", "/programs/templates/", f"/programs/{bulk.pk}/", f"/programs/{bulk.pk}/timeline/",
        f"/programs/{bulk.pk}/eligibility/", f"/programs/{bulk.pk}/bulk/", f"/programs/{cohort.pk}/rounds/",
        f"/programs/{cohort.pk}/rounds/{rnd.pk}/", f"/programs/{choose.pk}/pairs/",
    ], problems)
    _visit_as(browser, live_server, "head", ["/", f"/programs/{cohort.pk}/rounds/{rnd.pk}/"], problems)
    _visit_as(browser, live_server, "mentor", [
        "/", f"/programs/{choose.pk}/requests/", "/mentorships/", pages, f"{pages}agreement/", f"{pages}plan/",
        f"{pages}plan/edit/",
    ], problems)
    _visit_as(browser, live_server, "mentee", [
        "/", f"/people/{mentee.employee_id}/", f"/people/{mentee.employee_id}/edit/",
        f"/programs/{choose.pk}/recommendations/", "/mentorships/", pages,
        f"{pages}agreement/", f"{pages}plan/", f"{pages}plan/versions/",
    ], problems)

    # then: not one violation (nor a script error) on any of them
    assert problems == []


def _sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)


def test_the_timeline_is_laid_out_by_the_static_script(page):
    # given: a program from a ready-made template, with its timeline (positions are data- attributes,
    # no style="…")
    owner = PersonFactory(user=UserFactory(username="pm", groups=["program_manager"]))
    program = program_create_from_template(template_code="graduate_cohort", name="Graduates",
                                           starts_on=timezone.localdate() - datetime.timedelta(days=30), owner=owner)
    _sign_in(page, "pm", "pw-123456")
    # when
    page.goto(f"/programs/{program.pk}/")
    # then: every phase bar has the left and width the server computed
    bars = page.eval_on_selector_all(
        ".tl-phase", "els => els.map(e => [e.dataset.left, e.style.left, e.dataset.width, e.style.width])")
    assert len(bars) == program.phases.count() >= 2
    assert all(style_left == f"{float(left):g}%" and style_width == f"{float(width):g}%"
               for left, style_left, width, style_width in bars), bars


@pytest.fixture
def pair(request):
    return request.getfixturevalue("active_pair")


def test_removing_a_goal_asks_first_and_cancelling_keeps_it(page, pair):
    # given: a mentor on the plan editor of their mentee, two goals drafted (the question is a
    # data-confirm attribute that tandem.js asks, no onclick handler)
    from tandem.mentorships import plan_services
    from tandem.mentorships.plan_models import Goal

    p = pair
    plan_services.needs_submit(mentorship=p.mentorship, actor=actor_of(p.mentee),
                               competencies=[p.competencies[0].code], topics=[], text="Lead the stand-up")
    due = timezone.localdate() + datetime.timedelta(days=30)
    plan_services.plan_draft_save(mentorship=p.mentorship, actor=actor_of(p.mentor), goals=[
        {"title": title, "competency": c.code, "target_level": 4, "milestones": [{"title": "First step", "due_on": due}]}
        for title, c in (("Run the stand-up", p.competencies[0]), ("Give feedback", p.competencies[1]))])
    goals = Goal.objects.filter(plan__mentorship=p.mentorship)
    before = goals.count()
    assert before == 2
    _sign_in(page, p.mentor.user.username, "pw-123456")
    page.goto(f"/mentorships/{p.mentorship.pk}/plan/edit/")
    questions: list[str] = []

    # when: they press "Remove goal" with the keyboard and answer "Cancel"
    page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    page.locator("button[data-confirm]", has_text="Remove goal").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    # then: they were asked, and nothing was removed
    assert questions == ["Remove this goal and its milestones?"]
    assert goals.count() == before

    # when: they answer "OK"
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.locator("button[data-confirm]", has_text="Remove goal").first.click()
    # then: the goal is gone
    assert goals.count() == before - 1
