"""Pages. Thin: authorise through core.authz, read through selectors, write through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ApplicationError, ValidationFailed
from tandem.matching.flows.rounds import rounds_headed_by
from tandem.mentorships import selectors as mentorship_selectors
from tandem.people import selectors, services
from tandem.people.models import (
    CommunicationStyle,
    Person,
    RatingSource,
    TopicInterest,
)
from tandem.programs import selectors as program_selectors
from tandem.web.feedback import form_errors
from tandem.web.forms import OwnProfileForm, RatingForm, SelfAssessmentForm, TopicsForm
from tandem.web.pagination import KeysFirstPaginator


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = authz.actor_for(request.user)
    ctx: dict = {"sections": []}
    if actor.is_hr:
        dept_counts = selectors.headcount_by_department()
        counts = selectors.head_counts()
        ctx["hr"] = {
            "headcount": counts.people,
            "by_department": dept_counts,
            "chart": {"labels": [d.name for d, _n in dept_counts], "values": [n for _d, n in dept_counts],
                      "label": _("People"), "horizontal": True},
            "without_mentor": counts.waiting,
            "mentors_available": counts.mentors_free,
            "gaps": selectors.largest_gaps(),
        }
    if actor.is_department_head:
        paths = actor.headed_paths
        deps = list(actor.person.headed_departments.all())
        by_dep = selectors.headcount_by_department(within=deps[0]) if len(deps) == 1 else [
            (d, selectors.head_counts(paths=(d.path,)).people) for d in deps
        ]
        counts = selectors.head_counts(paths=paths)
        ctx["head"] = {
            "departments": deps,
            "headcount": counts.people,
            "by_department": by_dep,
            "chart": {"labels": [d.name for d, _n in by_dep], "values": [n for _d, n in by_dep], "label": _("People")},
            "without_mentor": counts.waiting,
            "gaps": selectors.largest_gaps(paths=paths, limit=5),
        }
    if actor.is_hr:
        ctx["programs"] = program_selectors.program_overview_rows(owner=None)
    elif actor.is_program_manager and actor.person is not None:  # no linked person: owns nothing
        ctx["programs"] = program_selectors.program_overview_rows(owner=actor.person)
    if actor.person is not None:
        ctx["as_mentor"] = mentorship_selectors.mentorships_as_mentor(person=actor.person)
        ctx["as_mentee"] = mentorship_selectors.mentorships_as_mentee(person=actor.person)
        rows = selectors.person_competencies(person=actor.person)
        ctx["my_gaps"] = sorted([r for r in rows if r.gap], key=lambda r: -r.gap)[:5]
        ctx["my_self_assessment"] = selectors.latest_self_assessment(person=actor.person)
        ctx["my_programs"] = program_selectors.my_programs(person=actor.person)
        ctx["my_rounds"] = rounds_headed_by(person=actor.person)
    return render(request, "web/home.html", ctx)


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_view_directory(actor))
    g = request.GET
    dep = selectors.department_by_code(code=g["department"]) if g.get("department") else None
    jp = selectors.job_profile_by_code(code=g["job_profile"]) if g.get("job_profile") else None
    topic = selectors.topic_by_code(code=g["topic"]) if g.get("topic") else None
    interest = g.get("interest", "") if g.get("interest") in TopicInterest.values else ""
    sort = g.get("sort", "name")
    sees_hr_fields = authz.can_view_all_contact_details(actor)
    if not sees_hr_fields and sort.lstrip("-") == "hired":
        sort = "name"  # sorting by hire date would reveal it
    qs = selectors.person_list(
        q=g.get("q", "").strip()[:100], department=dep, job_profile=jp, language=g.get("language", ""),
        style=g.get("style", "") if g.get("style") in CommunicationStyle.values else "",
        topic=topic, interest=interest, available_mentors=g.get("mentors") == "1",
        without_mentor=g.get("no_mentor") == "1", sort=sort, search_email=sees_hr_fields,
    )
    page = KeysFirstPaginator(qs, 25).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    choices = selectors.directory_choices()
    ctx = {
        "page": page,
        "query": query.urlencode(),
        "sort": sort,
        "filters": g,
        "departments": choices.departments,
        "job_profiles": choices.job_profiles,
        "languages": choices.languages,
        "styles": CommunicationStyle.choices,
        "topics": choices.topics,
        "interests": TopicInterest.choices,
        "sees_hr_fields": sees_hr_fields,
    }
    template = "web/directory_results.html" if request.headers.get("HX-Request") else "web/directory.html"
    return render(request, template, ctx)


def _person_for(request: HttpRequest, employee_id: str) -> tuple[authz.Actor, Person]:
    actor = authz.actor_for(request.user)
    person = selectors.person_get(employee_id=employee_id)
    if person is None:
        raise Http404
    authz.require(authz.can_view_profile(actor, person))
    return actor, person


@login_required
def profile(request: HttpRequest, employee_id: str) -> HttpResponse:
    actor, person = _person_for(request, employee_id)
    ctx: dict = {"person": person, "topics": selectors.person_topics(person=person)}
    ctx["can_see_competencies"] = authz.can_view_competencies(actor, person)
    ctx["can_edit_own"] = authz.can_edit_own_entries(actor, person)
    ctx["can_self_assess"] = authz.can_add_self_assessment(actor, person)
    ctx["can_see_contact"] = authz.can_view_contact_details(actor, person)
    ctx["can_handle_data"] = authz.can_handle_personal_data(actor, person)
    if authz.can_invite(actor, person) and person.is_active and not (
            person.user and person.user.is_active and person.user.has_usable_password()):
        from tandem.accounts.invitation_services import invitation_status

        ctx["invite"] = invitation_status(person=person)
    if ctx["can_see_competencies"]:
        rows = selectors.person_competencies(person=person)
        ctx["rows"] = rows
        charted = [r for r in rows if r.target is not None]
        ctx["chart"] = {
            "labels": [str(r.competency) for r in charted],
            "target": [r.target for r in charted],
            "current": [r.current or 0 for r in charted],
            "targetLabel": _("Target"),
            "currentLabel": _("Current"),
        }
        ctx["history"] = selectors.rating_history(person=person, limit=20)
        ctx["self_assessment"] = selectors.latest_self_assessment(person=person)
        sources = authz.rating_sources_allowed(actor, person)
        if sources:
            ctx["rating_form"] = RatingForm(sources=[(s, RatingSource(s).label) for s in sources])
    if ctx["can_self_assess"]:
        ctx["self_form"] = SelfAssessmentForm()
    if ctx["can_see_contact"]:  # who reports to whom is the manager field, seen from the other side
        ctx["reports"] = person.reports.filter(is_active=True).select_related("job_profile")[:20]
    return render(request, "web/profile.html", ctx)


@login_required
@require_POST
def rating_add(request: HttpRequest, employee_id: str) -> HttpResponse:
    actor, person = _person_for(request, employee_id)
    authz.require(authz.can_view_competencies(actor, person))
    sources = authz.rating_sources_allowed(actor, person)
    authz.require(bool(sources))
    form = RatingForm(request.POST, sources=[(s, RatingSource(s).label) for s in sources])
    if form.is_valid():
        try:
            services.rating_record(
                person=person, competency=form.cleaned_data["competency"], level=form.cleaned_data["level"],
                source=form.cleaned_data["source"], rated_by=actor.person, note=form.cleaned_data["note"],
            )
            messages.success(request, _("Rating recorded."))
            return redirect("profile", employee_id=person.employee_id)
        except ValidationFailed as exc:
            form_errors(form, exc)
    for field, errs in form.errors.items():
        for e in errs:
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {e}")
    return redirect("profile", employee_id=person.employee_id)


@login_required
@require_POST
def self_assessment_add(request: HttpRequest, employee_id: str) -> HttpResponse:
    actor, person = _person_for(request, employee_id)
    authz.require(authz.can_add_self_assessment(actor, person))
    form = SelfAssessmentForm(request.POST)
    errors: dict[str, list] = {}
    if form.is_valid():
        try:
            services.self_assessment_add(person=person, **form.cleaned_data)
            messages.success(request, _("Self-assessment saved."))
        except ValidationFailed as exc:
            errors = exc.errors
    else:
        errors = form.errors
    # the form sits on the profile page: each message names the field it is about
    for name, errs in errors.items():
        label = form.fields[name].label if name in form.fields else None
        for e in errs:
            messages.error(request, _("%(field)s: %(error)s") % {"field": label, "error": e} if label else e)
    return redirect("profile", employee_id=person.employee_id)


@login_required
def profile_edit(request: HttpRequest, employee_id: str) -> HttpResponse:
    actor, person = _person_for(request, employee_id)
    authz.require(authz.can_edit_own_entries(actor, person))
    tags = selectors.person_topics(person=person)
    if request.method == "POST":
        form = OwnProfileForm(request.POST)
        topics_form = TopicsForm(request.POST)
        if form.is_valid() and topics_form.is_valid():
            try:
                services.person_update_own(
                    person=person, bio=form.cleaned_data["bio"],
                    communication_style=form.cleaned_data["communication_style"],
                    mentoring_hours_per_month=form.cleaned_data["mentoring_hours_per_month"],
                    time_zone=form.cleaned_data["time_zone"],
                    languages=[lang.code for lang in form.cleaned_data["languages"]],
                )
                services.topics_set(
                    person=person,
                    can_teach=[t.pk for t in topics_form.cleaned_data["can_teach"]],
                    want_to_learn=[t.pk for t in topics_form.cleaned_data["want_to_learn"]],
                )
                messages.success(request, _("Profile saved."))
                return redirect("profile", employee_id=person.employee_id)
            except ValidationFailed as exc:
                form_errors(form, exc)
    else:
        form = OwnProfileForm(initial={
            "bio": person.bio, "communication_style": person.communication_style,
            "mentoring_hours_per_month": person.mentoring_hours_per_month, "time_zone": person.time_zone,
            "languages": [lang.code for lang in person.languages.all()],
        })
        topics_form = TopicsForm(initial={
            "can_teach": tags[TopicInterest.CAN_TEACH], "want_to_learn": tags[TopicInterest.WANT_TO_LEARN],
        })
    return render(request, "web/profile_edit.html", {"person": person, "form": form, "topics_form": topics_form})


@login_required
def departments(request: HttpRequest) -> HttpResponse:
    authz.require(authz.can_view_directory(authz.actor_for(request.user)))
    deps = list(selectors.department_list())
    totals = dict(selectors.headcount_by_department())
    return render(request, "web/departments.html", {"departments": deps, "totals": totals})


@login_required
def competencies(request: HttpRequest) -> HttpResponse:
    authz.require(authz.can_view_directory(authz.actor_for(request.user)))
    return render(request, "web/competencies.html", {
        "groups": selectors.competency_framework(),
        "job_profiles": selectors.job_profile_list(),
        "topics": selectors.topic_list(),
    })


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "web/error.html", {"error": ApplicationError(_("Page not found."), status=404)}, status=404)


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(
        request, "web/error.html",
        {"error": ApplicationError(_("You do not have permission to see this page."), status=403)}, status=403,
    )


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "web/error.html", {"error": ApplicationError(_("Something went wrong on our side."), status=500)}, status=500)
