from django.contrib import admin

from tandem.mentorships.models import Mentorship


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    """Read-only in the back office: who mentors whom and in which state decides who sees a
    person's competencies, so a pairing is made, moved and ended only through the mentorship
    services (the pages and the API), which check the rules and keep the history."""

    list_display = ["mentee", "mentor", "program", "status", "origin", "created_at"]
    list_filter = ["status", "origin", "program"]
    search_fields = ["mentee__full_name", "mentor__full_name"]
    list_select_related = ["mentor", "mentee", "program"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
