from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

LABELS = {"pending": _("Waiting"), "expired": _("Expired"), "accepted": _("Accepted"), "revoked": _("Withdrawn")}


@register.filter
def invitation_state(invitation, now):
    code = invitation.state(now)
    return {"code": code, "label": LABELS[code]}
