"""Back office for assessments. History (scores, answers, completions) is read-only; anonymous
answers are not listed at all (nothing in the back office should invite a look for their author)."""

from django.contrib import admin

from tandem.assessments import models as m


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.TeachBackSettings)
class SettingsAdmin(admin.ModelAdmin):
    list_display = ("program", "pass_mark", "max_attempts", "window_hours")


@admin.register(m.RubricCriterion)
class RubricAdmin(admin.ModelAdmin):
    list_display = ("program", "order", "code", "name")
    list_filter = ("program",)


@admin.register(m.TeachBack)
class TeachBackAdmin(ReadOnly):
    list_display = ("program", "trainee", "topic", "attempt", "starts_at", "status", "mean")
    list_filter = ("status", "program")
    list_select_related = ("program", "trainee")


@admin.register(m.TeachBackScore)
class ScoreAdmin(ReadOnly):
    list_display = ("teach_back", "scorer", "created_at")
    list_select_related = ("teach_back", "scorer")


@admin.register(m.KnowledgeGap)
class GapAdmin(ReadOnly):
    list_display = ("person", "competency", "text", "status")
    list_select_related = ("person", "competency")


@admin.register(m.SurveyTemplate)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "purpose", "anonymous", "threshold", "created_by")
    list_select_related = ("created_by",)
    readonly_fields = ("created_by",)


@admin.register(m.Survey)
class SurveyAdmin(ReadOnly):
    list_display = ("version", "program", "mentorship", "anonymous", "threshold", "status", "closes_at")
    list_select_related = ("version__template", "program")


@admin.register(m.SurveyCompletion)
class CompletionAdmin(ReadOnly):
    list_display = ("survey", "person", "answered_on")
    list_select_related = ("survey", "person")


@admin.register(m.SurveySchedule)
class ScheduleAdmin(ReadOnly):
    list_display = ("program", "template", "milestone", "after_sessions", "open_days", "created_at")
    list_select_related = ("program", "template", "milestone")
