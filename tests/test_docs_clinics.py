"""The clinic and living-calendar pages: their Python examples run and print what they show."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def _blocks(page: Path) -> list[tuple[str, str, str | None]]:
    """(name, python code, the text block right after it or None) for each python block."""
    text = page.read_text(encoding="utf-8")
    found = list(BLOCK.finditer(text))
    out = []
    for i, match in enumerate(found):
        if match.group(1) != "python":
            continue
        shown = None
        if i + 1 < len(found):
            following = found[i + 1]
            between = text[match.end() : following.start()]
            if following.group(1) == "text" and not between.strip():
                shown = following.group(2)
        line = text[: match.start()].count("\n") + 1
        out.append((f"{page.name}:{line}", match.group(2), shown))
    return out


@pytest.mark.parametrize("page", ["clinics.md", "living-calendars.md"])
def test_page_examples_run_and_print_what_is_shown(page: str) -> None:
    """Each python block runs in order in one namespace; output matches the text block after it."""
    blocks = _blocks(DOCS / page)
    assert blocks, f"{page} has no python examples"
    namespace: dict[str, object] = {}
    for name, code, shown in blocks:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, name, "exec"), namespace)
        if shown is not None:
            assert printed.getvalue().strip() == shown.strip(), name
