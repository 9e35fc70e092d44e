from __future__ import annotations

from functools import partial

from django.conf import settings
from django.http import HttpRequest

from tandem.core import authz
from tandem.notifications.selectors import unread_count


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGE_CHOICES": settings.LANGUAGES}
    actor = authz.actor_for(user)
    return {
        "actor": actor,
        "me": actor.person,
        "unread_notifications": partial(unread_count, person=actor.person),  # one COUNT, when shown
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "nav": {
            "import": authz.can_import(actor),
            "framework": authz.can_edit_framework(actor),
            "audit": authz.can_view_audit(actor),
            "invitations": authz.can_manage_invitations(actor),
            "admin": authz.can_use_admin(actor),
            "programs": True,
        },
    }
