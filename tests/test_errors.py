"""The exception tree: drawn once in ``errors.__doc__``, and the drawing is the real tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import collagenplan as cp
from collagenplan import errors
from collagenplan.capacity import MissingExtraError as CapacityMissingExtraError

_NODE = re.compile(r"^(?P<indent>[ │]*)(?:[├└]── )?(?P<name>[A-Z]\w*Error)\b")


def _drawn() -> set[tuple[str, str]]:
    """(parent, child) pairs of the tree drawn in the module docstring."""
    assert errors.__doc__ is not None
    pairs: set[tuple[str, str]] = set()
    stack: list[tuple[int, str]] = []
    for line in errors.__doc__.splitlines():
        found = _NODE.match(line.removeprefix("    "))
        if found is None:
            continue
        depth = len(found["indent"]) // 4 + (1 if "──" in line else 0)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            pairs.add((stack[-1][1], found["name"]))
        stack.append((depth, found["name"]))
    return pairs


def _real(cls: type[BaseException]) -> set[tuple[str, str]]:
    """(parent, child) pairs of the collagenplan subclasses under ``cls``."""
    pairs: set[tuple[str, str]] = set()
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("collagenplan"):
            pairs.add((cls.__name__, sub.__name__))
            pairs |= _real(sub)
    return pairs


def test_drawn_tree_is_the_real_tree() -> None:
    """Every edge drawn in errors.__doc__ is a real subclass edge, and every real one is drawn."""
    assert _drawn() == _real(errors.CollagenPlanError)


def test_every_error_is_in_all_and_drawn() -> None:
    """errors.__all__ lists every exception class of the module, and each is drawn;
    the warning classes are listed too and named in the module's docstring."""
    classes = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.CollagenPlanError)
    }
    warns = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type)
        and issubclass(value, Warning)
        and value.__module__.startswith("collagenplan")
    }
    assert warns == {"RenamedKeyWarning"}
    assert classes | warns == set(errors.__all__)
    drawn = {name for pair in _drawn() for name in pair}
    assert classes == drawn
    assert all(f"{name} (" in (errors.__doc__ or "") for name in warns)


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (errors.InputError("must be >= 1"), "must be >= 1"),
        (errors.InputError("must be >= 1", path="every"), "every: must be >= 1"),
        (
            errors.ProtocolError("must be >= 1", path="phases[0].every", source="p.toml"),
            "p.toml: phases[0].every: must be >= 1",
        ),
        (errors.ClinicError("bad", source="c.toml", line=3), "c.toml:3: bad"),
        (errors.ClientError("bad", line=3), "line 3: bad"),
    ],
)
def test_input_error_message(error: errors.InputError, text: str) -> None:
    """An InputError reads ``file[:line]: key.path: problem``, each part only when known."""
    assert str(error) == text


@pytest.mark.parametrize(
    ("path", "prefix", "expected"),
    [
        ("", "phases[0]", "phases[0]"),
        ("every", "phases[0]", "phases[0].every"),
        ("[2]", "phases", "phases[2]"),
        ("every", "", "every"),
    ],
)
def test_located_joins_paths(path: str, prefix: str, expected: str) -> None:
    """located() prefixes the key path with a dot, or directly before an index."""
    err = errors.ProtocolError("bad", path=path, line=4).located(source="p.toml", prefix=prefix)
    assert (type(err), err.path, err.source, err.line) == (
        errors.ProtocolError,
        expected,
        "p.toml",
        4,
    )


def test_located_keeps_the_source_when_none_is_given() -> None:
    """located() without a source keeps the error's own."""
    err = errors.InputError("bad", source="a.toml").located(prefix="x")
    assert (err.source, str(err)) == ("a.toml", "a.toml: x: bad")


def test_unknown_protocol_error_lists_known_ids() -> None:
    """UnknownProtocolError names the id asked for and the built-in ones."""
    err = errors.UnknownProtocolError("nope", ["a", "b"])
    assert isinstance(err, LookupError)
    assert str(err) == "unknown protocol id 'nope'; built-in protocols are: a, b"


def test_planning_error_carries_violations() -> None:
    """PlanningError keeps the violations that caused it."""
    violation = cp.Violation(code="no-date-in-window", severity="error", message="x")
    err = errors.PlanningError("cannot plan", (violation,))
    assert (str(err), err.violations) == ("cannot plan", (violation,))


def test_missing_extra_error_names_the_extra() -> None:
    """MissingExtraError is an ImportError whose message names the extra to install."""
    err = errors.MissingExtraError("numpy", "runs=N")
    assert isinstance(err, ImportError)
    assert (err.package, err.extra) == ("numpy", "analysis")
    assert str(err) == (
        "runs=N needs numpy, which is not installed; "
        "install it with: pip install 'collagenplan[analysis]'"
    )


def test_missing_extra_error_keeps_its_old_home() -> None:
    """collagenplan.capacity.MissingExtraError is the same class as errors.MissingExtraError."""
    assert CapacityMissingExtraError is errors.MissingExtraError is cp.MissingExtraError


def test_missing_holidays_is_both_a_clinic_error_and_a_missing_extra() -> None:
    """The missing holidays package is caught as a ClinicError or as a MissingExtraError."""
    err = errors.MissingHolidaysError().located(source="c.toml", prefix="holidays")
    assert isinstance(err, errors.ClinicError) and isinstance(err, errors.MissingExtraError)
    assert (err.package, err.extra) == ("holidays", "holidays")
    assert str(err).startswith("c.toml: holidays: public holidays need the optional")


def test_errors_import_nothing_at_run_time() -> None:
    """errors.py imports Violation for typing only: no collagenplan import runs at import time."""
    tree = ast.parse(Path(errors.__file__).read_text(encoding="utf-8"))
    runtime = [
        node
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        and (node.level or "collagenplan" in (node.module or ""))
    ]
    guarded = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    assert runtime == []
    assert [ast.unparse(n) for g in guarded for n in g.body] == ["from .results import Violation"]
