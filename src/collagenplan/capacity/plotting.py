"""Pictures of a projection: demand by protocol, its uncertainty band and capacity (matplotlib).

The figure is drawn on a :class:`matplotlib.figure.Figure` with the Agg
canvas, never through ``pyplot``, so it works without a display and leaves
no global state behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from ..errors import InputError
from ._extras import require
from .scenarios import Scenario

__all__ = ["plot_comparison", "plot_projection"]


class Projection(Protocol):
    """What a drawing needs of a :class:`~collagenplan.Projection`.

    Spelled out here so that this module does not import ``projection``,
    which imports it (``Projection.plot``): the dependency runs one way.
    """

    @property
    def scenario(self) -> Scenario: ...
    @property
    def measure(self) -> str: ...
    @property
    def runs(self) -> int: ...
    @property
    def rows(self) -> Sequence[Any]: ...
    @property
    def detail(self) -> Sequence[Any]: ...
    @property
    def total_sessions(self) -> float: ...
    @property
    def total_chair_hours(self) -> float: ...


# (series, later phase) colour pairs, one pair per protocol.
_PALETTE = (
    ("#5b8db8", "#a9c6e0"),
    ("#d9904a", "#f0c79c"),
    ("#6aa862", "#b3d6ad"),
    ("#9c72b0", "#d2bcdd"),
    ("#c2a93a", "#e6d891"),
)
_LABELS = {
    "sessions": "sessions per week (capacity in slots)",
    "chair_hours": "chair-hours per week (capacity in practitioner-hours)",
}


def _per_phase(projection: Projection, measure: str) -> dict[tuple[str, str], list[float]]:
    """Expected demand per (protocol, phase), in the order the detail lists them."""
    weeks = {row.week: i for i, row in enumerate(projection.rows)}
    out: dict[tuple[str, str], list[float]] = {}
    for row in projection.detail:
        series = out.setdefault((row.protocol, row.phase), [0.0] * len(weeks))
        series[weeks[row.week]] += getattr(row, measure)
    return out


def _colours(keys: list[tuple[str, str]]) -> list[str]:
    """One hue per protocol, lighter for each later phase."""
    protocols = list(dict.fromkeys(p for p, _ in keys))
    seen: dict[str, int] = {}
    out = []
    for protocol, _ in keys:
        shade = seen.get(protocol, 0)
        seen[protocol] = shade + 1
        out.append(_PALETTE[protocols.index(protocol) % len(_PALETTE)][shade % 2])
    return out


def _steps(values: list[Any]) -> list[Any]:
    """Repeat the last value so a ``where="post"`` step covers the last week too."""
    return [*values, values[-1]]


def plot_projection(projection: Projection, path: str | Path, *, title: str | None = None) -> Path:
    """Draw ``projection`` and save it to ``path`` (format from the suffix). Returns the path.

    Expected demand is stacked by protocol; with random runs, the band
    between the 10th and 90th percentile and the median are drawn over it;
    with a supply, capacity is a step line and the weeks where demand (the
    90th percentile when there are runs) exceeds capacity are marked.
    """
    require("matplotlib", "Projection.plot()")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    target = Path(path)
    if not target.suffix:
        raise InputError("needs a file suffix such as .png or .svg", path="path")
    measure = projection.measure
    scenario = projection.scenario
    weeks = [row.week for row in projection.rows] + [scenario.end + dt.timedelta(days=1)]
    figure = Figure(figsize=(10, 6), layout="constrained")
    FigureCanvasAgg(figure)
    ax: Any = figure.add_subplot()

    stacks = _per_phase(projection, measure)
    ax.stackplot(
        weeks,
        *(_steps(v) for v in stacks.values()),
        labels=[f"expected: {protocol} {phase}" for protocol, phase in stacks],
        colors=_colours(list(stacks)),
        alpha=0.85,
        step="post",
        linewidth=0,
    )
    total = [getattr(row, measure) for row in projection.rows]
    ax.step(weeks, _steps(total), where="post", color="#34495e", linewidth=1.0)

    worst = total
    if projection.runs:
        p10 = [getattr(row, f"{measure}_p10") for row in projection.rows]
        p50 = [getattr(row, f"{measure}_p50") for row in projection.rows]
        p90 = [getattr(row, f"{measure}_p90") for row in projection.rows]
        ax.fill_between(
            weeks,
            _steps(p10),
            _steps(p90),
            step="post",
            color="#2c3e50",
            alpha=0.22,
            linewidth=0,
            label=f"p10-p90 of {projection.runs} runs",
        )
        ax.step(
            weeks,
            _steps(p50),
            where="post",
            color="#2c3e50",
            linewidth=1.2,
            linestyle="--",
            label="median of runs",
        )
        worst = p90

    capacity = [row.capacity for row in projection.rows]
    if projection.scenario.supply is not None:
        ax.step(
            weeks, _steps(capacity), where="post", color="#c0392b", linewidth=2.0, label="capacity"
        )
        over = [
            (week, value)
            for week, value, cap in zip(weeks[:-1], worst, capacity, strict=True)
            if cap is not None and value > cap
        ]
        if over:
            ax.scatter(
                [w + dt.timedelta(days=3) for w, _ in over],
                [v for _, v in over],
                color="#c0392b",
                s=14,
                zorder=5,
                label="demand above capacity" + (" (p90)" if projection.runs else ""),
            )

    ax.set_title(title or scenario.name, loc="left", fontsize=13, fontweight="bold")
    summary = (
        f"expected over {scenario.weeks} weeks: {projection.total_sessions:,.0f} sessions, "
        f"{projection.total_chair_hours:,.0f} chair-hours"
    )
    ax.set_title(summary, loc="right", fontsize=9, color="#555555")
    ax.set_ylabel(_LABELS[measure])
    ax.set_xlim(weeks[0], weeks[-1])
    _dress(ax)
    figure.legend(loc="outside lower center", frameon=False, fontsize=9, ncols=4)
    figure.savefig(target, dpi=150)
    return target


def _dress(ax: Any) -> None:
    """What both charts share: zero-based y, concise week dates, light grid, no box."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    ax.set_ylim(bottom=0)
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def plot_comparison(
    first: Projection, second: Projection, path: str | Path, *, title: str | None = None
) -> Path:
    """Draw two projections' demand and capacity on one axis and save it to ``path``.

    Each scenario's expected demand is a line (with its p10-p90 band when it
    has random runs) and its capacity a dashed step line in the same colour.
    Both are drawn in the first projection's measure (sessions in slots,
    chair-hours in hours). Returns the path written.
    """
    require("matplotlib", "the comparison plot")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    target = Path(path)
    if not target.suffix:
        raise InputError("needs a file suffix such as .png or .svg", path="path")
    measure = first.measure
    figure = Figure(figsize=(10, 6), layout="constrained")
    FigureCanvasAgg(figure)
    ax: Any = figure.add_subplot()
    for projection, colour in ((first, "#2c6fad"), (second, "#d9802a")):
        scenario = projection.scenario
        weeks = [row.week for row in projection.rows] + [scenario.end + dt.timedelta(days=1)]
        total = [getattr(row, measure) for row in projection.rows]
        ax.step(
            weeks, _steps(total), where="post", color=colour, linewidth=1.8,
            label=f"{scenario.name}: expected",
        )  # fmt: skip
        if projection.runs:
            p10 = [getattr(row, f"{measure}_p10") for row in projection.rows]
            p90 = [getattr(row, f"{measure}_p90") for row in projection.rows]
            ax.fill_between(
                weeks, _steps(p10), _steps(p90), step="post", color=colour, alpha=0.18,
                linewidth=0, label=f"{scenario.name}: p10-p90 (sampling only)",
            )  # fmt: skip
        if scenario.supply is not None:
            capacity = [row.capacity or 0.0 for row in projection.rows]
            ax.step(
                weeks, _steps(capacity), where="post", color=colour, linewidth=1.2,
                linestyle="--", label=f"{scenario.name}: capacity",
            )  # fmt: skip
    ax.set_title(title or f"{first.scenario.name} vs {second.scenario.name}", loc="left",
                 fontsize=13, fontweight="bold")  # fmt: skip
    ax.set_ylabel(_LABELS[measure])
    _dress(ax)
    figure.legend(loc="outside lower center", frameon=False, fontsize=9, ncols=3)
    figure.savefig(target, dpi=150)
    return target
