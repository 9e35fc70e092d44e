"""Security consequences of changes to a user, whatever made them (password reset or change, the
back office, a command): a new password or a deactivated account revokes every API token, and a
new password lifts the sign-in lock of the username."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password

from tandem.accounts import services

_BEFORE = "_tandem_security_before"


def remember_security_fields(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not ({"password", "is_active"} & set(update_fields)):
        return  # e.g. last_login on every sign-in: nothing to compare
    before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is not None:
        setattr(instance, _BEFORE, before)


def apply_security_consequences(sender, instance, created=False, raw=False, **kwargs):
    before = instance.__dict__.pop(_BEFORE, None)
    if raw or created or before is None:
        return
    password_changed = before["password"] != instance.password
    if password_changed:
        new_raw = getattr(instance, "_password", None)
        # A re-hash of the same password (a hasher upgrade at sign-in) is not a new password.
        if new_raw is not None and before["password"] and check_password(new_raw, before["password"]):
            password_changed = False
    deactivated = before["is_active"] and not instance.is_active
    if password_changed or deactivated:
        services.api_tokens_revoke_all(user=instance)
    if password_changed:
        services.login_failures_clear(username=instance.get_username())


def person_saved(sender, instance, raw=False, **kwargs):
    """A person deactivated or marked as left: their account is deactivated (which revokes its API
    tokens, above) and their open invitation withdrawn."""
    if raw:
        return
    from django.utils import timezone

    left = not instance.is_active or (instance.left_on is not None and instance.left_on <= timezone.localdate())
    if not left:
        return
    from tandem.accounts.models import Invitation

    Invitation.objects.filter(person=instance, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    user = instance.user
    if user is not None and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
