"""The ``collagenplan project`` command: a scenario file in, weekly demand and staffing out."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._policy import POLICIES, Policy
from ._progress import terminal_progress

if TYPE_CHECKING:  # the command line builds its parser without loading the capacity tools
    from attrs import AttrsInstance

    from .projection import Projection
    from .scenarios import Scenario
    from .simulation import CapacityRequirement, Simulation

__all__ = ["add_project_arguments", "run_project"]

Emit = Callable[[str, object, Callable[[], str]], None]
Table = Callable[[Sequence[str], Sequence[Sequence[object]]], str]


def _share(text: str) -> float:
    """``0.95`` or ``95%``."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share such as 0.95 or 95%") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be above 0 and at most 1 (or 100%)")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def add_project_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``project`` command's arguments to ``parser``."""
    parser.add_argument("scenario", help="a .toml or .json scenario file")
    parser.add_argument(
        "--runs", type=_count, default=0, help="random runs for p10/p50/p90 bands (needs numpy)"
    )
    parser.add_argument("--seed", type=_count, help="seed of the random runs and simulation")
    parser.add_argument("--csv", metavar="PATH", help="write the weekly rows as CSV")
    parser.add_argument(
        "--detail", action="store_true", help="with --csv: one row per week, protocol and phase"
    )
    parser.add_argument("--plot", metavar="PATH", help="draw demand against capacity (.png/.svg)")
    parser.add_argument(
        "--simulate",
        action="store_true",
        help="also book the sessions into the scenario's supply, week by week",
    )
    parser.add_argument(
        "--required",
        type=_share,
        metavar="SHARE",
        help="find the daily capacity keeping SHARE (such as 0.95 or 95%%) of sessions in window",
    )
    parser.add_argument(
        "--policy",
        choices=POLICIES,
        default="triage",
        help="booking policy of --simulate (exact needs the optimize extra); default triage",
    )
    parser.add_argument(
        "--time-limit",
        type=_seconds,
        default=10.0,
        metavar="SECONDS",
        help="with --policy exact: seconds the solver may search (default 10)",
    )
    parser.add_argument(
        "--compare",
        metavar="SCENARIO",
        help="a second scenario file shown side by side (and in the plot)",
    )
    parser.add_argument(
        "--sim-csv", metavar="PATH", help="with --simulate: write the simulation's weekly rows"
    )
    parser.add_argument(
        "--bom",
        action="store_true",
        help="start CSV files with a UTF-8 byte-order mark (for Excel)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of seconds above 0")
    return value


def _number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _projection_text(projection: Projection, table: Table) -> str:
    scenario = projection.scenario
    head = f"{scenario.name}: {scenario.start} to {scenario.end} ({scenario.weeks} weeks)" + (
        f", {projection.runs} runs, seed {projection.seed}" if projection.runs else ""
    )
    headers = ["week", "sessions", "attended", "chair-h"]
    if projection.runs:
        headers += ["p10", "p50", "p90"]
    if scenario.supply is not None:
        headers += ["capacity", "util"]
    rows: list[list[object]] = []
    for r in projection.rows:
        row: list[object] = [
            r.iso_week,
            _number(r.sessions),
            _number(r.attended),
            _number(r.chair_hours),
        ]
        if projection.runs:
            m = projection.measure
            row += [_number(getattr(r, f"{m}_p{q}"), 0) for q in (10, 50, 90)]
        if scenario.supply is not None:
            row += [_number(r.capacity, 0), _percent(r.utilisation)]
        rows.append(row)
    peak = projection.peak
    tail = (
        f"total: {projection.total_sessions:,.0f} sessions, "
        f"{projection.total_chair_hours:,.0f} chair-hours; "
        f"peak {peak.iso_week} ({peak.sessions:,.1f} sessions, "
        f"{peak.chair_hours:,.1f} chair-hours)"
    )
    return "\n".join([head, "", table(headers, rows), "", tail])


def _simulation_text(sim: Simulation, table: Table) -> str:
    head = (
        f"constrained simulation (seed {sim.seed}): {sim.clients:,} new clients; "
        f"{sim.in_window_share:.1%} of due sessions inside their windows "
        f"({sim.slipped:,} slipped, {sim.unmet:,} unmet, {sim.pending:,} pending at the end); "
        f"booked {sim.mean_delay:+.1f} days from target on average"
    )
    rows = [
        [
            w.iso_week,
            w.booked,
            w.in_window,
            w.slipped,
            w.unmet,
            w.backlog,
            _number(w.capacity, 0),
            _number(w.used, 0),
            _percent(w.utilisation),
            _number(w.mean_delay),
        ]
        for w in sim.weeks
    ]
    headers = [
        "week",
        "booked",
        "in-window",
        "slipped",
        "unmet",
        "backlog",
        "capacity",
        "used",
        "util",
        "delay",
    ]
    return "\n".join(
        [head, _policy_line(sim), "", table(headers, rows), "", _by_protocol(sim, table)]
    )


