"""The suggestion rules of inputs versus outputs in the admin (HR edits them; the model validates)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tandem.insights.inputs_models import SuggestionRule


@admin.register(SuggestionRule)
class SuggestionRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "enabled", "order", "metric_a", "op_a", "value_a", "metric_b", "op_b", "value_b")
    list_editable = ("enabled", "order")
    list_filter = ("enabled",)
    search_fields = ("code", "text_en")
    fieldsets = (
        (None, {"fields": ("code", "enabled", "order")}),
        (_("First condition"), {"fields": ("metric_a", "op_a", "value_a")}),
        (_("Second condition (optional)"), {"fields": ("metric_b", "op_b", "value_b")}),
        (_("Suggestion"), {"fields": ("text_en", "text_zh_hans", "text_ru")}),
    )
