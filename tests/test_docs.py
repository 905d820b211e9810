"""The documentation builds cleanly and every example on it works.

Conventions for Markdown pages (``README.md`` and ``docs/**/*.md``), in the
order the fenced blocks appear on a page, one Python namespace per page and a
fresh temporary working directory per page, holding a copy of the project's
``examples/`` folder so that pages use ``examples/client.toml`` and the like
as a reader in a checkout would:

* ``python`` blocks are executed.
* An ``output`` block right after a ``python`` block holds what that block
  prints; it must match exactly (trailing spaces aside). A line ``...``
  stands for any number of lines.
* ``console`` blocks hold ``$ collagenplan ...`` commands, each followed by
  what it prints (standard output, then standard error), with the same ``...``
  rule. A command shown without output must succeed (exit status 0). A
  command may end in ``> FILE`` to write its output to a file. Commands run
  in-process through :func:`collagenplan.cli.main`.
* A ``{code-block}`` whose ``:caption:`` is a file name (``my-clinic.toml``)
  is written to that file, so the examples after it can read it.
* Other blocks (``bash``, ``text``, ``toml``...) are shown, never run.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import inspect
import io
import pkgutil
import re
import shlex
import shutil
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from sphinx.pycode import ModuleAnalyzer

import collagenplan
from collagenplan import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
API_PAGE = DOCS / "reference" / "api.md"
PAGES = [
    ROOT / "README.md",
    *sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.relative_to(DOCS).parts),
]
_FILE_NAME = re.compile(r"[\w.-]+\.[a-z]+")
_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")


@attrs.frozen
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int
    lang: str
    text: str

    @property
    def where(self) -> str:
        return f"{_shown(self.page)}:{self.line}"


def _shown(page: Path) -> str:
    """The page's path as error messages give it: relative to the project when inside it."""
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else str(page)


