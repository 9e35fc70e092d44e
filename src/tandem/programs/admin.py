from django.contrib import admin

from tandem.programs.models import Enrolment, Program


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
