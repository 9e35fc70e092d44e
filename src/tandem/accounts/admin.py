from django.contrib import admin

from tandem.accounts.forms import ThrottledAdminLoginForm
from tandem.accounts.models import ApiToken

# /admin/login/ goes through the same throttle as the app's sign-in (the backend enforces it; this
# form says so and for how long).
admin.site.login_form = ThrottledAdminLoginForm


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    readonly_fields = ["user", "prefix", "key_hash", "scope", "created_at", "expires_at", "last_used_at"]
    search_fields = ["name", "user__username"]

    def has_add_permission(self, request):
        return False  # a token's secret is shown once, on the tokens page or by issue_api_token
