from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core import authz
from tandem.people.models import (
    Competency,
    CompetencyGroup,
    CompetencyLevel,
    CompetencyRating,
    Department,
    ImportJob,
    JobProfile,
    JobProfileRequirement,
    Language,
    Location,
    Person,
    PersonTopic,
    SelfAssessment,
    Topic,
)
from tandem.people.services import department_save, gaps_kept


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "head"]
    search_fields = ["name", "code"]
    raw_id_fields = ["head"]
    list_select_related = ["parent", "head"]

    def save_model(self, request, obj, form, change):
        department_save(department=obj)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone"]


class RequirementInline(admin.TabularInline):
    model = JobProfileRequirement
    extra = 1


@admin.register(JobProfile)
class JobProfileAdmin(admin.ModelAdmin):
    list_display = ["title", "code"]
    search_fields = ["title", "code"]
    inlines = [RequirementInline]

    # the targets (inlines) and the profile itself decide the dashboards' gaps of its people
    def save_related(self, request, form, formsets, change):
        with transaction.atomic(), gaps_kept(people=Q(job_profile_id=form.instance.pk)):
            super().save_related(request, form, formsets, change)

    def delete_model(self, request, obj):
        with transaction.atomic(), gaps_kept(people=Q(job_profile_id=obj.pk)):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(), gaps_kept(people=Q(job_profile__in=list(queryset.values_list("pk", flat=True)))):
            super().delete_queryset(request, queryset)


class LevelInline(admin.TabularInline):
    model = CompetencyLevel
    extra = 0
    max_num = 5


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group"]
    list_filter = ["group"]
    search_fields = ["name", "code"]
    inlines = [LevelInline]


admin.site.register(CompetencyGroup)
admin.site.register(Topic)
admin.site.register(Language)


class TopicInline(admin.TabularInline):
    model = PersonTopic
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "employee_id", "department", "job_profile", "mentor_capacity", "is_active"]
    list_filter = ["is_active", "department", "communication_style"]
    search_fields = ["full_name", "employee_id", "email"]
    raw_id_fields = ["user", "manager"]
    list_select_related = ["department", "job_profile"]
    inlines = [TopicInline]

    # department, job profile and activity decide the dashboards' gaps (people.services.gaps_kept)
    def save_model(self, request, obj, form, change):
        if obj.pk is None:  # nobody new has ratings yet
            return super().save_model(request, obj, form, change)
        with transaction.atomic(), gaps_kept(people=Q(pk=obj.pk)):
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        with transaction.atomic(), gaps_kept(people=Q(pk=obj.pk)):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(), gaps_kept(people=Q(pk__in=list(queryset.values_list("pk", flat=True)))):
            super().delete_queryset(request, queryset)


class RatingAdminForm(forms.ModelForm):
    """The back office records a rating as the signed-in user, today, of a kind the rules let them
    record (``authz.rating_sources_allowed``): never back-dated, never in another rater's name."""

    class Meta:
        model = CompetencyRating
        fields = ["person", "competency", "level", "source", "note"]

    def clean(self):
        cleaned = super().clean()
        person, source = cleaned.get("person"), cleaned.get("source")
        if person is not None and source:
            allowed = authz.rating_sources_allowed(authz.actor_for(self.request_user), person)
            if source not in allowed:
                self.add_error("source", _("You cannot record a rating of this kind for this person."))
        return cleaned


@admin.register(CompetencyRating)
class CompetencyRatingAdmin(admin.ModelAdmin):
    """History is append-only: ratings can be added here (as the signed-in user, dated today) but
    not edited or deleted."""

    form = RatingAdminForm
    list_display = ["person", "competency", "level", "source", "rated_on", "rated_by"]
    list_filter = ["source", "competency"]
    search_fields = ["person__full_name", "person__employee_id"]
    raw_id_fields = ["person"]
    readonly_fields = ["rated_by", "rated_on"]
    list_select_related = ["person", "competency", "rated_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from tandem.people.services import rating_record

        saved = rating_record(person=obj.person, competency=obj.competency, level=obj.level, source=obj.source,
                              rated_by=authz.actor_for(request.user).person, rated_on=None, note=obj.note)
        obj.pk, obj.rated_by, obj.rated_on = saved.pk, saved.rated_by, saved.rated_on


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    """Read-only: only the person writes their self-assessment, and its history is kept."""

    list_display = ["person", "created_at"]
    list_select_related = ["person"]
    search_fields = ["person__full_name", "person__employee_id"]
    readonly_fields = ["person", "strengths", "development_areas", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "status", "total_rows", "created_count", "updated_count", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
