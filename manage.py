#!/usr/bin/env python
"""Django's command-line utility for Tandem."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:  # a setting is missing or wrong: say which, not a traceback
        if os.environ.get("DEBUG") == "1":
            raise
        sys.exit(f"Configuration error: {exc}")
