from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "tandem.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from tandem.people import framework_import

        framework_import.register()  # the "competencies" kind of the import
        post_migrate.connect(_install_figure_triggers, sender=self, dispatch_uid="people_figure_triggers")


def _install_figure_triggers(sender, using="default", **kwargs) -> None:
    """The dashboard figures' triggers (people.figures), after every migrate: a table a later
    migration rebuilt (SQLite does for many changes) gets them back. Sent when every migration has
    run; skipped while a table they watch or count into is missing (a partial migrate)."""
    from django.db import connections

    from tandem.people.figures import GENERATIONS, install_triggers

    conn = connections[using]
    tables = set(conn.introspection.table_names())
    if {t for _row, _seq, watched in GENERATIONS.values() for t in watched} | {"people_figuresgeneration"} <= tables:
        install_triggers(conn)
