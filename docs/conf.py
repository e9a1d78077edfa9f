"""Sphinx configuration of the sklearn_gd documentation site.

Build it, with no network, from the repository's root::

    python -m pip install ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery (``examples/plot_*.py``) runs during the build; set
``SKLEARN_GD_DOCS_PLOT=0`` to render the examples without running them.
"""

import os
import warnings

import sklearn_gd

project = "sklearn_gd"
author = "the sklearn_gd developers"
copyright = "2026, the sklearn_gd developers"
release = sklearn_gd.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]

# Markdown pages (MyST): headings get anchors so that links such as
# ``losses.md#logloss---log_loss`` resolve; $...$ is inline maths.
myst_heading_anchors = 4
myst_enable_extensions = ["dollarmath"]

# API reference: one page per public object, generated into generated/.
autosummary_generate = True
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# Every parameter of a rendered docstring is documented, with a description:
# the build (warnings as errors) fails otherwise.
numpydoc_validation_checks = {"PR01", "PR02", "PR07", "PR10"}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every example, quickstart too
    "plot_gallery": os.environ.get("SKLEARN_GD_DOCS_PLOT", "True"),
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "within_subsection_order": "FileNameSortKey",
    # A gallery example that fails fails the build.
    "abort_on_example_error": True,
}

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_gd {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []

# matplotlib draws on no display while the gallery runs.
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings(
    "ignore", message="FigureCanvasAgg is non-interactive", category=UserWarning
)


def skip_metadata_request_methods(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated ``set_{method}_request`` methods.

    scikit-learn adds them to each estimator class for metadata routing; their
    docstrings point into scikit-learn's user guide (see api.rst).
    """
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", skip_metadata_request_methods)
