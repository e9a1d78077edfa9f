"""The examples in every docstring of the package run and print what they claim.

Each module of ``sklearn_gd`` (found by walking the package, so new modules are
picked up) has its doctests run with the standard library's ``doctest``. An
example fails the test if its output differs from the docstring's, if it raises
unexpectedly, or if it emits a warning (a ``ConvergenceWarning``, say): warnings
go to stderr, which doctest does not compare, so an example could otherwise
claim a result that comes with one.
"""

import doctest
import importlib
import io
import pkgutil
import warnings

import pytest

import sklearn_gd

MODULES = ["sklearn_gd"] + sorted(
    info.name
    for info in pkgutil.walk_packages(sklearn_gd.__path__, prefix="sklearn_gd.")
)


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    problems = []
    for test in finder.find(module, module_name):
        if not test.examples:
            continue
        report = io.StringIO()
        runner = doctest.DocTestRunner(verbose=False)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = runner.run(test, out=report.write)
        if result.failed:
            problems.append(f"{test.name}: {result.failed} failed\n{report.getvalue()}")
        for warning in caught:
            problems.append(
                f"{test.name}: {warning.category.__name__} "
                f"({warning.filename}:{warning.lineno}): {warning.message}"
            )
    assert not problems, "\n".join(problems)


def test_modules_found():
    # Guards against the walk silently finding nothing.
    assert {"sklearn_gd._regressor", "sklearn_gd._classifier"} <= set(MODULES)
