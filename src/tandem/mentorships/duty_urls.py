"""Pages of a mentorship's duties (included from ``mentorships/urls.py``)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
