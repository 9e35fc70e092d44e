import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings.base")
application = get_wsgi_application()


def _settle_the_garbage_collector() -> None:
    """What a web process loads before its first request (Django, the apps, the URLs and views: some
    200,000 objects) lives as long as the process. Frozen (``gc.freeze``), it is left out of every
    collection during requests, which otherwise walk all of it again (a full collection cost ~40 ms
    of a request at 50,000 people); and the youngest generation is collected after 10,000 new
    objects instead of 700, since one page makes tens of thousands of short-lived ones."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - import the views now, not in the first request
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


_settle_the_garbage_collector()
