"""The program report as a PDF (issue 12 §6): produced, with its figures and their n, in the
reader's language (Chinese glyphs embedded), nothing below the anonymity threshold, nothing fetched
from outside, and only HR and the program's manager may download it."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.utils import timezone

from tandem.insights import reports_pdf
from tandem.mentorships.log_models import Session, SessionStatus
from tandem.programs.models import Program
from tests.factories import PersonFactory, UserFactory

try:
    WEASYPRINT = reports_pdf.load_weasyprint()
except reports_pdf.PdfUnavailable as exc:  # pragma: no cover - depends on the machine
    pytest.skip(f"WeasyPrint cannot load here (pango missing? run scripts/ensure-pdf): {exc}",
                allow_module_level=True)
pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF's text (requirements-dev.txt)")


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_fonts(content: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    names = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            names.add(str(font.get_object().get("/BaseFont")))
    return names


def url(program) -> str:
    return f"/programs/{program.pk}/insights/report.pdf"


@pytest.fixture
def held_sessions(cohorts):
    """Three held sessions of 90 minutes and one missed one for the program's pair."""
    m = cohorts.pair.mentorship
    now = timezone.now()
    for k in range(3):
        Session.objects.create(mentorship=m, starts_at=now - datetime.timedelta(days=7 * (k + 1)),
                               duration_minutes=90, status=SessionStatus.HELD)
    Session.objects.create(mentorship=m, starts_at=now - datetime.timedelta(days=30), status=SessionStatus.MISSED)
    return m


def test_hr_downloads_the_program_report_with_its_figures_and_their_n(hr_client, cohorts, held_sessions):
    response = hr_client.get(url(cohorts.program))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Classic" in text
    assert "Figures below the anonymity threshold are not shown." in text
    assert timezone.localdate().strftime("%Y") in text  # the date of the figures
    # 40 participants ever enrolled; 3 sessions held, 4.5 hours, by one pair
    assert "40\nparticipants" in text or "40 participants" in text.replace("\n", " ")
    assert "sessions held (4.5 hours; n = 1 pairs)" in text.replace("\n", " ")
    # the comparison: retention 30/40 = 75 % against 20/40 = 50 %, each with its n
    flat = text.replace("\n", " ")
    assert "75.0 %" in flat and "50.0 %" in flat
    assert "n = 40" in flat
    # the ROI summary with the retention difference measured on the program
    assert "participants (n = 40) against non-participants (n = 40)" in flat


def test_the_report_holds_its_charts(hr_client, cohorts):
    """The comparison's interval charts are drawn (vector paths in the page's content stream)."""
    response = hr_client.get(url(cohorts.program))
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    stream = b"".join(page.get_contents().get_data() for page in reader.pages)
    # a filled circle of A's colour (#2f6fb0 = 0.184 0.435 0.690 in PDF's rg)
    assert b"0.184314 0.435294 0.690196" in stream or b".184314 .435294 .690196" in stream


def test_nothing_below_the_threshold_is_in_the_report(hr_client, cohorts):
    text = pdf_text(hr_client.get(url(cohorts.program)).content).replace("\n", " ")
    # "tiny": only 4 participants have it (threshold 5): its row names the rule, shows no figure
    tiny = text[text.index("tiny"):text.index("Proportions: Wilson")]
    assert "Fewer than 5 people: not shown" in tiny
    assert "%" not in tiny and "n =" not in tiny
    assert not re.search(r"n = 4\b", text)


