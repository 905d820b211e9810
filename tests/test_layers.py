"""The layering contract in ``pyproject.toml`` holds: data flows one way, no import cycles.

``lint-imports`` runs the same contracts in CI; this test makes ``python -m
pytest`` enforce them too, so a function-level import that climbs a layer
fails locally before it reaches review.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "pyproject.toml"


def _layers() -> list[str]:
    contracts = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (layers,) = (c for c in contracts["contracts"] if c["id"] == "layers")
    return list(layers["layers"])


def test_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    """Every import-linter contract in pyproject.toml is kept."""
    status = lint_imports(config_filename=str(CONFIG), no_cache=True, no_logo=True)
    assert status == 0, capsys.readouterr().out


def test_planning_does_not_import_living_or_validation() -> None:
    """Planning owns history: it reads it without living and without the validator."""
    graph = grimp.build_graph("collagenplan")
    for upper in ("collagenplan.living", "collagenplan.validation"):
        chain = graph.find_shortest_chain(importer="collagenplan.planning", imported=upper)
        assert chain is None, chain
        for module in graph.find_descendants("collagenplan.planning"):
            assert graph.find_shortest_chain(importer=module, imported=upper) is None


def test_plotting_does_not_import_projection() -> None:
    """capacity.plotting draws a projection without importing the module that makes one."""
    graph = grimp.build_graph("collagenplan")
    assert (
        graph.find_shortest_chain(
            importer="collagenplan.capacity.plotting",
            imported="collagenplan.capacity.projection",
        )
        is None
    )


def test_design_page_draws_the_contract() -> None:
    """docs/design.md's package map lists the contract's layers, top to bottom."""
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    start = text.index("<!-- layers -->")
    drawn = text[start : text.index("<!-- /layers -->")]
    positions = []
    for layer in _layers():
        first = layer.strip("()").split(" | ")[0]
        assert f"`{first}`" in drawn, f"{layer!r} is not drawn in docs/design.md"
        positions.append(drawn.index(f"`{first}`"))
    assert positions == sorted(positions)
