"""Every example script runs to completion, and so does ``python -m sklearn_gd``.

Each script runs in a fresh interpreter, from an empty temporary directory (so
it cannot rely on the repository's working directory or leave files in it),
with a non-interactive matplotlib backend. New scripts in examples/ are picked
up by the glob.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.py"))
TIMEOUT = 300  # seconds per script


def run_python(args, cwd):
    """Run ``python *args`` in ``cwd``; fail with its output if it fails."""
    completed = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={**os.environ, "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert completed.returncode == 0, (
        f"`python {' '.join(map(str, args))}` exited with {completed.returncode}\n"
        f"--- stdout ---\n{completed.stdout}\n--- stderr ---\n{completed.stderr}"
    )


@pytest.mark.parametrize(
    "script",
    EXAMPLES
    or [
        pytest.param(
            None, marks=pytest.mark.skip(reason=f"no scripts in {EXAMPLES_DIR} yet")
        )
    ],
    ids=lambda script: script.name if script else "none",
)
def test_example_runs(script, tmp_path):
    run_python([script], cwd=tmp_path)


def test_python_m_sklearn_gd_runs(tmp_path):
    # Smoke test of the main job: `python -m sklearn_gd` (sklearn_gd/__main__.py)
    # must run end to end. It is not skipped when the module is missing: that
    # is a failure.
    run_python(["-m", "sklearn_gd"], cwd=tmp_path)
