"""Flags and suggestions of inputs versus outputs: which fire on the hand-computed world, never below
the threshold, and an edited rule changes them."""

from __future__ import annotations

import pytest
from django.utils import translation

from tandem.core.errors import Forbidden, ValidationFailed
from tandem.insights import inputs, inputs_rules
from tandem.insights import inputs_selectors as sel
from tandem.insights.inputs import GroupSums, Sums
from tandem.insights.inputs_models import SuggestionRule
from tandem.mentorships.models import Mentorship
from tests.factories import actor_of
from tests.insights import inputs_world
from tests.insights.inputs_world import FROM, TO

world = inputs_world.world  # the fixture


def flags(person, by="department", **kw):
    r = sel.inputs_outputs(actor=actor_of(person), by=by, start=FROM, end=TO, **kw)
    return {(f.group, f.rule): f for f in r.flags}


def test_the_default_rules_fire_where_the_figures_say(world, hr_person):
    got = flags(hr_person)
    assert set(got) == {("Sales", "low-gain-despite-hours"), ("Sales", "satisfaction-below-others"),
                        ("Sales", "few-resources-low-gain"), ("Ops", "irregular-cadence")}


def test_a_flag_carries_its_evidence_with_n_and_interval(world, hr_person):
    got = flags(hr_person)
    sat = got[("Sales", "satisfaction-below-others")]
    assert len(sat.evidence) == 1
    text = sat.evidence[0]
    assert "Satisfaction in Sales is 2.40 below the rest" in text
    assert "2.20 against 4.60" in text and "n = 5 against 10" in text and "95 % CI of the difference" in text
    gain = got[("Sales", "low-gain-despite-hours")]
    assert len(gain.evidence) == 2
    assert gain.evidence[0].startswith("Mentoring hours per month in Sales is 1.00 (n = 5, 95 % CI")
    assert "Competency gain in Sales is 0.20 (n = 5" in gain.evidence[1] and "below 0.30" in gain.evidence[1]
    assert "case practice" in gain.suggestion


def test_no_flag_fires_on_a_group_below_the_threshold(world, hr_person, settings):
    settings.INSIGHTS_MIN_GROUP = 6  # every department has 5 pairs or fewer
    r = sel.inputs_outputs(actor=actor_of(hr_person), by="department", start=FROM, end=TO)
    assert r.groups == [] and r.flags == []
    assert r.whole.pairs == 15  # the whole scope still shows


def test_a_relative_flag_needs_the_interval_to_exclude_zero(world, hr_person):
    rule = SuggestionRule.objects.get(code="satisfaction-below-others")
    inputs_rules.suggestion_rule_update(actor=actor_of(hr_person), rule_id=rule.pk, value_a=2.5)
    assert ("Sales", "satisfaction-below-others") not in flags(hr_person)  # 2.4 below, not 2.5


def test_editing_a_rule_changes_the_suggestion(world, hr_person):
    rule = SuggestionRule.objects.get(code="low-gain-despite-hours")
    inputs_rules.suggestion_rule_update(actor=actor_of(hr_person), rule_id=rule.pk,
                                        text_en="Bring a real customer case to the next session.")
    assert flags(hr_person)[("Sales", "low-gain-despite-hours")].suggestion == (
        "Bring a real customer case to the next session.")
    inputs_rules.suggestion_rule_update(actor=actor_of(hr_person), rule_id=rule.pk, value_b=0.1)
    assert ("Sales", "low-gain-despite-hours") not in flags(hr_person)  # gain 0.2 is not below 0.1
    inputs_rules.suggestion_rule_update(actor=actor_of(hr_person), rule_id=rule.pk, value_b=0.3, enabled=False)
    assert ("Sales", "low-gain-despite-hours") not in flags(hr_person)


