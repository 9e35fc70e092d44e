"""Pages of the coaching log: the timeline (with forms to schedule a session, post a message, add an
action item), the session page (questions, advice, notes, action items, feedback).

Thin: the one access helper (``selectors.mentorship_for``), a form that shapes the input, one
service. A refused input re-renders the page with the messages and a 4xx; a move the rules forbid
is the error page with its status (403 / 409) through the middleware. HR and the program team get
the summary page (session dates, statuses, counts); the line manager a 403.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import ApplicationError, ValidationFailed, error_messages
from tandem.core.validators import DB_INT_MAX
from tandem.mentorships import log_selectors, log_services, selectors, series_services
from tandem.mentorships.log_models import (
    DURATION_MAX,
    DURATION_MIN,
    ActionItemStatus,
    SessionStatus,
)
from tandem.mentorships.models import MeetingFormat, Mentorship
from tandem.mentorships.plan_models import Goal
from tandem.people.selectors import topic_list

# -- forms: they shape input; the services check the rules ------------------------------------


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_l("Starts at"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    duration_minutes = forms.IntegerField(label=_l("Length (minutes)"), initial=60, min_value=DURATION_MIN,
                                          max_value=DURATION_MAX)
    format = forms.ChoiceField(label=_l("Format"), choices=MeetingFormat.choices, initial=MeetingFormat.VIDEO)
    meeting_link = forms.CharField(label=_l("Meeting link"), required=False, strip=False,
                                   widget=forms.URLInput(attrs={"placeholder": "https://"}))
    location = forms.CharField(label=_l("Location"), required=False, strip=False)
    topics = forms.MultipleChoiceField(label=_l("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    questions = forms.CharField(label=_l("Your questions for the session"), required=False, strip=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    # recurring sessions (series_services): "agreement" is the agreement's meeting frequency
    repeat = forms.ChoiceField(label=_l("Repeats"), required=False, initial="", choices=[
        ("", _l("Does not repeat")), ("agreement", _l("As often as the agreement says")),
        ("weekly", _l("Every week")), ("biweekly", _l("Every two weeks")), ("monthly", _l("Every month"))])
    repeat_count = forms.IntegerField(label=_l("Number of sessions"), required=False, min_value=2, max_value=60,
                                      help_text=_l("With a repeat: how many sessions in all, within the agreement's term."))

    def __init__(self, *args: Any, topic_choices: list[tuple[str, str]], side: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = topic_choices
        if side != "mentee":
            del self.fields["questions"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("repeat") and not data.get("repeat_count") and "repeat_count" not in self.errors:
            self.add_error("repeat_count", _("Say how many sessions the series has."))
        return data


class MessageForm(forms.Form):
    text = forms.CharField(label=_l("Message"), strip=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_l("Write @ and the other's first name to notify them."))


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_l("Action item"), required=False, strip=False)
    owner = forms.ChoiceField(label=_l("Owner"), choices=[("mentee", _l("Mentee")), ("mentor", _l("Mentor"))])
    due_on = forms.DateField(label=_l("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    goal = forms.TypedChoiceField(label=_l("Plan goal"), required=False, coerce=int, empty_value=None)
    message = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX, widget=forms.HiddenInput)
    session = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX, widget=forms.HiddenInput)

    def __init__(self, *args: Any, goal_choices: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [("", _("—"))] + goal_choices


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(label=_l("Rating"), coerce=int, choices=[(n, str(n)) for n in range(1, 6)],
                                    widget=forms.RadioSelect)
    text = forms.CharField(label=_l("A line of feedback"), required=False, strip=False)


class SessionEditForm(forms.Form):
    """Any of a session's fields; only those sent are changed."""

    starts_at = forms.DateTimeField(required=False)
    duration_minutes = forms.IntegerField(required=False, min_value=DURATION_MIN, max_value=DURATION_MAX)
    format = forms.ChoiceField(required=False, choices=MeetingFormat.choices)
    meeting_link = forms.CharField(required=False, strip=False)
    location = forms.CharField(required=False, strip=False)
    questions = forms.CharField(required=False, strip=False)
    advice = forms.CharField(required=False, strip=False)
    notes = forms.CharField(required=False, strip=False)
    status = forms.ChoiceField(required=False, choices=SessionStatus.choices)
    reason = forms.CharField(required=False, strip=False)


class ItemEditForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=ActionItemStatus.choices)
    comment = forms.CharField(required=False, strip=False)
    title = forms.CharField(required=False, strip=False)
    due_on = forms.DateField(required=False)


# -- helpers ---------------------------------------------------------------------------------