def fenced_blocks(page: Path) -> Iterator[Block]:
    """The top-level fenced code blocks of a Markdown page, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        fence = match["fence"]
        info = match["info"].strip()
        lang = info.split()[0] if info else ""
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not (
            lines[j].strip().startswith(fence) and set(lines[j].strip()) == {fence[0]}
        ):
            body.append(lines[j])
            j += 1
        yield Block(page, i + 1, lang, "\n".join(body) + "\n")
        i = j + 1


def _normalise(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line-wise comparison where an expected ``...`` line matches any lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(_matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and _matches(expected[1:], actual[1:])


def _check_output(block: Block, expected: str, actual: str, what: str) -> None:
    want, got = _normalise(expected), _normalise(actual)
    if not _matches(want, got):
        pytest.fail(
            f"{block.where}: {what} differs from the page.\n"
            "--- on the page\n" + "\n".join(want) + "\n--- actual\n" + "\n".join(got),
            pytrace=False,
        )


def _run_python(block: Block, namespace: dict[str, object]) -> str:
    out = io.StringIO()
    failure = None
    try:
        code = compile(block.text, block.where, "exec")
        with contextlib.redirect_stdout(out):
            exec(code, namespace)
    except Exception:
        failure = traceback.format_exc()
    if failure is not None:
        pytest.fail(f"{block.where}: python block failed\n{failure}", pytrace=False)
    return out.getvalue()


def _console_steps(block: Block) -> Iterator[tuple[int, str, str]]:
    """(line, command, expected output) for each ``$`` command of a console block."""
    command: str | None = None
    start = block.line
    expected: list[str] = []
    for offset, line in enumerate(block.text.splitlines(), start=1):
        if line.startswith("$ "):
            if command is not None:
                yield start, command, "\n".join(expected)
            command, start, expected = line[2:].strip(), block.line + offset, []
        elif command is None:
            if line.strip():
                pytest.fail(f"{block.where}: console block must start with '$ '", pytrace=False)
        else:
            expected.append(line)
    if command is not None:
        yield start, command, "\n".join(expected)


def _run_console(block: Block) -> None:
    for line, command, expected in _console_steps(block):
        where = f"{_shown(block.page)}:{line}"
        argv = shlex.split(command)
        target = None
        if len(argv) >= 2 and argv[-2] == ">":
            argv, target = argv[:-2], argv[-1]
        if argv[:1] == ["collagenplan"]:
            args = argv[1:]
        elif argv[:3] == ["python", "-m", "collagenplan"]:
            args = argv[3:]
        else:
            pytest.fail(
                f"{where}: only collagenplan commands can run in a console block "
                f"(got {command!r}); show other shell commands in a bash block",
                pytrace=False,
            )
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status: object = cli.main(args)
            except SystemExit as stop:  # --help and --version leave the argparse way
                status = stop.code or 0
        if target is not None:
            Path(target).write_text(out.getvalue(), encoding="utf-8")
        shown = (out.getvalue() if target is None else "") + err.getvalue()
        if not expected.strip():
            if status != 0:
                pytest.fail(
                    f"{where}: {command!r} exited with status {status}:\n{shown}", pytrace=False
                )
            continue
        step = Block(block.page, line, block.lang, block.text)
        _check_output(step, expected, shown, f"output of {command!r}")


def _write_captioned_file(block: Block) -> None:
    """Write a code block captioned with a file name to that file."""
    lines = block.text.splitlines()
    options = {}
    while lines and lines[0].startswith(":"):
        key, _, value = lines.pop(0)[1:].partition(":")
        options[key.strip()] = value.strip()
    if lines and not lines[0].strip():
        lines.pop(0)
    name = options.get("caption", "")
    if _FILE_NAME.fullmatch(name):
        Path(name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_page(page: Path) -> None:
    """Run the examples of ``page`` in the current directory (see the module docstring)."""
    namespace: dict[str, object] = {"__name__": f"docs:{page.name}"}
    last_output: str | None = None
    for block in fenced_blocks(page):
        if block.lang == "python":
            last_output = _run_python(block, namespace)
        elif block.lang == "output":
            if last_output is None:
                pytest.fail(f"{block.where}: output block without a python block before it")
            _check_output(block, block.text, last_output, "printed output")
            last_output = None
        else:
            last_output = None
            if block.lang == "console":
                _run_console(block)
            elif block.lang in ("{code-block}", "{code}"):
                _write_captioned_file(block)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every python and console block of a page runs, in order, and prints what the page shows."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    run_page(page)


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    """Sphinx builds the site with every warning treated as an error."""
    strict = ["-W", "--keep-going", "-E", "-q"]
    paths = ["-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")]
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", *strict, "-b", "html", *paths],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"sphinx-build failed:\n{result.stderr}{result.stdout}"
    assert (tmp_path / "html" / "reference" / "api.html").is_file()


def _public_modules() -> list[str]:
    return [collagenplan.__name__] + [
        info.name
        for info in pkgutil.walk_packages(collagenplan.__path__, "collagenplan.")
        if not info.name.endswith("__main__")
    ]


def _module_data_doc(value: object, name: str) -> str | None:
    """The docstring written after ``name = ...`` in the module that defines ``value``."""
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        if getattr(module, name, None) is value:
            docs = ModuleAnalyzer.for_module(module_name).find_attr_docs()
            if ("", name) in docs:
                return "\n".join(docs[("", name)]).strip()
    return None


def _own_doc(obj: object) -> str:
    doc = vars(obj).get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    return (doc or "").strip()


@pytest.mark.parametrize("name", collagenplan.__all__)
def test_public_name_has_docstring(name: str) -> None:
    """Every public name, and every public field and method of a public class, is documented."""
    obj = getattr(collagenplan, name)
    if inspect.isclass(obj) or callable(obj):
        assert _own_doc(obj), f"collagenplan.{name} has no docstring"
    else:
        assert _module_data_doc(obj, name), f"collagenplan.{name} has no docstring"
    if not inspect.isclass(obj):
        return
    missing = []
    if attrs.has(obj):
        field_docs = ModuleAnalyzer.for_module(obj.__module__).find_attr_docs()
        missing += [
            f.name
            for f in attrs.fields(obj)
            if not f.name.startswith("_") and (obj.__qualname__, f.name) not in field_docs
        ]
    for member, value in vars(obj).items():
        if member.startswith("_") or (attrs.has(obj) and member in attrs.fields_dict(obj)):
            continue
        target = value.__func__ if isinstance(value, classmethod | staticmethod) else value
        documented = bool((getattr(target, "__doc__", None) or "").strip())
        if (callable(target) or isinstance(target, property)) and not documented:
            missing.append(member)
    assert not missing, f"collagenplan.{name}: undocumented members {missing}"


_DIRECTIVE = re.compile(
    r"^\.\. auto(?:class|function|data|exception)::\s+collagenplan\.(\w+)\s*$", re.M
)


def test_api_page_lists_every_public_name() -> None:
    """The API reference has an autodoc entry for each name in __all__, and nothing else."""
    listed = _DIRECTIVE.findall(API_PAGE.read_text(encoding="utf-8"))
    assert sorted(set(collagenplan.__all__) - set(listed)) == []
    assert sorted(set(listed) - set(collagenplan.__all__)) == []
    assert len(listed) == len(set(listed)), "a name is documented twice"


def test_validation_page_lists_every_code() -> None:
    """docs/validation.md has one row per code in the CODES registry, with its severity."""
    text = (DOCS / "validation.md").read_text(encoding="utf-8")
    section = text.partition("\n## Violation codes\n")[2].partition("\n## ")[0]
    rows = re.findall(r"^\|\s*`([a-z-]+)`\s*\|\s*(error|warning)\s*\|", section, re.M)
    codes = [code for code, _ in rows]
    assert sorted(codes) == sorted(collagenplan.CODES)
    assert len(codes) == len(set(codes))
    for code, severity in rows:
        assert severity == collagenplan.CODES[code].severity, code


def test_readme_links_resolve() -> None:
    """Every relative link in README.md points to a file that exists."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if "://" not in t]
    assert local, "README.md links into the docs"
    assert [t for t in local if not (ROOT / t).exists()] == []