def _days(value: int | None) -> str:
    return "-" if value is None else f"{value:+d}"


def _policy_line(sim: Simulation) -> str:
    text = (
        f"policy {sim.policy} (kept the {sim.kept} booking); days from target to booking "
        f"p50 {_days(sim.delay_p50)}, p90 {_days(sim.delay_p90)}"
    )
    if sim.slipped:
        text += (
            f"; slipped sessions {_days(sim.late_p50)} (p50) / {_days(sim.late_p90)} (p90) "
            "days past their window"
        )
    solver = sim.solver
    if solver is not None:
        text += (
            f"; CP-SAT {solver.status} in {solver.seconds:.1f} s: "
            f"{'-' if solver.in_window is None else solver.in_window} in window, "
            f"bound {solver.bound}"
        )
    return text


def _by_protocol(sim: Simulation, table: Table) -> str:
    rows = [
        [
            p.protocol,
            p.sessions,
            p.in_window,
            p.slipped,
            p.unmet,
            p.pending,
            _number(p.chair_hours),
        ]
        for p in sim.protocols
    ]
    headers = ["protocol", "sessions", "in-window", "slipped", "unmet", "pending", "chair-h"]
    lines = sim.lines()
    line_text = ", ".join(
        f"{n} {_percent(_share_of(lines, n))}" for n in sorted({row.line for row in lines})
    )
    unit = "h" if sim.supply.unit == "hours" else "slots"
    return (
        table(headers, rows)
        + f"\nuse by practitioner line of {sim.supply.day_hours:g} {unit}: {line_text}"
    )


def _share_of(lines: Sequence[Any], line: int) -> float | None:
    capacity = sum(row.capacity for row in lines if row.line == line)
    used = sum(row.used for row in lines if row.line == line)
    return used / capacity if capacity else None


def _required_text(req: CapacityRequirement) -> str:
    unit = "slots" if req.unit == "slots" else "practitioner-hours"
    text = (
        f"required capacity for {req.share:.1%} of sessions inside their windows: "
        f"{req.per_day:g} {unit} on the busiest weekday ({req.per_week:,.1f} a week"
    )
    days = req.practitioner_days_per_week
    if days is not None:
        text += f", {days:.1f} practitioner-days of {req.supply.day_hours:g} h"
    text += f"); {req.achieved:.1%} achieved, {req.best:.1%} at best with unlimited capacity"
    return text + (f"\nbinding: {req.binding}" if req.binding else "")


def _projection_data(projection: Projection) -> dict[str, Any]:
    scenario = projection.scenario
    return {
        "scenario": {
            "name": scenario.name,
            "start": scenario.start,
            "end": scenario.end,
            "weeks": scenario.weeks,
            "unit": projection.unit,
        },
        "runs": projection.runs,
        "seed": projection.seed,
        "total_sessions": projection.total_sessions,
        "total_chair_hours": projection.total_chair_hours,
        "rows": [dict(row_dict(r), iso_week=r.iso_week) for r in projection.rows],
    }


def row_dict(row: AttrsInstance) -> dict[str, object]:
    """An attrs row as a plain dict of its fields."""
    import attrs  # here: building the parser (--help) does not load attrs

    return {f.name: getattr(row, f.name) for f in attrs.fields(type(row))}


def _simulation_data(sim: Simulation) -> dict[str, Any]:
    return {
        "seed": sim.seed,
        "clients": sim.clients,
        "in_window_share": sim.in_window_share,
        "booked": sim.booked,
        "slipped": sim.slipped,
        "unmet": sim.unmet,
        "pending": sim.pending,
        "sessions": sim.sessions,
        "mean_delay": sim.mean_delay,
        "policy": sim.policy,
        "kept": sim.kept,
        "delay_p50": sim.delay_p50,
        "delay_p90": sim.delay_p90,
        "late_p50": sim.late_p50,
        "late_p90": sim.late_p90,
        "solver": None if sim.solver is None else dict(row_dict(sim.solver), gap=sim.solver.gap),
        "protocols": [dict(row_dict(p), booked=p.booked) for p in sim.protocols],
        "lines": [
            dict(row_dict(r), iso_week=r.iso_week, utilisation=r.utilisation) for r in sim.lines()
        ],
        "weeks": [
            dict(row_dict(w), iso_week=w.iso_week, utilisation=w.utilisation) for w in sim.weeks
        ],
    }


