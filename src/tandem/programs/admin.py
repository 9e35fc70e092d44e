from django.contrib import admin

from tandem.programs.models import CadenceDuty, Enrolment, Phase, Program, ProgramMilestone


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    raw_id_fields = ["person"]
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "program_type", "matching_mode", "status", "starts_on", "ends_on", "owner"]
    list_filter = ["program_type", "matching_mode", "status"]
    search_fields = ["name"]
    raw_id_fields = ["owner"]
    inlines = [EnrolmentInline]
    filter_horizontal = ["eligible_departments", "eligible_job_profiles", "eligible_languages"]


class MilestoneInline(admin.TabularInline):
    model = ProgramMilestone
    fields = ["name", "kind", "due_day", "concerns", "done_at"]
    extra = 0


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "order", "start_day", "end_day"]
    list_filter = ["program"]
    inlines = [MilestoneInline]


@admin.register(CadenceDuty)
class CadenceDutyAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "code", "required", "period", "requirement", "concerns"]
    list_filter = ["required", "period", "requirement"]
