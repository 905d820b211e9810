"""A one-line progress bar on standard error, drawn only when it is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["TerminalProgress", "terminal_progress"]


class TerminalProgress:
    """Callable ``(done, total)`` that redraws ``label [#####.....]  40%  12/30``.

    Redraws at most ten times a second (and always at the end), so a fast
    loop is not slowed down by the terminal. Call :meth:`close` to end the line.
    """

    def __init__(self, label: str, stream: TextIO, width: int = 30) -> None:
        self.label = label
        self.stream = stream
        self.width = width
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        fraction = 0.0 if total <= 0 else min(1.0, done / total)
        filled = round(fraction * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {fraction:4.0%}  {done}/{total}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line (only if one was drawn)."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


def terminal_progress(label: str, stream: TextIO | None = None) -> TerminalProgress | None:
    """A progress bar on ``stream`` (standard error) if it is a terminal, else ``None``."""
    out = stream if stream is not None else sys.stderr
    isatty = getattr(out, "isatty", None)
    if isatty is None or not isatty():
        return None
    return TerminalProgress(label, out)
