from django.contrib import admin

from tandem.notifications.models import (
    Notification,
    NotificationPreference,
    ScheduledJob,
    SentReminder,
)


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


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    """The keys of reminders that went out: history, read-only."""

    list_display = ["kind", "subject", "occasion", "recipient", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "recipient__full_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    """The periodic jobs: an administrator may pause one or move its next run; the schedule itself
    comes from the code (``notifications/scheduler.py``)."""

    list_display = ["name", "every_seconds", "daily_at", "enabled", "next_run_at", "last_run_at", "last_worker", "runs"]
    fields = ["name", "task", "every_seconds", "daily_at", "time_zone", "enabled", "next_run_at", "last_run_at",
              "last_worker", "runs"]
    readonly_fields = ["name", "task", "every_seconds", "daily_at", "time_zone", "last_run_at", "last_worker", "runs"]

    def has_add_permission(self, request):
        return False
