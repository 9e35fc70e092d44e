from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "tandem.coaching"
    label = "coaching"
    verbose_name = _("Coaching prompts")
