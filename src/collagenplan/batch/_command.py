"""The ``collagenplan recall`` command: a CSV of visits in, the recall list out.

Only argparse is imported here, so that ``collagenplan --help`` stays fast;
numpy and pandas load when the command runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable

from ..capacity._progress import terminal_progress
from ..errors import InputError

__all__ = ["add_recall_arguments", "run_recall"]


def add_recall_arguments(parser: argparse.ArgumentParser, date: Callable[[str], dt.date]) -> None:
    """Add the ``recall`` command's arguments to ``parser`` (its ``--format`` is csv|json);
    ``date`` reads ``--today`` as every other command reads a date."""
    parser.add_argument(
        "visits",
        help="a CSV file of visits with a header row: client_id,protocol_id,date[,status]",
    )
    parser.add_argument("--today", type=date, required=True, help="the date to judge from")
    parser.add_argument(
        "--protocol",
        action="append",
        metavar="FILE",
        help="a .toml/.json protocol file for ids that are not built in (repeatable)",
    )
    parser.add_argument(
        "--output", metavar="PATH", help="write to PATH instead of standard output"
    )
    parser.set_defaults(format="csv")


def run_recall(args: argparse.Namespace) -> int:
    """Read the visits, build the recall list, write it; returns the exit status (0)."""
    from ..protocols.loader import load_protocol
    from . import _csv, _frames  # numpy and pandas: loaded only for this command

    protocols = {}
    for path in args.protocol or ():
        protocol = load_protocol(path)
        protocols[protocol.id] = protocol
    frame, rows = _csv.read_visits(args.visits)
    bar = terminal_progress("recall")
    try:
        result = _frames.next_due(
            frame,
            today=args.today,
            protocols=protocols,
            status_column="status" if "status" in frame.columns else None,
            progress=bar,
            rows=rows,
        )
    finally:
        if bar is not None:
            bar.close()
    text = _csv.recall_json(result) if args.format == "json" else _csv.recall_csv(result)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise InputError(f"cannot write file ({exc.strerror})", source=args.output) from None
    return 0
