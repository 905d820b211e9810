"""Sphinx configuration for the collagenplan documentation.

Pages are Markdown (MyST). The API reference is generated from docstrings
with autodoc and napoleon (Google-style ``Args:`` / ``Returns:`` /
``Raises:`` sections). ``tests/test_docs.py`` builds this site with warnings
as errors and runs every example on its pages.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import collagenplan  # noqa: E402

project = "collagenplan"
author = "collagenplan developers"
copyright = "collagenplan developers"
release = collagenplan.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# MyST: ``{eval-rst}`` blocks carry autodoc directives; heading anchors let
# pages link to a section (``dates.md#month-ends``).
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# autodoc: document what the docstrings say, in source order; functions show
# their type hints in the signature, attrs classes their fields' types.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True
napoleon_use_rtype = False

html_theme = "furo"
html_title = f"collagenplan {release}"
html_static_path: list[str] = []
pygments_style = "sphinx"


def _factory_default(factory: Any) -> str:
    """A short, readable stand-in for an attrs ``Factory`` default."""
    value = factory.factory() if not factory.takes_self else None
    if value is not None and len(repr(value)) <= 12:
        return repr(value)
    return f"{factory.factory.__name__}()"


def _attrs_signature(
    app: object,
    what: str,
    name: str,
    obj: Any,
    options: object,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    """Show attrs classes with their real keyword defaults.

    attrs generates ``__init__``; its signature shows factory defaults as
    ``NOTHING``. Rebuild it from the fields so readers see ``areas=()`` and
    ``late=LatePolicy()``.
    """
    if what not in ("class", "exception") or not attrs.has(obj):
        return None
    params = []
    keyword_only = False
    for field in attrs.fields(obj):
        if not field.init:
            continue
        if field.kw_only and not keyword_only:
            params.append("*")
            keyword_only = True
        if field.default is attrs.NOTHING:
            params.append(field.name)
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            params.append(f"{field.name}={_factory_default(field.default)}")
        else:
            params.append(f"{field.name}={field.default!r}")
    return f"({', '.join(params)})", return_annotation


def _data_docstring(value: object, name: str) -> list[str] | None:
    """The attribute docstring of a module-level value re-exported by the package.

    autodoc looks for ``#:`` comments or a docstring after the assignment in
    the module it was asked about (``collagenplan``); a re-exported constant
    such as ``CODES`` is documented in the module that defines it.
    """
    from sphinx.pycode import ModuleAnalyzer

    for info in pkgutil.walk_packages(collagenplan.__path__, "collagenplan."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        if getattr(module, name, None) is not value:
            continue
        docs = ModuleAnalyzer.for_module(info.name).find_attr_docs()
        if ("", name) in docs:
            return list(docs[("", name)])
    return None


def _reexported_data(
    app: object, what: str, name: str, obj: Any, options: object, lines: list[str]
) -> None:
    """Give re-exported constants their own docstring, not their type's."""
    from sphinx.pycode import ModuleAnalyzer

    if what != "data" or not name.startswith("collagenplan."):
        return
    module, _, short = name.rpartition(".")
    if ("", short) in ModuleAnalyzer.for_module(module).find_attr_docs():
        return
    own = _data_docstring(obj, short)
    if own is not None:
        lines[:] = own


def _napoleon_for_callables(app: Any) -> None:
    """Let napoleon read function and class docstrings, not attribute ones.

    napoleon reads an attribute docstring whose first line holds a colon as
    ``type: description`` ("``continue``: the series carries on" would become
    a type named ``continue``). Our attribute docstrings are plain sentences
    and the type comes from the annotation, so they are passed through as
    written.
    """
    from sphinx.ext import napoleon

    listeners = app.events.listeners["autodoc-process-docstring"]
    for listener in list(listeners):
        if listener.handler is napoleon._process_docstring:
            app.disconnect(listener.id)

    def process(
        app: object, what: str, name: str, obj: Any, options: object, lines: list[str]
    ) -> None:
        if what not in ("attribute", "data", "property"):
            napoleon._process_docstring(app, what, name, obj, options, lines)  # type: ignore[arg-type]

    app.connect("autodoc-process-docstring", process)


def setup(app: Any) -> dict[str, object]:
    from pygments.lexers.special import TextLexer  # type: ignore[import-untyped]

    # Fenced blocks marked ``output`` hold what the example above them
    # prints; tests/test_docs.py checks them, Sphinx shows them as text.
    app.add_lexer("output", TextLexer)
    _napoleon_for_callables(app)
    app.connect("autodoc-process-signature", _attrs_signature)
    app.connect("autodoc-process-docstring", _reexported_data)
    return {"parallel_read_safe": True}