def _required_data(req: CapacityRequirement) -> dict[str, Any]:
    return {
        "share": req.share,
        "per_day": req.per_day,
        "per_week": req.per_week,
        "unit": req.unit,
        "per_weekday": req.supply.per_weekday,
        "practitioner_days_per_week": req.practitioner_days_per_week,
        "achieved": req.achieved,
        "best": req.best,
        "tried": [list(t) for t in req.tried],
        "policy": req.policy,
        "binding": req.binding,
        "busiest_weekday": req.busiest_weekday,
        "short_weeks": list(req.short_weeks),
    }


def _with_progress(label: str, work: Callable[[Any], Any]) -> Any:
    bar = terminal_progress(label)
    try:
        return work(bar)
    finally:
        if bar is not None:
            bar.close()


def _answers(
    scenario: Scenario, args: argparse.Namespace
) -> tuple[Projection, Simulation | None, CapacityRequirement | None]:
    from .projection import project
    from .simulation import required_capacity, simulate

    projection: Projection = _with_progress(
        "random runs",
        lambda bar: project(scenario, runs=args.runs, seed=args.seed, progress=bar),
    )
    sim: Simulation | None = None
    if args.simulate:
        sim = _with_progress(
            "simulating",
            lambda bar: simulate(
                scenario,
                seed=args.seed,
                progress=bar,
                policy=args.policy,
                time_limit=args.time_limit,
            ),
        )
    req: CapacityRequirement | None = None
    if args.required is not None:
        policy: Policy = "edf" if args.policy == "edf" else "triage"
        req = _with_progress(
            "searching capacity",
            lambda bar: required_capacity(
                scenario, share=args.required, seed=args.seed, progress=bar, policy=policy
            ),
        )
    return projection, sim, req


def _compare_text(a: Projection, b: Projection, table: Table) -> str:
    measure = a.measure
    label = "sessions" if measure == "sessions" else "chair-h"
    by_week = {row.week: row for row in b.rows}
    rows: list[list[object]] = []
    for row in a.rows:
        other = by_week.get(row.week)
        mine = getattr(row, measure)
        theirs = None if other is None else getattr(other, measure)
        rows.append(
            [
                row.iso_week,
                _number(mine),
                _number(theirs),
                "-" if theirs is None else f"{theirs - mine:+,.1f}",
                _number(row.capacity, 0),
                _number(None if other is None else other.capacity, 0),
            ]
        )
    headers = ["week", f"{label} A", f"{label} B", "B-A", "capacity A", "capacity B"]
    head = f"A: {a.scenario.name}  |  B: {b.scenario.name}"
    total = (
        f"total {label}: A {getattr(a, 'total_' + measure):,.0f}, "
        f"B {getattr(b, 'total_' + measure):,.0f}"
    )
    return "\n".join([head, "", table(headers, rows), "", total])


def run_project(args: argparse.Namespace, *, emit: Emit, table: Table) -> int:
    """Run ``collagenplan project``; returns the exit status (0)."""
    from .scenarios import load_scenario

    scenario = load_scenario(args.scenario)
    other = load_scenario(args.compare) if args.compare else None
    projection, sim, req = _answers(scenario, args)
    compared = _answers(other, args) if other is not None else None
    if args.csv:
        projection.to_csv(args.csv, detail=args.detail, bom=args.bom)
    if args.sim_csv and sim is not None:
        sim.to_csv(args.sim_csv, bom=args.bom)
    if args.plot:
        if compared is not None:
            from .plotting import plot_comparison

            plot_comparison(projection, compared[0], args.plot)
        else:
            projection.plot(args.plot)

    data: dict[str, Any] = _projection_data(projection)
    parts = [_projection_text(projection, table)]
    if sim is not None:
        data["simulation"] = _simulation_data(sim)
        parts.append(_simulation_text(sim, table))
    if req is not None:
        data["required"] = _required_data(req)
        parts.append(_required_text(req))
    if compared is not None:
        b_projection, b_sim, b_req = compared
        b_data = _projection_data(b_projection)
        parts.append(_compare_text(projection, b_projection, table))
        if b_sim is not None:
            b_data["simulation"] = _simulation_data(b_sim)
            parts.append("B: " + _simulation_text(b_sim, table))
        if b_req is not None:
            b_data["required"] = _required_data(b_req)
            parts.append("B: " + _required_text(b_req))
        data["compare"] = b_data
    emit(args.format, data, lambda: "\n\n".join(parts))
    return 0
