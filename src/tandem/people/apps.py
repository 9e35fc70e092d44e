from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "tandem.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from tandem.people import framework_import

        framework_import.register()  # the "competencies" kind of the import
