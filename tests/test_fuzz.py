"""Hostile input: mutated files of every format never make anything but a
CollagenPlanError escape, and never run past a bound.

The mutation engine is ``tests/fuzz/mutate.py``. In CI each format gets a short
seeded batch (100) and 25 Hypothesis-driven mutations (a few seconds per format);
``COLLAGENPLAN_FUZZ=N`` sets the seeded mutations per format (``=5000`` for the
long campaign inside pytest), and ``python tests/fuzz/campaign.py`` runs the
long campaign outside it and prints the table of ``docs/hostile-input.md``.
Reproducers live in ``tests/fuzz/corpus`` (the field report's) and
``tests/fuzz/found`` (found since).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.mutate import formats, one_input, run

FORMATS = formats()
PER_FORMAT = int(os.environ.get("COLLAGENPLAN_FUZZ", "100"))
EXAMPLES = max(5, PER_FORMAT // 4)
SECONDS = 8.0
FUZZ = Path(__file__).parent / "fuzz"
REPRODUCERS = sorted((FUZZ / "corpus").iterdir()) + sorted((FUZZ / "found").iterdir())


def _problems(name: str, rng: random.Random, count: int) -> list[str]:
    fmt = FORMATS[name]
    bad = []
    for _ in range(count):
        outcome = run(fmt, one_input(fmt, rng), seconds=SECONDS)
        if outcome.kind in ("escape", "hang"):
            bad.append(f"{outcome.kind} {outcome.stage} {outcome.error} at {outcome.where}")
    return bad


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_mutated_inputs_never_escape(name: str) -> None:
    """A seeded batch of mutations of one format gives no escape and no hang."""
    assert _problems(name, random.Random(f"ci-{name}"), PER_FORMAT) == []


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_hypothesis_mutations_never_escape(name: str) -> None:
    """Hypothesis drives the same mutation engine (it picks, and shrinks, the choices)."""

    @given(st.randoms(use_true_random=False))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    def check(rng: random.Random) -> None:
        assert _problems(name, rng, 1) == []

    check()


@pytest.mark.parametrize("path", REPRODUCERS, ids=lambda p: p.name)
def test_reproducers_are_refused_cleanly(path: Path) -> None:
    """Every reproducer (field report and found since) is a clean error or accepted."""
    name = path.name.split("__")[0]
    outcome = run(FORMATS[name], path.read_text(encoding="utf-8", errors="surrogatepass"))
    assert outcome.kind in ("accepted", "rejected"), outcome.error
