"""The HTML repr links each estimator and component to its API page.

``docs/api.rst`` generates one page per public object, named
``generated/<public module>.<name>.html``; scikit-learn's ``_get_doc_link``
must give exactly that address, and every public object must be listed there.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import estimator_html_repr

from sklearn_gd import GDClassifier, GDRegressor
from sklearn_gd._doc_link import DOCS_URL

ROOT = Path(__file__).resolve().parent.parent
API_RST = ROOT / "docs" / "api.rst"
PUBLIC_MODULES = [
    "sklearn_gd",
    "sklearn_gd.losses",
    "sklearn_gd.optimizers",
    "sklearn_gd.penalties",
    "sklearn_gd.schedules",
    "sklearn_gd.activations",
    "sklearn_gd.initializers",
    "sklearn_gd.validation",
]


def api_reference_entries():
    """``(module, name)`` for every object listed in docs/api.rst's autosummaries."""
    entries, module = set(), None
    for line in API_RST.read_text().splitlines():
        current = re.match(r"\.\. currentmodule:: (\S+)", line)
        if current:
            module = current.group(1)
        elif re.match(r"   [A-Za-z_]\w*$", line):
            entries.add((module, line.strip()))
    return entries


def public_objects():
    """``(module, name, object)`` for the classes and functions in each ``__all__``."""
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield module_name, name, obj


def test_every_public_object_is_in_the_api_reference():
    listed = api_reference_entries()
    missing = [
        f"{module}.{name}"
        for module, name, _ in public_objects()
        if (module, name) not in listed
    ]
    assert not missing, f"not in docs/api.rst: {missing}"


@pytest.mark.parametrize(
    "module, name, cls",
    [
        entry
        for entry in public_objects()
        if inspect.isclass(entry[2]) and hasattr(entry[2], "_get_doc_link")
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_doc_link_is_the_generated_api_page(module, name, cls):
    try:
        instance = cls()
    except TypeError:  # an abstract base class: link of a bare instance
        instance = object.__new__(cls)
    expected = f"{DOCS_URL}/generated/{module}.{name}.html"
    assert instance._get_doc_link() == expected


def test_html_repr_links_each_estimator_to_its_page():
    # Also inside a Pipeline, where scikit-learn's own steps keep their links.
    html = estimator_html_repr(make_pipeline(StandardScaler(), GDClassifier()))
    assert f"{DOCS_URL}/generated/sklearn_gd.GDClassifier.html" in html
    assert "scikit-learn.org" in html
    html = estimator_html_repr(GDRegressor())
    assert f"{DOCS_URL}/generated/sklearn_gd.GDRegressor.html" in html


def test_doc_link_points_where_pyproject_says_the_site_is():
    pyproject = (ROOT / "pyproject.toml").read_text()
    (address,) = re.findall(r'^Documentation = "([^"]+)"$', pyproject, re.MULTILINE)
    assert address == DOCS_URL