@pytest.mark.parametrize("module_name", _public_modules())
def test_docstring_examples_run(module_name: str) -> None:
    """The ``>>>`` examples in the package's docstrings give the output they show."""
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, module_name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {module_name}"


# The runner above is itself code; these pin what it accepts and rejects.

_FAILED = pytest.fail.Exception


def _page(tmp_path: Path, text: str) -> Path:
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    return page


def test_fenced_blocks_reports_language_line_and_nested_fences(tmp_path: Path) -> None:
    """Blocks come out in order with their language and fence line; inner fences stay inside."""
    page = _page(
        tmp_path,
        "# T\n\n```python\nx = 1\n```\n\n````{eval-rst}\n```python\nnot a block\n```\n````\n"
        "~~~text\nplain\n~~~\n",
    )
    blocks = list(fenced_blocks(page))
    assert [(b.lang, b.line) for b in blocks] == [("python", 3), ("{eval-rst}", 7), ("text", 12)]
    assert blocks[0].text == "x = 1\n"
    assert "not a block" in blocks[1].text


@pytest.mark.parametrize(
    ("expected", "actual", "same"),
    [
        ("a\nb", "a\nb\n", True),
        ("a\nb", "a  \nb", True),
        ("a\nb", "a\nc", False),
        ("a\n...\nz", "a\nb\nc\nz", True),
        ("a\n...\nz", "a\nz", True),
        ("a\n...\nz", "a\nb", False),
        ("...", "anything\nat all", True),
        ("a", "", False),
    ],
)
def test_output_comparison(expected: str, actual: str, same: bool) -> None:
    """Output matches line by line, ignoring trailing spaces; ``...`` stands for any lines."""
    assert _matches(_normalise(expected), _normalise(actual)) is same


def test_wrong_output_fails_with_page_and_line(tmp_path: Path) -> None:
    """An output block that does not match what the code prints fails, naming its line."""
    page = _page(tmp_path, "```python\nprint(1 + 1)\n```\n\n```output\n3\n```\n")
    with pytest.raises(_FAILED, match=r"page\.md:5: printed output differs"):
        run_page(page)


def test_failing_block_names_page_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception in a python block fails the page with the block's file and line."""
    monkeypatch.chdir(tmp_path)
    page = _page(tmp_path, "Text.\n\n```python\nx = 1\n```\n\n```python\n1 / x + 1 / 0\n```\n")
    with pytest.raises(_FAILED, match=r"page\.md:7: python block failed(.|\n)*ZeroDivisionError"):
        run_page(page)


def test_blocks_share_one_namespace_per_page(tmp_path: Path) -> None:
    """Names defined in one python block are visible in the next block of the same page."""
    page = _page(
        tmp_path, "```python\nx = 20\n```\n\n```python\nprint(x + 1)\n```\n\n```output\n21\n```\n"
    )
    run_page(page)


def test_console_blocks_run_and_check_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Console commands run through the CLI; a redirect writes a file later blocks can read."""
    monkeypatch.chdir(tmp_path)
    good = _page(
        tmp_path,
        "```console\n$ collagenplan protocols maintenance > m.toml\n"
        "$ collagenplan protocols m.toml\n"
        'schema = 1\nid = "maintenance"\n...\n```\n\n'
        '```python\nimport collagenplan\nprint(collagenplan.load_protocol("m.toml").id)\n```\n\n'
        "```output\nmaintenance\n```\n",
    )
    run_page(good)
    bad = _page(tmp_path, "```console\n$ collagenplan plan nope --start 2027-01-01\nfine\n```\n")
    with pytest.raises(_FAILED, match="unknown protocol id 'nope'"):
        run_page(bad)


def test_console_command_without_output_must_succeed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A console command shown without output fails the page when its exit status is not 0."""
    monkeypatch.chdir(tmp_path)
    run_page(
        _page(tmp_path, "```console\n$ collagenplan plan maintenance --start 2027-01-01\n```\n")
    )
    page = _page(tmp_path, "```console\n$ collagenplan protocols nope.toml > out.toml\n```\n")
    with pytest.raises(_FAILED, match=r"exited with status 2:\n.*nope\.toml: file not found"):
        run_page(page)


def test_console_blocks_refuse_other_commands(tmp_path: Path) -> None:
    """Only collagenplan commands may appear in console blocks."""
    page = _page(tmp_path, "```console\n$ rm -rf build\n```\n")
    with pytest.raises(_FAILED, match="only collagenplan commands"):
        run_page(page)


def test_captioned_code_block_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A code block captioned with a file name is written to that file, without its options."""
    monkeypatch.chdir(tmp_path)
    page = _page(
        tmp_path,
        "```{code-block} toml\n:caption: a.toml\n\nkey = 1\n```\n\n"
        "```{code-block} toml\n:caption: Not a file name\n\nkey = 2\n```\n",
    )
    run_page(page)
    assert (tmp_path / "a.toml").read_text() == "key = 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.toml", "page.md"]