def _log_url(m: Mentorship, anchor: str = "") -> str:
    return reverse("mentorship_log", args=[m.pk]) + (f"#{anchor}" if anchor else "")


def _session_url(m: Mentorship, session_id: int, anchor: str = "") -> str:
    return reverse("mentorship_log_session", args=[m.pk, session_id]) + (f"#{anchor}" if anchor else "")


def _topic_choices() -> list[tuple[str, str]]:
    return [(t.code, t.tr("name")) for t in topic_list()]


def _goal_choices(m: Mentorship) -> list[tuple[Any, str]]:
    return [(g.pk, g.title) for g in Goal.objects.filter(plan__mentorship=m).order_by("order", "id")]


def _page_number(request: HttpRequest) -> int:
    try:
        n = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return max(1, min(n, DB_INT_MAX))


def _form_messages(form: forms.Form) -> list[str]:
    return [f"{form.fields[f].label or f}: {e}" if f in form.fields else str(e)
            for f, errs in form.errors.items() for e in errs]


def _log_page(request: HttpRequest, actor: authz.Actor, m: Mentorship, *, status: int = 200,
              errors: list[str] | None = None, forms_: dict[str, Any] | None = None) -> HttpResponse:
    private = authz.can_read_log(actor, m)
    side = authz.log_side(actor, m)
    page = log_selectors.timeline(mentorship=m, page=_page_number(request), private=private)
    counts = log_selectors.log_counts(mentorship=m, private=private)
    ctx: dict[str, Any] = {"m": m, "page": page, "counts": counts, "private": private, "side": side,
                           "errors": errors or [], "S": SessionStatus, "A": ActionItemStatus}
    if private:
        goals = _goal_choices(m)
        forms_ = forms_ or {}
        ctx.update({
            "can_write": authz.can_write_log(actor, m),
            "session_form": forms_.get("session") or SessionForm(topic_choices=_topic_choices(), side=side),
            "message_form": forms_.get("message") or MessageForm(),
            "item_form": forms_.get("item") or ActionItemForm(goal_choices=goals, initial={"owner": "mentee"}),
            "me": actor.person,
        })
    return render(request, "mentorships/log.html", ctx, status=status)


def _refused(request: HttpRequest, actor: authz.Actor, m: Mentorship, exc: ApplicationError,
             forms_: dict[str, Any] | None = None) -> HttpResponse:
    """Bad input: the log again with the messages (422); anything else: the error page."""
    if not isinstance(exc, ValidationFailed):
        raise exc
    return _log_page(request, actor, m, status=exc.status, errors=error_messages(exc), forms_=forms_)


# -- the timeline ----------------------------------------------------------------------------


@login_required
def log(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_view_log_summary)
    return _log_page(request, actor, m)


