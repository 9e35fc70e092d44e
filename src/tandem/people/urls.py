"""Import pages (see people/import_views.py)."""

urlpatterns: list = []
