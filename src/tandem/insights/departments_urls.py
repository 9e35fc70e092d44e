"""Pages of this part of insights (included from ``config/urls.py``)."""

urlpatterns: list = []