@login_required
@require_POST
def session_add(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    authz.require(authz.log_side(actor, m) is not None)
    form = SessionForm(request.POST, topic_choices=_topic_choices(), side=authz.log_side(actor, m))
    if not form.is_valid():
        return _log_page(request, actor, m, status=422, errors=_form_messages(form), forms_={"session": form})
    data = dict(form.cleaned_data)
    repeat, count = data.pop("repeat", ""), data.pop("repeat_count", None)
    try:
        if repeat:
            series = series_services.session_series_schedule(
                mentorship=m, actor=actor, count=count, frequency=None if repeat == "agreement" else repeat, **data)
            s = series.sessions.order_by("original_starts_at", "id").first()
        else:
            s = log_services.session_schedule(mentorship=m, actor=actor, **data)
    except ApplicationError as exc:
        return _refused(request, actor, m, exc, {"session": form})
    messages.success(request, _("Sessions scheduled. The other side is told.") if repeat
                     else _("Session scheduled. The other side is told."))
    return redirect(_session_url(m, s.pk))


@login_required
@require_POST
def message_add(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    authz.require(authz.log_side(actor, m) is not None)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _log_page(request, actor, m, status=422, errors=_form_messages(form), forms_={"message": form})
    try:
        msg = log_services.message_post(mentorship=m, actor=actor, text=form.cleaned_data["text"])
    except ApplicationError as exc:
        return _refused(request, actor, m, exc, {"message": form})
    return redirect(_log_url(m, f"message-{msg.pk}"))


@login_required
@require_POST
def item_add(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    authz.require(authz.log_side(actor, m) is not None)
    form = ActionItemForm(request.POST, goal_choices=_goal_choices(m))
    if not form.is_valid():
        return _log_page(request, actor, m, status=422, errors=_form_messages(form), forms_={"item": form})
    d = form.cleaned_data
    try:
        it = log_services.action_item_create(mentorship=m, actor=actor, title=d["title"], owner=d["owner"],
                                             due_on=d["due_on"], goal_id=d["goal"], message_id=d["message"],
                                             session_id=d["session"])
    except ApplicationError as exc:
        return _refused(request, actor, m, exc, {"item": form})
    messages.success(request, _("Action item added."))
    if it.session_id:
        return redirect(_session_url(m, it.session_id, "items"))
    return redirect(_log_url(m, f"item-{it.pk}"))


@login_required
@require_POST
def item_edit(request: HttpRequest, mentorship_id: int, item_id: int) -> HttpResponse:
    """The owner ticks or drops their item; either side comments. Only the fields sent change."""
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    it = log_selectors.action_item_of(mentorship=m, item_id=item_id)
    form = ItemEditForm(request.POST)
    if not form.is_valid():
        authz.require(authz.log_side(actor, m) is not None)
        return _log_page(request, actor, m, status=422, errors=_form_messages(form))
    changes = {k: v for k, v in form.cleaned_data.items() if k in request.POST}
    try:
        log_services.action_item_update(item=it, actor=actor, **changes)
    except ApplicationError as exc:
        return _refused(request, actor, m, exc)
    messages.success(request, _("Saved."))
    nxt = request.POST.get("next", "")
    if nxt.startswith("session-") and nxt[8:].isdigit() and it.session_id == int(nxt[8:]):
        return redirect(_session_url(m, it.session_id, f"item-{it.pk}"))
    return redirect(_log_url(m, f"item-{it.pk}"))


# -- the session page -------------------------------------------------------------------------


def _session_page(request: HttpRequest, actor: authz.Actor, m: Mentorship, session_id: int, *, status: int = 200,
                  errors: list[str] | None = None) -> HttpResponse:
    s = log_selectors.session_of(mentorship=m, session_id=session_id)
    private = authz.can_read_log(actor, m)
    side = authz.log_side(actor, m)
    ctx: dict[str, Any] = {"m": m, "s": s, "private": private, "side": side, "errors": errors or [],
                           "S": SessionStatus, "A": ActionItemStatus}
    if private:
        can_write = authz.can_write_log(actor, m)
        ctx.update({
            "can_write": can_write,
            "items": list(log_selectors.session_action_items(session=s)),
            "feedback": log_selectors.feedback_view(session=s, side=side),
            "feedback_form": FeedbackForm(),
            "item_form": ActionItemForm(goal_choices=_goal_choices(m), initial={"owner": "mentee", "session": s.pk}),
            "formats": MeetingFormat.choices,
            "me": actor.person,
        })
    return render(request, "mentorships/log_session.html", ctx, status=status)


@login_required
def session_page(request: HttpRequest, mentorship_id: int, session_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id, rule=authz.can_view_log_summary)
    return _session_page(request, actor, m, session_id)


@login_required
@require_POST
def session_edit(request: HttpRequest, mentorship_id: int, session_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    s = log_selectors.session_of(mentorship=m, session_id=session_id)
    authz.require(authz.log_side(actor, m) is not None)
    form = SessionEditForm(request.POST)
    if not form.is_valid():
        return _session_page(request, actor, m, s.pk, status=422, errors=_form_messages(form))
    changes = {k: v for k, v in form.cleaned_data.items() if k in request.POST}
    if changes.get("starts_at") is None:
        changes.pop("starts_at", None)
    if changes.get("duration_minutes") is None:
        changes.pop("duration_minutes", None)
    if "topics_sent" in request.POST:
        changes["topics"] = request.POST.getlist("topics")
    try:
        log_services.session_update(session=s, actor=actor, **changes)
    except ValidationFailed as exc:
        return _session_page(request, actor, m, s.pk, status=exc.status, errors=error_messages(exc))
    messages.success(request, _("Saved."))
    return redirect(_session_url(m, s.pk))


@login_required
@require_POST
def feedback_add(request: HttpRequest, mentorship_id: int, session_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    m = selectors.mentorship_for(actor, mentorship_id)
    s = log_selectors.session_of(mentorship=m, session_id=session_id)
    authz.require(authz.log_side(actor, m) is not None)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _session_page(request, actor, m, s.pk, status=422, errors=_form_messages(form))
    try:
        log_services.feedback_leave(session=s, actor=actor, **form.cleaned_data)
    except ValidationFailed as exc:
        return _session_page(request, actor, m, s.pk, status=exc.status, errors=error_messages(exc))
    messages.success(request, _("Thank you for your feedback."))
    return redirect(_session_url(m, s.pk, "feedback"))
