"""Pages of a mentorship's library (included from ``mentorships/urls.py``)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
