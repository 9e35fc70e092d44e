"""Pages of insights: the cohort comparison (with its CSV / XLSX export) and a program's ROI
calculator. Thin: the selectors check access and compute; a refused input is a page with the
message (through ``core.middleware``) and its 4xx."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tandem.core import authz
from tandem.core.errors import ApplicationError, error_messages
from tandem.insights import roi, roi_selectors, selectors
from tandem.insights.charts import interval_bars
from tandem.web import exports


def _compare_context(request: HttpRequest) -> dict:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_use_insights(actor))
    choices = selectors.group_choices(actor=actor)
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    context: dict = {"choices": choices, "a": a, "b": b, "result": None, "errors": []}
    if a or b:
        result = selectors.cohort_comparison(actor=actor, a=a, b=b)
        context["result"] = result
        context["charts"] = {row.metric.pk: interval_bars(row) for row in result.rows}
    return context


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    try:
        context = _compare_context(request)
    except ApplicationError as exc:
        if exc.status == 403 and not exc.data:
            raise
        actor = authz.actor_for(request.user)
        context = {"choices": selectors.group_choices(actor=actor), "a": request.GET.get("a", ""),
                   "b": request.GET.get("b", ""), "result": None, "errors": error_messages(exc)}
        return render(request, "insights/compare.html", context, status=exc.status)
    return render(request, "insights/compare.html", context)


def _num(value: float | None) -> float | str:
    return "" if value is None else value


@login_required
def compare_export(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = authz.actor_for(request.user)
    result = selectors.cohort_comparison(actor=actor, a=request.GET.get("a", ""), b=request.GET.get("b", ""))
    headers = [_("Metric"), _("Kind"), _("Group A"), _("n A"), _("Value A"), _("CI A low"), _("CI A high"),
               _("Group B"), _("n B"), _("Value B"), _("CI B low"), _("CI B high"), _("Difference"),
               _("Difference CI low"), _("Difference CI high"), _("Lift"), _("p-value"), _("Test"), _("Warnings")]

    def rows():
        for row in result.rows:
            a_ci, b_ci, d_ci = row.a.ci or ("", ""), row.b.ci or ("", ""), row.difference_ci or ("", "")
            yield [row.metric.display_label, row.kind,
                   result.a.label, row.a.n if row.a.n is not None else "", _num(row.a.value), *a_ci,
                   result.b.label, row.b.n if row.b.n is not None else "", _num(row.b.value), *b_ci,
                   _num(row.difference), *d_ci, _num(row.lift),
                   "" if row.p_value is None else row.p_value, row.test or "",
                   " ".join(n["message"] for n in row.notes)]

    return exports.table_download(fmt=fmt, filename="tandem-cohort-comparison", sheet=_("Comparison"),
                                  headers=headers, rows=rows())


class RoiForm(forms.Form):
    """Every input of :class:`roi.RoiInputs`, bounded by its limits."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = roi_selectors.INPUT_LABELS
        for name, (low, high) in roi.RoiInputs.LIMITS.items():
            self.fields[name] = forms.FloatField(label=labels[name], min_value=low, max_value=high,
                                                 widget=forms.NumberInput(attrs={"step": "any"}))


@login_required
def program_roi(request: HttpRequest, program_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    program = roi_selectors.program_for_roi(actor=actor, program_id=program_id)
    defaults = roi_selectors.roi_defaults(actor=actor, program=program)
    status = 200
    if request.method == "POST":
        form = RoiForm(request.POST)
        if form.is_valid():
            inputs = roi.RoiInputs(**form.cleaned_data)
        else:
            inputs, status = defaults.inputs, 400
    else:
        form = RoiForm(initial=defaults.inputs.as_dict())
        inputs = defaults.inputs
    return render(request, "insights/roi.html", {
        "program": program, "form": form, "defaults": defaults,
        "report": roi_selectors.roi_report(inputs),
        "source": roi_selectors.roi_report(roi.SOURCE_000),
    }, status=status)



@login_required
def program_roi_export(request: HttpRequest, program_id: int, fmt: str) -> HttpResponse:
    """The ROI with the program's default inputs as a table: every input, then every result."""
    actor = authz.actor_for(request.user)
    program = roi_selectors.program_for_roi(actor=actor, program_id=program_id)
    defaults = roi_selectors.roi_defaults(actor=actor, program=program)
    report = roi_selectors.roi_report(defaults.inputs)
    labels = {
        "cost_first_year": _("Cost, first year"), "cost_five_years": _("Cost over five years"),
        "benefit_mistakes": _("Fewer mistakes"), "benefit_hours": _("Hours saved"),
        "benefit_retention": _("Avoided replacements"), "benefit_first_year": _("Benefit, first year"),
        "benefit_five_years": _("Benefit over five years"),
        "multiple_first_year": _("First year (benefit ÷ cost)"), "multiple_five_years": _("Five years (benefit ÷ cost)"),
    }

    def rows():
        for name, value in report["inputs"].items():
            yield [_("Input"), str(roi_selectors.INPUT_LABELS[name]), name, value]
        for name, label in labels.items():
            yield [_("Result"), str(label), name, _num(report[name])]
        for year, value in enumerate(report["yearly_benefits"], start=1):
            yield [_("Result"), _("Benefit of year %(year)s") % {"year": year}, f"benefit_year_{year}", value]
        if defaults.measured:
            m = defaults.measured
            yield [_("Measured"), _("Retention difference, participants − non-participants"), "measured_difference",
                   m["difference"]]
            yield [_("Measured"), _("n participants"), "measured_n_a", m["n_a"]]
            yield [_("Measured"), _("n non-participants"), "measured_n_b", m["n_b"]]

    return exports.table_download(fmt=fmt, filename=f"tandem-roi-{program.pk}", sheet=_("ROI"),
                                  headers=[_("Part"), _("Item"), _("Code"), _("Value")], rows=rows())
