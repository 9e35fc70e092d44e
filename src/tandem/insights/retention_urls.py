"""Retention pages (included from ``config/urls.py``)."""

urlpatterns: list = []
