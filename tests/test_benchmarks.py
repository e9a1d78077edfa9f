"""Smoke test of ``benchmarks/run.py`` at tiny sizes.

Checks that every row is produced with a finite positive ratio and that the
text, markdown and JSON outputs are well formed. Nothing here is timed: the
numbers of a tiny run mean nothing.
"""

import contextlib
import importlib.util
import io
import json
import math
import sys
from pathlib import Path

import pytest

RUN_PY = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    """``benchmarks/run.py`` imported as a module (benchmarks/ is no package)."""
    spec = importlib.util.spec_from_file_location("benchmarks_run", RUN_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def tiny_run(bench, tmp_path_factory):
    """One tiny run through ``main``, with its stdout and JSON file."""
    path = tmp_path_factory.mktemp("bench") / "results.json"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        results = bench.main(
            ["--sizes", "tiny", "--repeats", "1", "--threads", "1", "--json", str(path)]
        )
    assert "[" in stderr.getvalue()  # progress lines go to stderr
    return results, stdout.getvalue(), json.loads(path.read_text())


def test_every_row_has_a_finite_positive_ratio(bench, tiny_run):
    results, _, _ = tiny_run
    rows = results["rows"]
    assert len(rows) == len(bench.ROWS)
    assert len({row["key"] for row in rows}) == len(rows)
    for row in rows:
        assert isinstance(row["ratio"], float), row
        assert math.isfinite(row["ratio"]) and row["ratio"] > 0, row
        assert row["ours"] > 0 and row["reference"] > 0, row
        if row["target"] is None:
            assert row["met"] is None
        else:
            assert row["met"] is (row["ratio"] <= row["target"])


def test_table_names_every_row_and_the_environment(tiny_run):
    results, stdout, _ = tiny_run
    for row in results["rows"]:
        assert row["name"] in stdout
    for needle in ["numpy", "scipy", "scikit-learn", "sklearn_gd", "CPUs", "BLAS"]:
        assert needle in stdout
    assert "targets met:" in stdout


def test_rows_cover_the_issue(tiny_run):
    keys = {row["key"] for row in tiny_run[0]["rows"]}
    expected = {
        "epoch_clf_sgd_vs_sklearn",
        "epoch_clf_adam_vs_sklearn",
        "epoch_reg_sgd_vs_sklearn",
        "epoch_reg_adam_vs_sklearn",
        "epoch_clf_sgd_vs_floor",
        "epoch_clf_adam_vs_floor",
        "epoch_clf_sgd_float32_vs_float64",
        "epoch_sparse_sgd_vs_sklearn",
        "lbfgs_vs_logistic_regression",
        "defaults_vs_sgd",
        "defaults_vs_lr",
        "fit_overhead",
        "memory_sgd",
        "memory_lbfgs",
        "network_epoch_float64_vs_mlp",
        "network_epoch_float32_vs_mlp",
        "network_defaults_digits",
        "network_l1_nonzeros",
        "callback_overhead",
    }
    assert expected <= keys


def test_json_file_matches_the_returned_results(tiny_run):
    results, _, written = tiny_run
    assert written["rows"] == json.loads(json.dumps(results["rows"]))
    meta = written["meta"]
    assert meta["mode"] == "tiny"
    assert meta["thread_limit"] == 1
    for key in ["python", "numpy", "scipy", "scikit-learn", "sklearn_gd", "blas"]:
        assert meta[key]


def test_markdown_is_a_table_with_one_line_per_row(bench, tiny_run):
    results, _, _ = tiny_run
    rows = [bench.Row(**_init_fields(bench, row)) for row in results["rows"]]
    markdown = bench.format_markdown(results["meta"], rows)
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    # Header, separator, then one line per row, each with the same column count.
    assert len(table) == 2 + len(rows)
    assert len({line.count(" | ") for line in table if "---" not in line}) == 1


def test_quick_and_sizes_options(bench):
    assert bench.parse_args(["--quick"]).sizes == "quick"
    assert bench.parse_args([]).sizes == "full"
    assert bench.parse_args([]).repeats == bench.SIZES["full"].repeats
    assert bench.parse_args(["--quick", "--repeats", "2"]).repeats == 2
    with pytest.raises(SystemExit):
        bench.parse_args(["--quick", "--sizes", "tiny"])
    with pytest.raises(SystemExit):
        bench.parse_args(["--repeats", "0"])
    with pytest.raises(SystemExit):
        bench.parse_args(["--threads", "0"])


def _init_fields(bench, row: dict) -> dict:
    """The constructor arguments of ``Row`` from its JSON form."""
    init = {"key", "name", "data", "ours", "reference", "unit", "target", "notes"}
    return {key: value for key, value in row.items() if key in init}
