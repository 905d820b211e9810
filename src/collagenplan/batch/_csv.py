"""Visits from a CSV file and the recall list back to CSV or JSON (for ``collagenplan recall``).

The file has a header row naming its columns; ``client_id``, ``protocol_id``
and ``date`` are required, ``status`` is optional (every visit ``done``
without it) and other columns are ignored. Errors name the file, the line
and the column: ``visits.csv:18: date: '2027-02-30' is not a date written
YYYY-MM-DD``.
"""

from __future__ import annotations

import csv
import gc
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._text import spreadsheet_cell
from ..errors import InputError
from ._frames import DUE_COLUMNS, Rows

__all__ = ["COLUMNS", "read_visits", "recall_csv", "recall_json"]

COLUMNS = ("client_id", "protocol_id", "date", "status")
"""The columns ``collagenplan recall`` reads (``status`` optional)."""
_REQUIRED = COLUMNS[:3]
_DATES = ("earliest", "target", "latest", "last_done", "booked", "resumes")
_FLAGS = ("restart", "covered", "needs_booking")


def read_visits(path: str) -> tuple[pd.DataFrame, Rows]:
    """The visits of a CSV file as text columns, and where each row came from."""
    source = str(Path(path))
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        raise InputError("file not found", source=source) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", source=source) from None
    with handle:
        collecting = gc.isenabled()
        gc.disable()  # millions of small row lists: the collector would rescan them all
        try:
            return _read(csv.reader(handle), source)
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text ({exc.reason})", source=source) from None
        except csv.Error as exc:
            raise InputError(f"not a CSV file ({exc})", source=source) from None
        finally:
            if collecting:
                gc.enable()


def _read(reader: Any, source: str) -> tuple[pd.DataFrame, Rows]:
    header: list[str] | None = None
    for row in reader:
        if any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
            break
    if header is None:
        raise InputError(
            f"is empty; the first line must name the columns ({', '.join(COLUMNS)})",
            source=source,
        )
    header_line = reader.line_num
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"the header has no column {', '.join(repr(m) for m in missing)} "
            f"(it needs {', '.join(_REQUIRED)}, and may have status)",
            source=source,
            line=header_line,
        )
    wanted = [c for c in COLUMNS if c in header]
    where = [header.index(c) for c in wanted]
    width = len(header)
    kept: list[list[str]] = []
    lines: list[int] = []
    end = header_line
    for row in reader:
        start, end = end + 1, reader.line_num
        if len(row) != width:
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            raise InputError(
                f"has {len(row)} fields; the header has {width}", source=source, line=start
            )
        kept.append(row)
        lines.append(start)
    columns = list(zip(*kept, strict=True)) if kept else [() for _ in header]
    frame = pd.DataFrame(
        {
            name: pd.Series(columns[k], dtype="string").str.strip()  # pyarrow-backed if installed
            for name, k in zip(wanted, where, strict=True)
        }
    )
    for name in wanted:
        empty = np.flatnonzero(frame[name].to_numpy(dtype=object) == "")
        if empty.size:
            raise InputError(
                "is empty; every visit needs one", path=name, source=source, line=lines[empty[0]]
            )
    return frame, Rows(source=source, lines=np.asarray(lines, dtype=np.int64))


def _iso(column: pd.Series[Any], missing: str | None = None) -> Any:
    """A datetime64 column as ``YYYY-MM-DD`` texts, ``missing`` for ``NaT``."""
    days = column.to_numpy().astype("datetime64[D]")
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[np.isnat(days)] = missing
    return text


def _texts(result: pd.DataFrame) -> dict[str, list[Any]]:
    """Columns as JSON-ready values: ISO dates, ``None`` for a missing value."""
    out: dict[str, list[Any]] = {}
    for name in result.columns:
        column = result[name]
        if name in _DATES:
            out[name] = _iso(column).tolist()
        elif name == "session":
            out[name] = [None if pd.isna(v) else int(v) for v in column.to_numpy(dtype=object)]
        elif name in _FLAGS:
            out[name] = [bool(v) for v in column.to_numpy()]
        else:
            out[name] = [None if v is None else str(v) for v in column.to_numpy(dtype=object)]
    return out


def recall_csv(result: pd.DataFrame) -> str:
    """The recall list as CSV: ISO dates, empty cells for missing values, and
    text a spreadsheet would run as a formula prefixed with ``'`` (the OWASP
    rule the CSV exporters follow: a client id such as ``=HYPERLINK(...)``)."""
    cells: dict[str, Any] = {}
    for name in result.columns:
        column = result[name]
        if name in _DATES:
            cells[name] = _iso(column, missing="")
        elif name == "session":
            cells[name] = column.astype("string").astype(object).fillna("")
        elif name in _FLAGS:
            cells[name] = np.where(column.to_numpy(dtype=bool), "true", "false")
        else:
            cells[name] = [
                "" if v is None or v is pd.NA else spreadsheet_cell(str(v))
                for v in column.astype(object).fillna("")
            ]
    text: str = pd.DataFrame(cells).to_csv(index=False, lineterminator="\n")
    return text


def recall_json(result: pd.DataFrame) -> str:
    """The recall list as a JSON array of objects."""
    columns = _texts(result)
    names = list(columns)
    records = [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


assert set(_DATES) | set(_FLAGS) <= set(DUE_COLUMNS)
