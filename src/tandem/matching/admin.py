from django.contrib import admin

from tandem.matching.models import MatchConstraint, MatchRun, RoundSeat, SelectionRound


class SeatInline(admin.TabularInline):
    model = RoundSeat
    extra = 0


@admin.register(SelectionRound)
class SelectionRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "deadline", "status"]
    inlines = [SeatInline]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["program", "status", "total_score", "created_at", "committed_at"]
    readonly_fields = ["pairs", "unmatched"]


admin.site.register(MatchConstraint)
