from django.contrib import admin

from tandem.notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "created_at", "read_at", "email_wanted", "emailed_at"]
    list_filter = ["kind", "email_wanted"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["recipient", "kind", "params", "url", "mentorship_id", "object_id", "created_at", "emailed_at"]
    search_fields = ["recipient__full_name", "recipient__email"]

    def has_add_permission(self, request):
        return False  # notifications come from domain events


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["person", "language", "email_mode", "updated_at"]
    list_filter = ["language", "email_mode"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    search_fields = ["person__full_name", "person__email"]
