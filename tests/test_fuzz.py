"""Hostile input: mutated files of every format never make anything but a
CollagenPlanError escape, and never run past a bound.

A short seeded run per format in CI; ``tests/fuzz/campaign.py`` runs the
long campaign. ``COLLAGENPLAN_FUZZ=N`` sets the mutations per format here.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.fuzz.mutate import formats, one_input, run

FORMATS = formats()
PER_FORMAT = int(os.environ.get("COLLAGENPLAN_FUZZ", "40"))
CORPUS = Path(__file__).parent / "fuzz" / "corpus"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_mutated_inputs_never_escape(name: str) -> None:
    """A seeded batch of mutations of one format gives no escape and no hang."""
    fmt = FORMATS[name]
    rng = random.Random(f"ci-{name}")
    bad = []
    for _ in range(PER_FORMAT):
        text = one_input(fmt, rng)
        outcome = run(fmt, text, seconds=8.0)
        if outcome.kind in ("escape", "hang"):
            bad.append(f"{outcome.kind} {outcome.stage} {outcome.error} at {outcome.where}")
    assert bad == []


@pytest.mark.parametrize("path", sorted(CORPUS.iterdir()), ids=lambda p: p.name)
def test_field_report_reproducers_are_refused_cleanly(path: Path) -> None:
    """Every reproducer from the hostile-input report is now a clean error or accepted."""
    name = path.name.split("__")[0]
    outcome = run(FORMATS[name], path.read_text(encoding="utf-8", errors="surrogatepass"))
    assert outcome.kind in ("accepted", "rejected"), outcome.error
