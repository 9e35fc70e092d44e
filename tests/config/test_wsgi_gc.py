"""The web process settles its garbage collector once the app is loaded (config/wsgi.py)."""
from __future__ import annotations

import os
import subprocess
import sys


def test_the_wsgi_module_freezes_what_it_loaded_and_raises_the_young_threshold():
    code = ("import gc, django.urls; import tandem.config.wsgi as w; "
            "print(gc.get_freeze_count(), gc.get_threshold()[0], 'tandem.web.views' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", "import sys; " + code], capture_output=True, text=True, check=True,
                         env={**os.environ, "DJANGO_SETTINGS_MODULE": "tandem.config.settings.test"})
    frozen, threshold, views_loaded = out.stdout.split()
    assert int(frozen) > 50_000 and int(threshold) == 10_000 and views_loaded == "True"