def test_a_chinese_reader_gets_the_report_in_chinese_with_the_glyphs_embedded(client, cohorts):
    Program.objects.filter(pk=cohorts.program.pk).update(name="新员工导师计划")
    client.force_login(cohorts.pair.owner.user)
    response = client.get(url(cohorts.program), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "新员工导师计划" in text
    assert "“新员工导师计划”的参与者" in text  # the comparison's group label, translated
    assert any("WenQuanYi" in f for f in pdf_fonts(response.content)), pdf_fonts(response.content)


def test_a_russian_reader_gets_cyrillic_text(client, cohorts):
    Program.objects.filter(pk=cohorts.program.pk).update(name="Наставничество")
    client.force_login(cohorts.pair.owner.user)
    text = pdf_text(client.get(url(cohorts.program), HTTP_ACCEPT_LANGUAGE="ru").content)
    assert "Наставничество" in text


def test_the_api_answers_the_same_pdf(client, cohorts):
    client.force_login(cohorts.pair.owner.user)
    response = client.get(f"/api/programs/{cohorts.program.pk}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "Figures below the anonymity threshold are not shown." in pdf_text(response.content)


def test_the_renderer_fetches_nothing_from_outside(monkeypatch):
    calls = []
    monkeypatch.setattr("urllib.request.OpenerDirector.open", lambda *a, **k: calls.append(a) or None)
    pdf = reports_pdf.html_to_pdf('<p>x</p><img src="http://198.51.100.7/track.png">'
                                  '<link rel="stylesheet" href="https://198.51.100.7/s.css">'
                                  '<img src="file:///etc/hostname">')
    assert pdf.startswith(b"%PDF")
    assert calls == []
    fetcher = reports_pdf._fetcher_class(WEASYPRINT)()
    for refused in ("http://198.51.100.7/x", "https://198.51.100.7/x", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)


def test_a_program_without_outcomes_or_sessions_still_has_a_report(client, active_pair):
    client.force_login(active_pair.owner.user)
    response = client.get(url(active_pair.program))
    assert response.status_code == 200
    text = pdf_text(response.content).replace("\n", " ")
    assert "Neither group has outcome records yet." in text
    assert "sessions held (0 hours; n = 0 pairs)" in text or "sessions held (0.0 hours; n = 0 pairs)" in text


def test_the_program_pages_link_to_the_report(client, cohorts):
    client.force_login(cohorts.pair.owner.user)
    for page in (f"/programs/{cohorts.program.pk}/roi/", f"/programs/{cohorts.program.pk}/retention/"):
        assert url(cohorts.program) in client.get(page).content.decode(), page


# -- who may download it ---------------------------------------------------------------------

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "head", "mentor", "mentee", "other_pair",
         "colleague", "no_person", "pm_without_person"]
NOT_SEEING = {"head", "other_pair", "colleague", "no_person"}  # 404: they may not know the program exists


@pytest.mark.parametrize("role", ROLES)
def test_only_hr_and_the_programs_manager_download_the_report(client, active_pair, make_person, make_pair, role):
    p = active_pair
    people = {"hr": make_person(groups=["hr_admin"]), "owner": p.owner,
              "pm_owning_nothing": make_person(groups=["program_manager"]), "head": p.head,
              "mentor": p.mentor, "mentee": p.mentee, "other_pair": make_pair().mentee,
              "colleague": PersonFactory(user=UserFactory())}
    if role == "no_person":
        client.force_login(UserFactory())
    elif role == "pm_without_person":
        client.force_login(UserFactory(groups=["program_manager"]))
    elif role != "anonymous":
        client.force_login(people[role].user)
    for path, api in ((url(p.program), False), (f"/api/programs/{p.program.pk}/report.pdf", True)):
        response = client.get(path)
        if role == "anonymous":
            want = 401 if api else 302
        elif role in {"hr", "owner"}:
            want = 200
        else:
            want = 404 if role in NOT_SEEING else 403
        assert response.status_code == want, (role, path, response.status_code)
        if want != 200:
            assert not response.content.startswith(b"%PDF")


def test_someone_elses_program_id_is_refused_to_a_manager(client, active_pair, make_pair):
    other = make_pair()
    client.force_login(active_pair.owner.user)
    assert client.get(url(other.program)).status_code == 403
    assert client.get("/programs/999999/insights/report.pdf").status_code == 404
    assert client.get("/api/programs/2147483648/report.pdf").status_code in (404, 422)


# -- cadence kept ------------------------------------------------------------------------------


@pytest.fixture
def monthly_duty(active_pair):
    from tandem.mentorships.models import Mentorship
    from tandem.programs.models import CadenceDuty

    CadenceDuty.objects.create(program=active_pair.program, code="monthly", name="Monthly session", required=True,
                               period="monthly", requirement="session", concerns="pair")
    Mentorship.objects.filter(pk=active_pair.mentorship.pk).update(
        started_on=timezone.localdate() - datetime.timedelta(days=100))
    Session.objects.create(mentorship=active_pair.mentorship, status=SessionStatus.HELD,
                           starts_at=timezone.now() - datetime.timedelta(days=60))
    return active_pair


def test_cadence_kept_is_the_share_of_required_periods_done_with_its_n(client, monthly_duty, settings):
    settings.INSIGHTS_MIN_GROUP = 1
    client.force_login(monthly_duty.owner.user)
    text = pdf_text(client.get(url(monthly_duty.program)).content).replace("\n", " ")
    found = re.search(r"(\d+) of (\d+) required periods done; n = 1 active pairs", text)
    assert found, text[:1500]
    done, periods = int(found[1]), int(found[2])
    assert 1 <= done < periods  # one month had its session, the others went by without
    assert f"{done / periods * 100:.1f} %" in text


def test_cadence_of_fewer_pairs_than_the_threshold_is_not_shown(client, monthly_duty):
    client.force_login(monthly_duty.owner.user)
    text = pdf_text(client.get(url(monthly_duty.program)).content).replace("\n", " ")
    assert "fewer than 5 active pairs: not shown" in text
    assert "required periods done" not in text


def test_a_program_with_too_many_pairs_points_to_the_compliance_page(client, monthly_duty, settings, monkeypatch):
    from tandem.insights import reports_selectors

    settings.INSIGHTS_MIN_GROUP = 1
    monkeypatch.setattr(reports_selectors, "CADENCE_MAX_PAIRS", 0)
    client.force_login(monthly_duty.owner.user)
    text = pdf_text(client.get(url(monthly_duty.program)).content).replace("\n", " ")
    assert "1 active pairs: too many to evaluate for this report" in text
    assert "required periods done" not in text
