from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tandem.mentorships.models import Agreement, AgreementSignature, Mentorship, Transition


class _ReadOnly(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields if f.name != "id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD")

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class TransitionInline(_ReadOnlyInline):
    model = Transition
    fields = ["at", "from_status", "to_status", "actor", "actor_role", "reason"]


@admin.register(Mentorship)
class MentorshipAdmin(_ReadOnly):
    """Read-only in the back office: who mentors whom and in which state decides who sees a
    person's competencies, so a pairing is made, moved and ended only through the mentorship
    services — the pairing's own page (linked here) offers those actions to the people allowed to
    take them, checks the rules and keeps the history."""

    list_display = ["mentee", "mentor", "program", "status", "origin", "created_at"]
    list_filter = ["status", "origin", "program"]
    search_fields = ["mentee__full_name", "mentor__full_name"]
    list_select_related = ["mentor", "mentee", "program"]
    inlines = [TransitionInline]

    def get_readonly_fields(self, request, obj=None):
        return ["actions_page", *super().get_readonly_fields(request, obj)]

    @admin.display(description=_("Actions"))
    def actions_page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(),
                           _("Open the pairing's page to complete, end or withdraw it"))


class SignatureInline(_ReadOnlyInline):
    model = AgreementSignature
    fields = ["party", "person", "signed_at"]


@admin.register(Agreement)
class AgreementAdmin(_ReadOnly):
    """Signed agreements never change; a new version is made on the pairing's agreement page."""

    list_display = ["mentorship", "version", "starts_on", "ends_on", "fully_signed_at"]
    list_select_related = ["mentorship__mentor", "mentorship__mentee"]
    inlines = [SignatureInline]


# -- the coaching log's library (library_models.py): read-only; files are opened through the pair's
# pages (the download view checks who may read the log), private notes are not shown at all.
from tandem.mentorships.library_models import Resource, Transcript  # noqa: E402


@admin.register(Resource)
class ResourceAdmin(_ReadOnly):
    """Who shared what kind of resource in which log, and when. Shared and removed by the pair only."""

    list_display = ["mentorship", "kind", "side", "shared_by", "size", "created_at"]
    list_filter = ["kind", "side"]
    list_select_related = ["mentorship__mentor", "mentorship__mentee", "shared_by"]
    fields = ["mentorship", "session", "kind", "side", "shared_by", "size", "content_type", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields


@admin.register(Transcript)
class TranscriptAdmin(_ReadOnly):
    """Which session has a transcript (its text stays on the pair's session page)."""

    list_display = ["session", "format", "uploaded_by", "updated_at"]
    list_select_related = ["session", "uploaded_by"]
    fields = ["session", "format", "uploaded_by", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields
