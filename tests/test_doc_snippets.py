"""The code blocks in README.md and docs/*.md run and print what they claim.

Every fenced ``python`` block is run on its own, with warnings turned into
errors. The comment lines directly below a ``print(...)`` line at the start of
a line (``# [1.0, 0.82, ...]``) are that print's expected output; together
they must equal everything the block prints, so a print without its expected
output fails too. A change of defaults that moves a documented number (the
``"auto"`` step once did) then fails here instead of leaving a stale doc.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def snippets():
    for document in DOCUMENTS:
        for number, match in enumerate(BLOCK.finditer(document.read_text()), 1):
            yield pytest.param(match.group(1), id=f"{document.name}-{number}")


def expected_output(code: str) -> list[str]:
    """The ``# ...`` lines that follow each top-level ``print(`` line."""
    expected, after_print = [], False
    for line in code.splitlines():
        if line.startswith("print("):
            after_print = True
        elif after_print and line.startswith("# "):
            expected.append(line[2:])
        else:
            after_print = False
    return expected


@pytest.mark.parametrize("code", list(snippets()))
def test_snippet_runs_and_prints_what_it_claims(code):
    printed = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(printed):
        warnings.simplefilter("error")
        exec(compile(code, "<snippet>", "exec"), {"__name__": "snippet"})
    assert printed.getvalue().splitlines() == expected_output(code)


def test_every_document_with_code_is_found():
    # Guards the regular expression: a miss would silently test nothing.
    names = {param.id.rsplit("-", 1)[0] for param in snippets()}
    assert {"README.md", "losses.md", "optimizers.md", "penalties.md"} <= names
    assert "schedules.md" in names
