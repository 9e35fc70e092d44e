from django.contrib import admin

from tandem.matching.models import (
    MatchConstraint,
    MatchRun,
    RoundPublication,
    RoundSeat,
    SelectionRound,
)


class HistoryAdmin(admin.ModelAdmin):
    """Computations and their results are history: seen in the back office, changed only by the
    services (a run is committed or discarded on the bulk page; a publication is requested on the
    round page)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SeatInline(admin.TabularInline):
    model = RoundSeat
    extra = 0


@admin.register(SelectionRound)
class SelectionRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "deadline", "status"]
    inlines = [SeatInline]


@admin.register(MatchRun)
class MatchRunAdmin(HistoryAdmin):
    list_display = ["program", "status", "progress", "stage", "total_score", "created_at", "committed_at"]
    list_filter = ["status"]


@admin.register(RoundPublication)
class RoundPublicationAdmin(HistoryAdmin):
    list_display = ["round", "status", "progress", "stage", "force", "created_at", "finished_at"]
    list_filter = ["status"]


admin.site.register(MatchConstraint)
