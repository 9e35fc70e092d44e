from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tandem.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save, pre_save

        from tandem.accounts import signals

        user_model = get_user_model()
        pre_save.connect(signals.remember_security_fields, sender=user_model, dispatch_uid="tandem_security_before")
        post_save.connect(signals.apply_security_consequences, sender=user_model, dispatch_uid="tandem_security_after")
        post_save.connect(signals.person_saved, sender="people.Person", dispatch_uid="tandem_person_left")
