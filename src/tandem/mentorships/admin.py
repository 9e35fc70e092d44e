from django.contrib import admin

from tandem.mentorships.models import Mentorship


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["mentee", "mentor", "program", "status", "origin", "created_at"]
    list_filter = ["status", "origin", "program"]
    search_fields = ["mentee__full_name", "mentor__full_name"]
    raw_id_fields = ["mentor", "mentee"]
    list_select_related = ["mentor", "mentee", "program"]
