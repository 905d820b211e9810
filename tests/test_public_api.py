"""The public face of the package: ``collagenplan.__all__`` is sorted, complete and exact."""

from __future__ import annotations

import re
import subprocess
import sys
import types

import attrs

import collagenplan


def _isort_key(name: str) -> tuple[int, list[object]]:
    """Constants first, then classes, then everything else; numbers compare as numbers.

    This is the order ruff's RUF022 rule ("isort-style") keeps ``__all__`` in.
    """
    if name.isupper() or (name.upper() == name and "_" in name):
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    parts = [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]
    return kind, parts


def test_all_is_sorted() -> None:
    """__all__ lists constants, then classes, then functions, each group sorted."""
    assert collagenplan.__all__ == sorted(collagenplan.__all__, key=_isort_key)


def test_all_has_no_duplicates() -> None:
    """No name is listed twice in __all__."""
    assert len(collagenplan.__all__) == len(set(collagenplan.__all__))


def test_all_names_exist() -> None:
    """Every name in __all__ is an attribute of the package."""
    assert [n for n in collagenplan.__all__ if not hasattr(collagenplan, n)] == []


def test_all_is_complete() -> None:
    """Every public, non-module attribute of the package is listed in __all__."""
    public = {
        name
        for name, value in vars(collagenplan).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert sorted(public - set(collagenplan.__all__)) == []


def test_star_import_gives_exactly_all() -> None:
    """``from collagenplan import *`` binds exactly the names in __all__."""
    namespace: dict[str, object] = {}
    exec("from collagenplan import *", namespace)
    namespace.pop("__builtins__")
    assert sorted(namespace) == sorted(collagenplan.__all__)


def test_dir_lists_every_public_name() -> None:
    """dir(collagenplan) lists the lazily loaded names too (exporters, capacity)."""
    assert set(collagenplan.__all__) <= set(dir(collagenplan))


def test_public_names_report_the_public_module() -> None:
    """Public functions and exceptions say they come from ``collagenplan``, not a private room.

    attrs value classes keep their defining module: their field docstrings
    (Sphinx, test_docs) and string annotations are read from it.
    """
    wrong = [
        name
        for name in collagenplan.__all__
        if isinstance(value := getattr(collagenplan, name), type | types.FunctionType)
        and not attrs.has(value)
        and value.__module__ != "collagenplan"
    ]
    assert wrong == []


# Public modules may list, beside the names the top level re-exports, these
# module-level names: schema constants and their old aliases, type aliases of
# public fields, column lists, the document registry and the entry point.
# Everything else a public module holds is an implementation detail, and the
# private modules (a leading underscore) may list whatever they share.
_MODULE_EXTRAS = {
    "collagenplan.clients": {"SCHEMA_VERSION", "CLIENT_SCHEMA_VERSION", "UnknownName"},
    "collagenplan.vocabulary": {
        "SCHEMA_VERSION",
        "KINDS",
        "Kind",
        "SCOPES",
        "Scope",
        "Match",
        "normalise",
    },
    "collagenplan.messages": {
        "LOCALES",
        "PARAM_KINDS",
        "PART_KINDS",
        "date_words",
        "day_words",
        "Message",
        "Param",
        "duration_words",
        "render",
        "translation",
        "unit_words",  # issue 13: durations in words in their own units (violations)
    },
    "collagenplan.tables": {"violation_line"},  # issue 13: a violation's line in a locale
    "collagenplan.clinics": {"SCHEMA_VERSION", "CLINIC_SCHEMA", "WEEKDAYS"},
    "collagenplan.protocols": {"SCHEMA_VERSION", "Tier"},
    "collagenplan.protocols.model": {"SCHEMA_VERSION", "Tier"},
    "collagenplan.results": {"Severity"},
    "collagenplan.sessions": {"SessionStatus", "VisitStatus"},
    "collagenplan.errors": {"MissingHolidaysError"},
    "collagenplan.documents": {
        "register",
        "schema_for",
        "schemas",
        "to_jsonable",
        "to_plain",
        # issue 12: JSON Schemas of the documents
        "SCHEMA_DIALECT",
        "json_schema",
        # issue 12: load hooks of register() read document bodies with it
        "read_body",
    },
    "collagenplan.exporters": {"MILESTONE_COLUMNS", "SESSION_COLUMNS", "schemas"},
    "collagenplan.exporters.csv_": {"MILESTONE_COLUMNS", "SESSION_COLUMNS"},
    "collagenplan.exporters.json_": {
        "register",
        "schema_for",
        "schemas",
        "to_jsonable",
        "to_plain",
    },
    "collagenplan.cli": {"main"},
    "collagenplan.capacity.projection": {"iso_week"},
    "collagenplan.capacity.plotting": {"plot_comparison", "plot_projection"},
    "collagenplan.capacity.scenarios": {
        "After",
        "Arrivals",
        "DEFAULT_OPEN",
        "MAX_PER_WEEK",
        "MAX_WEEKS",
        "SCHEMA_VERSION",
        "Unit",
        "WEEKDAYS",
    },
}


def test_public_modules_export_only_public_names() -> None:
    """A public module's __all__ holds only top-level names (or its capacity
    namespace's) plus its listed extras, and never a private name."""
    import importlib
    import pkgutil

    from collagenplan import capacity

    public = set(collagenplan.__all__) | set(capacity.__all__)
    leaks = {}
    for info in pkgutil.walk_packages(collagenplan.__path__, "collagenplan."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]):
            continue
        module = importlib.import_module(info.name)
        listed = set(getattr(module, "__all__", ()))
        extra = sorted(listed - public - _MODULE_EXTRAS.get(info.name, set()))
        extra += sorted(n for n in listed if n.startswith("_"))
        if extra:
            leaks[info.name] = extra
    assert leaks == {}


def test_import_does_not_load_heavy_dependencies() -> None:
    """``import collagenplan`` loads neither icalendar, cattrs, numpy nor the capacity tools."""
    heavy = ("icalendar", "cattrs", "numpy", "collagenplan.capacity", "collagenplan.exporters")
    code = f"import collagenplan, sys; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_import_loads_only_the_exceptions() -> None:
    """``import collagenplan`` loads the exceptions and nothing else of the package.

    Every other public name loads its module on first use (issue 16: the
    import costs about what its dependencies cost); the exceptions are there
    at once, reporting ``collagenplan`` as their module.
    """
    code = (
        "import collagenplan, sys; "
        "print(sorted(m for m in sys.modules if m.startswith('collagenplan'))); "
        "print(collagenplan.ProtocolError.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split("\n")[:2] == [
        "['collagenplan', 'collagenplan.errors']",
        "collagenplan",
    ]


def test_first_use_loads_one_module_and_fixes_up_its_names() -> None:
    """A lazy name loads its module; the module's other public names come with it."""
    code = (
        "import collagenplan as cp, sys; cp.next_due; print('replan' in vars(cp), "
        "cp.replan.__module__, 'collagenplan.exporters' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "collagenplan", "False"]
