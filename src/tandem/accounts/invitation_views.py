"""Pages of invitations: the list HR (or a program manager) sends them from, and the page a person
opens from the e-mail to choose their password."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from tandem.accounts import invitation_services as svc
from tandem.core import authz
from tandem.core.errors import ApplicationError, error_messages
from tandem.people.models import Department, Person

STATES = (("", gettext_lazy("All")), ("pending", gettext_lazy("Waiting")), ("expired", gettext_lazy("Expired")),
          ("accepted", gettext_lazy("Accepted")), ("revoked", gettext_lazy("Withdrawn")))


class InviteForm(forms.Form):
    employee_ids = forms.CharField(label=gettext_lazy("Employee IDs"), required=False, max_length=20000,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=gettext_lazy("One per line, or separated by commas or spaces."))
    program = forms.TypedChoiceField(label=gettext_lazy("Or everyone enrolled in a program"), required=False,
                                     coerce=int, empty_value=None)
    department = forms.CharField(label=gettext_lazy("Or a department (its code)"), required=False, max_length=40)
    everyone = forms.BooleanField(label=gettext_lazy("Or everyone who cannot sign in yet"), required=False)
    resend = forms.BooleanField(label=gettext_lazy("Send again to those already invited"), required=False)

    def __init__(self, *args, actor: authz.Actor, **kwargs):
        super().__init__(*args, **kwargs)
        from tandem.programs.selectors import programs_visible

        programs = [p for p in programs_visible(actor=actor).select_related("owner")[:500]
                    if authz.can_manage_program(actor, p)]
        self.fields["program"].choices = [("", "—")] + [(p.pk, str(p)) for p in programs]
        if not actor.is_hr:
            del self.fields["everyone"]
            del self.fields["department"]


def _chosen_people(form: InviteForm, actor: authz.Actor):
    data = form.cleaned_data
    if data.get("employee_ids"):
        ids = list(dict.fromkeys(x.lower() for x in data["employee_ids"].replace(",", " ").split() if x))
        if len(ids) > svc.BATCH_LIMIT:
            raise ApplicationError(_("Invite at most %(n)d people at a time.") % {"n": svc.BATCH_LIMIT})
        # employee IDs match whatever their case (issue 14 §5)
        found = {p.eid: p for p in Person.objects.annotate(eid=Lower("employee_id")).filter(eid__in=ids)}
        unknown = [i for i in ids if i not in found]
        if unknown:
            shown = ", ".join(u[:40] for u in unknown[:10])
            raise ApplicationError(ngettext("No one has this employee ID: %(ids)s.",
                                            "No one has these employee IDs: %(ids)s.", len(unknown)) % {"ids": shown})
        return list(found.values())
    if data.get("program"):
        from tandem.programs.models import Program

        program = Program.objects.filter(pk=data["program"]).first()
        if program is None or not authz.can_manage_program(actor, program):
            raise ApplicationError(_("Choose one of the programs offered."))
        return Person.objects.filter(enrolments__program=program).distinct()
    if data.get("department"):
        dep = Department.objects.filter(code=data["department"]).first()
        if dep is None:
            raise ApplicationError(_("No department has the code %(code)s.") % {"code": data["department"][:40]})
        return Person.objects.filter(department__path__startswith=dep.path)  # the department and those under it
    if data.get("everyone"):
        return svc.people_without_account(actor=actor)
    raise ApplicationError(_("Say whom to invite: employee IDs, a program, a department or everyone."))


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_manage_invitations(actor))
    form = InviteForm(request.POST or None, actor=actor)
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                result = svc.invitations_send(people=_chosen_people(form, actor), actor=actor,
                                              resend=form.cleaned_data["resend"])
            except ApplicationError as exc:
                errors = error_messages(exc)
            else:
                messages.success(request, _("Invitations sent: %(sent)d new, %(resent)d again, %(skipped)d skipped.")
                                 % {"sent": result.sent, "resent": result.resent, "skipped": len(result.skipped)})
                for employee_id, why in result.skipped[:20]:
                    messages.info(request, f"{employee_id}: {why}")
                return redirect("invitations")
        else:
            errors = [e for errs in form.errors.values() for e in errs]
    state = request.GET.get("state", "")
    state = state if state in dict(STATES) else ""
    q = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(svc.invitations_visible(actor=actor, state=state, q=q), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/invitations.html", {
        "form": form, "errors": errors, "page": page, "state": state, "states": STATES, "q": q,
        "now": timezone.now(), "without_account": svc.people_without_account(actor=actor).count(),
    }, status=400 if errors else 200)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_manage_invitations(actor))
    inv = svc.invitation_get(actor=actor, invitation_id=invitation_id)
    try:
        svc.invitation_send(person=inv.person, actor=actor)
        messages.success(request, _("Invitation sent again to %(email)s; the earlier link no longer works.")
                         % {"email": inv.person.email})
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect(request.POST.get("next") if (request.POST.get("next") or "").startswith("/people/")
                    else "invitations")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = authz.actor_for(request.user)
    authz.require(authz.can_manage_invitations(actor))
    inv = svc.invitation_get(actor=actor, invitation_id=invitation_id)
    try:
        svc.invitation_revoke(invitation=inv, actor=actor)
        messages.success(request, _("Invitation withdrawn: its link no longer works."))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("invitations")


@login_required
@require_POST
def person_invite(request: HttpRequest, employee_id: str) -> HttpResponse:
    actor = authz.actor_for(request.user)
    from tandem.people.selectors import person_get

    person = person_get(employee_id=employee_id)
    if person is None or not authz.can_view_profile(actor, person):
        from django.http import Http404

        raise Http404
    try:
        svc.invitation_send(person=person, actor=actor)
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": person.email})
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("profile", employee_id=person.employee_id)


class AcceptForm(forms.Form):
    password1 = forms.CharField(label=gettext_lazy("Password"), strip=False, required=False, max_length=256,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=gettext_lazy("Repeat it"), strip=False, required=False, max_length=256,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


def invitation_accept(request: HttpRequest, key: str) -> HttpResponse:
    try:
        inv = svc.invitation_from_link(key)
    except ApplicationError as exc:
        return render(request, "accounts/invitation_accept.html", {"refusal": exc.message}, status=exc.status)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = svc.invitation_accept(key=key, password1=form.cleaned_data["password1"],
                                         password2=form.cleaned_data["password2"])
        except ApplicationError as exc:
            for field, errs in (getattr(exc, "errors", None) or {"__all__": [exc.message]}).items():
                for e in errs:
                    form.add_error(field if field in form.fields else None, str(e))
        else:
            login(request, user, backend="tandem.accounts.backends.ThrottledModelBackend")
            messages.success(request, _("Welcome to Tandem. Your password is set; you are signed in."))
            return redirect("home")
    return render(request, "accounts/invitation_accept.html", {
        "form": form, "invitation": inv, "username": inv.person.email.lower()},
        status=400 if form.errors else 200)
