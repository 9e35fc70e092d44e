"""Dates follow the reader's language and locale: a London browser (en-GB) reads 21/10/2026, an
American one 10/21/2026; Russian dates do not end in a doubled full stop."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from tandem.mentorships.models import Mentorship
from tandem.programs.models import CadenceDuty
from tests.mentorships.conftest import active_pair, make_pair  # noqa: F401  (fixtures)


def _render(lang: str, source: str, **ctx) -> str:
    with translation.override(lang):
        return Template("{% load i18n %}" + source).render(Context(ctx))


@pytest.mark.parametrize(("lang", "short", "long"), [
    ("en", "10/21/2026", "Oct. 21, 2026"),
    ("en-gb", "21/10/2026", "21 Oct 2026"),
    ("ru", "21.10.2026", "21 октября 2026"),
])
def test_one_date_reads_in_each_locale(lang, short, long):
    d = datetime.date(2026, 10, 21)
    assert _render(lang, '{{ d|date:"SHORT_DATE_FORMAT" }}', d=d) == short
    assert _render(lang, '{{ d|date:"DATE_FORMAT" }}', d=d) == long


def test_a_russian_sentence_that_ends_in_a_date_has_one_full_stop():
    d = datetime.datetime(2026, 10, 21, 9, 5)
    out = _render("ru", '{{ d|date:"DATETIME_FORMAT" }}.', d=d)
    assert out == "21 октября 2026, 9:05." and "г.." not in out


def test_british_times_use_the_24_hour_clock():
    d = datetime.datetime(2026, 10, 21, 21, 5)
    assert _render("en-gb", '{{ d|date:"DATETIME_FORMAT" }}', d=d) == "21 Oct 2026, 21:05"


@pytest.mark.django_db
def test_a_london_browser_gets_british_dates_on_the_duties_page(client, active_pair):
    # given a pair with a monthly duty, read by the mentee whose browser asks for en-GB
    p = active_pair
    Mentorship.objects.filter(pk=p.mentorship.pk).update(started_on=datetime.date(2026, 9, 15))
    CadenceDuty.objects.create(program=p.program, code="monthly", name="Monthly session", period="monthly",
                               requirement="session", required=True)
    client.force_login(p.mentee.user)
    html = client.get(f"/mentorships/{p.mentorship.pk}/duties/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").content.decode()
    assert '<html lang="en-gb">' in html
    assert "15/09/2026" in html and "09/15/2026" not in html
    # and the same page for an American browser
    html = client.get(f"/mentorships/{p.mentorship.pk}/duties/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.8").content.decode()
    assert "09/15/2026" in html
