"""Benchmark of start-up cost: ``import collagenplan`` and ``collagenplan --help``.

Run from the repository root, in the environment the package is installed in::

    python benchmarks/bench_import.py            # 15 runs of each command
    python benchmarks/bench_import.py --runs 5

Each command runs in a fresh interpreter; the figure is the median wall time.
Start-up time depends on the machine, so each is also given as a ratio to a
baseline: an interpreter importing only what collagenplan cannot do without
(``attrs``, ``dateutil``, ``zoneinfo``, ``tomllib``). ``-X importtime`` adds
the cumulative import time of ``collagenplan`` itself, and the script lists
which heavy packages (icalendar, cattrs, numpy, the capacity package) the
import loaded.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time

BASELINE = "import attrs, dateutil, zoneinfo, tomllib"
HEAVY = ("icalendar", "cattrs", "numpy", "pandas", "matplotlib", "collagenplan.capacity")
COMMANDS = {
    "baseline": [sys.executable, "-c", BASELINE],
    "import collagenplan": [sys.executable, "-c", "import collagenplan"],
    "collagenplan --help": [sys.executable, "-m", "collagenplan", "--help"],
}


def _wall(command: list[str], runs: int) -> float:
    """Median wall time of ``command`` over ``runs`` fresh processes, in seconds."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


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
    walls = {name: _wall(command, args.runs) for name, command in COMMANDS.items()}
    base = walls["baseline"]
    for name, seconds in walls.items():
        print(f"{name:22} {seconds * 1000:7.1f} ms  {seconds / base:5.2f} x baseline")
    print(f"{'-X importtime':22} {_importtime() * 1000:7.1f} ms  (cumulative, collagenplan)")
    print(f"{'heavy modules loaded':22} {', '.join(_loaded()) or 'none'}")


if __name__ == "__main__":
    main()
