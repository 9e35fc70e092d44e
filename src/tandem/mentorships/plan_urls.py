"""Pages of a mentorship's plan (included from ``mentorships/urls.py``)."""

from django.urls import path

from tandem.mentorships import plan_views as v

P = "mentorships/<int:mentorship_id>/plan/"

urlpatterns: list = [
    path(P, v.plan, name="mentorship_plan"),
    path(P + "needs/", v.needs, name="mentorship_plan_needs"),
    path(P + "edit/", v.edit, name="mentorship_plan_edit"),
    path(P + "goals/add/", v.goal_add, name="mentorship_plan_goal_add"),
    path(P + "goals/<int:goal_id>/", v.goal_save, name="mentorship_plan_goal"),
    path(P + "goals/<int:goal_id>/milestones/add/", v.milestone_add, name="mentorship_plan_milestone_add"),
    path(P + "milestones/<int:milestone_id>/", v.milestone_save, name="mentorship_plan_milestone"),
    path(P + "milestones/<int:milestone_id>/progress/", v.milestone_progress, name="mentorship_plan_progress"),
    path(P + "comments/", v.comment_add, name="mentorship_plan_comment"),
    path(P + "confirm/", v.confirm, name="mentorship_plan_confirm"),
    path(P + "versions/", v.versions, name="mentorship_plan_versions"),
    path(P + "versions/<int:number>/", v.version, name="mentorship_plan_version"),
]
