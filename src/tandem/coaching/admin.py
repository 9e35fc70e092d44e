"""Rules and prompt texts, edited by HR in the admin; a page lists the signals the rules may use
and previews them (and which rules hold) for one mentorship."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tandem.coaching import detect
from tandem.coaching.models import FALLBACK_LANGUAGE, Prompt, PromptRule, PromptText
from tandem.core.validators import DB_BIGINT_MAX
from tandem.mentorships.selectors import mentorship_by_id


@admin.register(PromptRule)
class PromptRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "situation", "signal", "operator", "threshold", "window_days", "min_sample",
                    "enabled", "order"]
    list_editable = ["operator", "threshold", "window_days", "min_sample", "enabled", "order"]
    list_display_links = ["__str__"]
    list_filter = ["situation", "enabled", "signal"]
    ordering = ["order", "id"]
    fields = ["situation", "signal", "operator", "threshold", "window_days", "min_sample", "enabled", "order"]
    change_list_template = "admin/coaching/promptrule/change_list.html"

    def get_urls(self):
        return [path("signals/", self.admin_site.admin_view(self.signals_view), name="coaching_signals"),
                *super().get_urls()]

    def signals_view(self, request: HttpRequest) -> HttpResponse:
        """The fixed signals (what each measures, which params it takes) and, for the mentorship
        whose ID is given, each signal's value today and the enabled rules that hold."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        raw = (request.GET.get("mentorship") or "").strip()
        preview, problem, triggers, m = None, "", [], None
        if raw:
            if not raw.isdigit() or not 1 <= int(raw) <= DB_BIGINT_MAX:
                problem = gettext("Enter the ID of a mentorship (a whole number).")
            else:
                m = mentorship_by_id(int(raw))
                if m is None:
                    problem = gettext("There is no mentorship with that ID.")
        if m is not None:
            today = timezone.localdate()
            preview = detect.signals_for(m, today=today)
            data = detect.gather(m, today=today)
            triggers = detect.evaluate(detect.enabled_rules(), data)
        rows = [{"spec": s, "threshold": f"{s.threshold_min.normalize():f} – {s.threshold_max.normalize():f}"}
                for s in detect.SIGNALS.values()]
        return TemplateResponse(request, "admin/coaching/signals.html", {
            **self.admin_site.each_context(request), "title": _("Signals the prompt rules use"),
            "opts": self.model._meta, "rows": rows, "mentorship": m, "mentorship_id": raw, "problem": problem,
            "preview": preview, "triggers": triggers,
        })


class PromptTextFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        languages = [f.cleaned_data.get("language") for f in self.forms
                     if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]
        if FALLBACK_LANGUAGE not in languages:
            raise ValidationError(_("Write the English text: it is shown when a language has none."))
        if len(languages) != len(set(languages)):
            raise ValidationError(_("One text per language."))


class PromptTextInline(admin.StackedInline):
    model = PromptText
    formset = PromptTextFormSet
    fields = ["language", "title", "phrasings", "why"]
    extra = 0
    min_num = 1


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    list_display = ["code", "situation", "title_en", "languages", "enabled", "order"]
    list_editable = ["enabled", "order"]
    list_filter = ["situation", "enabled"]
    search_fields = ["code", "texts__title"]
    ordering = ["order", "id"]
    inlines = [PromptTextInline]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("texts")

    @admin.display(description=_("title"))
    def title_en(self, obj: Prompt) -> str:
        text = obj.text(FALLBACK_LANGUAGE)
        return text.title if text else ""

    @admin.display(description=_("languages"))
    def languages(self, obj: Prompt) -> str:
        return ", ".join(sorted(t.language for t in obj.texts.all()))