def test_the_suggestion_reads_in_the_readers_language_with_english_as_fallback(world, hr_person):
    with translation.override("ru"):
        assert "кейсов" in flags(hr_person)[("Sales", "low-gain-despite-hours")].suggestion
    SuggestionRule.objects.filter(code="low-gain-despite-hours").update(text_ru="")
    with translation.override("ru"):
        assert "case practice" in flags(hr_person)[("Sales", "low-gain-despite-hours")].suggestion


def test_a_rule_is_validated_and_only_hr_edits_it(world, hr_person):
    rule = SuggestionRule.objects.get(code="low-gain-despite-hours")
    with pytest.raises(ValidationFailed):
        inputs_rules.suggestion_rule_update(actor=actor_of(hr_person), rule_id=rule.pk, text_en="bad\x00text")
    with pytest.raises(ValidationFailed):
        inputs_rules.suggestion_rule_update(actor=actor_of(hr_person), rule_id=rule.pk, text_en="  ")
    with pytest.raises(ValidationFailed):
        inputs_rules.suggestion_rule_update(actor=actor_of(hr_person), rule_id=rule.pk, op_b="", value_b=None)
    with pytest.raises(Forbidden):
        inputs_rules.suggestion_rule_update(actor=actor_of(world.pm), rule_id=rule.pk, text_en="Mine.")
    rule.refresh_from_db()
    assert "case practice" in rule.text_en


def test_a_small_hidden_remainder_hides_one_more_group(world, hr_person):
    # Tiny2 gone: the only hidden group has 2 pairs, which the whole minus Sales and Ops would reveal
    Mentorship.objects.filter(mentee__department=world.depts["Tiny2"]).delete()
    r = sel.inputs_outputs(actor=actor_of(hr_person), by="department", start=FROM, end=TO)
    # competency gain: Tiny1 has none, nothing hidden to protect; every other figure: one group hides it
    shown = {g.label: [m for m, f in g.figure_list() if f.shown] for g in r.groups}
    assert sorted(len(v) for v in shown.values()) == [1, len(inputs.METRICS)]
    hidden_one = next(g for g in r.groups if len(shown[g.label]) == 1)
    assert shown[hidden_one.label] == ["competency_gain"]
    assert hidden_one.flags == []  # every default rule needs one of its hidden figures


def test_protect_hides_until_the_hidden_values_reach_the_threshold():
    def g(key, n):
        return GroupSums(key, n, n, {m: Sums(n, float(n), float(n)) for m in inputs.METRICS})

    groups = [g(1, 2), g(2, 6), g(3, 9)]
    whole = {m: Sums(17, 17.0, 17.0) for m in inputs.METRICS}
    hidden = inputs.protect(groups, whole, 5)
    assert hidden[1] == set(inputs.METRICS) and hidden[2] == set(inputs.METRICS) and hidden[3] == set()
    assert inputs.protect([g(1, 6), g(2, 9)], {m: Sums(15, 15.0, 15.0) for m in inputs.METRICS}, 5) == {1: set(), 2: set()}


def test_hr_edits_a_rule_in_the_admin_and_a_bad_one_is_refused(world, admin_client):
    rule = SuggestionRule.objects.get(code="low-gain-despite-hours")
    url = f"/admin/insights/suggestionrule/{rule.pk}/change/"
    assert admin_client.get("/admin/insights/suggestionrule/").status_code == 200
    form = {"code": rule.code, "enabled": "on", "order": 10, "metric_a": "hours_per_month", "op_a": "at_least",
            "value_a": "1.0", "metric_b": "competency_gain", "op_b": "below", "value_b": "",
            "text_en": "Practise on cases.", "text_zh_hans": "", "text_ru": ""}
    response = admin_client.post(url, form)
    assert response.status_code == 200  # a second condition without its value: the form says so
    assert "needs its figure, its comparison and its value" in response.content.decode()
    response = admin_client.post(url, {**form, "value_b": "0.3"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.text_en == "Practise on cases."


def test_the_openapi_document_describes_the_endpoint(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    op = paths["/api/insights/inputs-outputs"]["get"]
    assert {"by", "from", "to", "program", "page"} <= {p["name"] for p in op["parameters"]}
