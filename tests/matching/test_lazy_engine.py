"""Loading the URLs (what every web worker does at start) does not import NumPy, SciPy or numba:
the engine loads on first use only (a worker started at ~218 MB when the flows imported it)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import sys
import django
django.setup()
from django.urls import get_resolver
from tandem.config import urls  # noqa: F401
get_resolver().url_patterns
from tandem.config import api  # noqa: F401
loaded = sorted(m for m in ("numpy", "scipy", "numba") if m in sys.modules)
print("LOADED=" + ",".join(loaded))
from tandem.matching.flows import bulk
bulk.mutual_pairing.__call__  # noqa: B018
from tandem.matching import adapter
adapter.weights_for  # noqa: B018
print("AFTER=" + ",".join(sorted(m for m in ("numpy",) if m in sys.modules)))
"""


def _run(settings: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings}
    src = str(Path(__file__).resolve().parents[2] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.mark.parametrize("settings", ["tandem.config.settings.test", "tandem.config.settings.base"])
def test_loading_the_urls_imports_no_numpy_scipy_or_numba(settings):
    out = _run(settings)
    assert "LOADED=\n" in out, out
    assert "AFTER=\n" in out, out  # importing the flow modules does not import it either


@pytest.mark.django_db
def test_the_engine_still_loads_when_a_flow_needs_it():
    from tandem.matching import adapter

    assert adapter.weights_for.__name__ == "weights_for"
    import numpy as np

    from tandem.matching.flows.bulk import mutual_pairing

    allowed = np.ones((2, 2), dtype=bool)
    np.fill_diagonal(allowed, False)
    assert list(mutual_pairing(np.full((2, 2), 0.5), allowed)) == [1, -1]
