"""The notification centre page and the person's e-mail preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core import authz
from tandem.core.errors import NotFound, ValidationFailed
from tandem.notifications import selectors, services
from tandem.notifications.forms import MarkReadForm, PreferenceForm
from tandem.notifications.models import KIND_GROUPS, NotificationKind
from tandem.notifications.texts import notification_text

PAGE_SIZE = 30


def _person(request: HttpRequest):
    person = authz.actor_for(request.user).person
    if person is None:
        raise NotFound(_("Your account is not linked to a person, so it has no notifications."))
    return person


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.notifications_of(person=person, unread=True if unread_only else None),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    items = [{"n": n, "text": notification_text(n.kind, n.params)} for n in page.object_list]
    return render(request, "notifications/list.html", {
        "page": page, "items": items, "unread_only": unread_only,
        "unread": selectors.unread_count(person=person),
    })


@login_required
@require_POST
def notification_mark_read(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed({(k if k != "__all__" else "ids"): [str(e) for e in v] for k, v in form.errors.items()})
    if form.cleaned_data["all"]:
        services.notifications_mark_read(person=person, everything=True)
        messages.success(request, _("All notifications marked read."))
    else:
        services.notifications_mark_read(person=person, ids=form.cleaned_data["ids"])
    target = form.cleaned_data["next"] or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) \
            and target.startswith("/"):
        return redirect(target)
    return redirect("notification_list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    pref = selectors.preference_of(person=person)
    initial = {"language": pref.language, "email_mode": pref.email_mode,
               "email_kinds": [k for k in NotificationKind.values if pref.wants_email(k)],
               "app_kinds": [k for k in NotificationKind.values if pref.wants_in_app(k)]}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if "app_kinds_shown" not in request.POST:  # a form without the "in Tandem" column leaves it as it was
            data["app_kinds"] = None
        try:
            services.notification_preference_save(person=person, **data)
        except ValidationFailed as exc:
            for field, errs in exc.errors.items():
                for e in errs:
                    form.add_error(field if field in form.fields else None, str(e))
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form, "groups": _kind_rows(form),
                                                             "digest_hour": services.DIGEST_HOUR})


def _kind_rows(form: PreferenceForm) -> list[dict]:
    """The kinds grouped as the page shows them, each with its two choices as they stand (the
    posted ones after a refused save)."""
    if form.is_bound:
        email = set(form.data.getlist("email_kinds"))
        app = set(form.data.getlist("app_kinds")) if "app_kinds_shown" in form.data else set(form.initial["app_kinds"])
    else:
        email, app = set(form.initial["email_kinds"]), set(form.initial["app_kinds"])
    return [{"title": title, "kinds": [{"value": str(k), "label": NotificationKind(k).label,
                                        "email": str(k) in email, "app": str(k) in app} for k in kinds]}
            for title, kinds in KIND_GROUPS]
