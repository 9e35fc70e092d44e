from django.contrib import admin

from tandem.audit.models import AuditEntry
from tandem.core import authz


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the trail is append-only."""

    list_display = ["at", "actor_username", "via", "action", "object_type", "object_id", "label"]
    list_filter = ["via", "action", "object_type"]
    search_fields = ["actor_username", "object_id", "label"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return authz.can_view_audit(authz.actor_for(request.user))

    def has_module_permission(self, request):
        return self.has_view_permission(request)
