from django.contrib import admin

from tandem.calendars.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Read-only: the token is hashed; a person makes or revokes their feed themselves."""

    list_display = ("person", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("person__full_name", "person__employee_id", "prefix")
    readonly_fields = ("person", "prefix", "language", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
