from django.contrib import admin

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
from tandem.people.services import department_save


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


@admin.register(CompetencyRating)
class CompetencyRatingAdmin(admin.ModelAdmin):
    """History is append-only: ratings can be added here but not edited or deleted."""

    list_display = ["person", "competency", "level", "source", "rated_on"]
    list_filter = ["source", "competency"]
    search_fields = ["person__full_name", "person__employee_id"]
    raw_id_fields = ["person", "rated_by"]
    list_select_related = ["person", "competency"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from tandem.people.services import rating_record

        rating_record(person=obj.person, competency=obj.competency, level=obj.level, source=obj.source,
                      rated_by=obj.rated_by, rated_on=obj.rated_on, note=obj.note)


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    list_display = ["person", "created_at"]
    raw_id_fields = ["person"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "status", "total_rows", "created_count", "updated_count", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
