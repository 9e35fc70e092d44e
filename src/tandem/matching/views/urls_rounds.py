from django.urls import path

from tandem.matching.views import rounds

urlpatterns: list = [
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/my-ranking/", rounds.round_rank_departments, name="round_rank_departments"),
    path("rounds/<int:round_id>/departments/<str:code>/ranking/", rounds.round_rank_graduates,
         name="round_rank_graduates"),
    path("rounds/<int:round_id>/departments/<str:code>/pitch/", rounds.round_pitch, name="round_pitch"),
    path("rounds/<int:round_id>/publish/", rounds.round_publish, name="round_publish"),
    path("rounds/<int:round_id>/publications/<int:publication_id>/status/", rounds.round_publication_status,
         name="round_publication_status"),
    path("rounds/<int:round_id>/explain/<str:employee_id>/", rounds.round_explain, name="round_explain"),
    path("rounds/<int:round_id>/nudge/", rounds.round_nudge, name="round_nudge"),
    path("rounds/<int:round_id>/placements/<str:employee_id>/", rounds.round_place, name="round_place"),
    path("rounds/<int:round_id>/second-round/", rounds.round_second, name="round_second"),
]
