"""Benchmark of start-up cost: ``import collagenplan`` and ``collagenplan --help``.

Run from the repository root, in the environment the package is installed in::

    python benchmarks/bench_import.py            # 15 runs of each command
    python benchmarks/bench_import.py --runs 5

Each command runs in a fresh interpreter, the commands interleaved (A B C A
B C ...); the figure is the median wall time. Start-up time depends on the
machine, so each is also given as a ratio to a baseline run alongside it:
``import collagenplan`` (goal <= 1.5x) to an interpreter importing only what
collagenplan cannot do without (``attrs``, ``dateutil``, ``zoneinfo``,
``tomllib``); ``collagenplan --help`` (goal <= 5x) to ``python -c pass``.
``import collagenplan`` loads its modules on first use, so one more row
shows what a first plan costs from a cold start (no goal), against the same
baseline computing the same dates with ``dateutil.rrule``. ``-X importtime``
adds the cumulative import time of ``collagenplan`` itself, and the script
lists which heavy packages (icalendar, cattrs, numpy, the capacity package,
the planner) the import loaded.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time

BASELINE = "import attrs, dateutil, zoneinfo, tomllib"
HEAVY = (
    "icalendar",
    "cattrs",
    "numpy",
    "pandas",
    "matplotlib",
    "collagenplan.capacity",
    "collagenplan.planning",
    "collagenplan.booking",
)
FIRST_PLAN = (
    "import collagenplan as cp, datetime as dt; "
    "cp.plan(cp.get_protocol('facial-series'), start=dt.date(2026, 12, 1))"
)
BASELINE_DATES = (
    f"{BASELINE}; import datetime as dt; from dateutil.rrule import rrule, WEEKLY; "
    "list(rrule(WEEKLY, interval=5, count=4, dtstart=dt.datetime(2026, 12, 1)))"
)
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "baseline": [sys.executable, "-c", BASELINE],
    "import collagenplan": [sys.executable, "-c", "import collagenplan"],
    "collagenplan --help": [sys.executable, "-m", "collagenplan", "--help"],
    "baseline + rrule dates": [sys.executable, "-c", BASELINE_DATES],
    "import + first plan()": [sys.executable, "-c", FIRST_PLAN],
}
ROWS = (  # (command, its baseline, goal)
    ("import collagenplan", "baseline", "goal <= 1.5x"),
    ("collagenplan --help", "python -c pass", "goal <= 5x"),
    ("import + first plan()", "baseline + rrule dates", "no goal"),
)


def _walls(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall time of each command over ``runs`` fresh processes, interleaved."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            began = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times[name].append(time.perf_counter() - began)
    return {name: statistics.median(t) for name, t in times.items()}


def _importtime() -> float:
    """Cumulative ``-X importtime`` of the ``collagenplan`` package, in seconds."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import collagenplan"],
        check=True,
        capture_output=True,
        text=True,
    )
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| collagenplan$", line)
        if match:
            return int(match.group(1)) / 1e6
    raise RuntimeError("collagenplan not found in -X importtime output")


def _loaded() -> list[str]:
    """The heavy packages ``import collagenplan`` loads."""
    probe = f"import collagenplan, sys; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    )
    return done.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="processes per command")
    args = parser.parse_args()
    walls = _walls(COMMANDS, args.runs)
    for name, seconds in walls.items():
        print(f"{name:22} {seconds * 1000:7.1f} ms")
    for name, base, goal in ROWS:
        ratio = walls[name] / walls[base]
        print(f"{name:22} {ratio:5.2f} x {base}  ({goal})")
    print(f"{'-X importtime':22} {_importtime() * 1000:7.1f} ms  (cumulative, collagenplan)")
    print(f"{'heavy modules loaded':22} {', '.join(_loaded()) or 'none'}")


if __name__ == "__main__":
    main()
