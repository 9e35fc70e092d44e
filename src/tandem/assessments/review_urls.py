"""Pages of this part of assessments (included from ``config/urls.py``)."""

urlpatterns: list = []
