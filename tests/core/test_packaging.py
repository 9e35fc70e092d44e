"""tandem is an installed package: importable in the project's venv from any directory."""

from __future__ import annotations

import os
import subprocess
import sys


def test_tandem_matching_imports_from_another_directory_without_pythonpath(tmp_path):
    # given: a directory outside the project, and no PYTHONPATH pointing at src/
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    # when
    result = subprocess.run(
        [sys.executable, "-c", "import tandem, tandem.matching; from tandem.matching import stable_match; "
         "print(stable_match.__name__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )

    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "stable_match"
