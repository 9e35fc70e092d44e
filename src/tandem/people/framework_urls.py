"""Competency framework pages (included from ``config/urls.py``)."""

urlpatterns: list = []
