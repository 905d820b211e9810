"""Text from outside: what the library accepts, and how it writes text back out safely.

Three rules, one place:

* **Accepted text** (:func:`text_problem`): any Unicode text except lone
  surrogates (they cannot be encoded, so no file format could be written) and
  control characters other than TAB, LF and CR (C0, DEL and C1: no clinic
  name or note needs a bell or a terminal escape). Every string read from a
  file or a JSON document, and every text field of the value classes, is
  checked against it, so refused text fails where it enters, naming the key.
* **Terminal and log text** (:func:`one_line`): user text quoted in a
  message or a terminal table is shown with line breaks, controls and
  bidirectional overrides escaped ``repr``-style, so it stays on its line.
* **Spreadsheet cells** (:func:`spreadsheet_cell`): text a spreadsheet would
  run as a formula is prefixed with ``'`` (the OWASP rule for CSV injection).
"""

from __future__ import annotations

import re

from .errors import one_line

__all__ = ["FORMULA_START", "SURROGATE", "one_line", "spreadsheet_cell", "text_problem"]

_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: a ``str`` can hold one, no UTF-8 file can."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""
# Spreadsheets skip leading spaces and line breaks before they look for "=".
_LEADING = " \t\r\n\x0b\x0c"


def text_problem(value: str, *, controls: bool = True) -> str | None:
    """Why ``value`` is not accepted as text, or ``None`` when it is.

    With ``controls=False`` only lone surrogates are refused (for exporter
    arguments, whose control characters the exporters drop). The message names
    the first refused character and its position, escaped (``\\x1b at
    position 3``), never the raw character.
    """
    found = (_REFUSED if controls else SURROGATE).search(value)
    if found is None:
        return None
    char = found.group()
    what = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    return (
        f"must not contain {what} (found {one_line(char)!s} at position {found.start()}); "
        "text may hold any printable character, tabs and line breaks"
    )


def spreadsheet_cell(text: str) -> str:
    """``text`` with ``'`` in front when a spreadsheet would read it as a formula.

    OWASP "CSV Injection": a cell whose first character is ``=``, ``+``,
    ``-``, ``@``, TAB or CR -- also after leading spaces or line breaks,
    which spreadsheets skip -- is prefixed with a single quote, which they
    show as text and do not display. Other text is returned unchanged.
    """
    if text.startswith(FORMULA_START) or text.lstrip(_LEADING).startswith(FORMULA_START):
        return "'" + text
    return text
