"""Where the "?" link of an estimator's HTML representation points.

scikit-learn's HTML repr (a fitted estimator shown in a notebook) links each
estimator to its API page through ``_doc_link_module`` and
``_doc_link_template`` (see ``sklearn.utils._repr_html.base``). The template is
formatted with the public module (``sklearn_gd``, ``sklearn_gd.losses``, ...) and
the class name, the names the API reference (``docs/api.rst``) gives its
generated pages.
"""

#: Where the documentation site (``docs/``) is published: pyproject.toml's
#: ``Documentation`` URL (tests/test_doc_link.py checks that they agree).
DOCS_URL = "https://sklearn-gd.readthedocs.io/en/latest"


class DocLinkMixin:
    """Link the HTML representation to this library's API reference."""

    _doc_link_module = "sklearn_gd"
    _doc_link_template = (
        DOCS_URL + "/generated/{estimator_module}.{estimator_name}.html"
    )
