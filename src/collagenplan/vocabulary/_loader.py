"""Reading vocabulary files (TOML or JSON), and the built-in vocabulary."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Literal

from .._fields import parse_document, read_file
from .._reader import Reader
from ..errors import VocabularyError
from ._model import Vocabulary

__all__ = [
    "BUILTIN",
    "SCHEMA_VERSION",
    "default_vocabulary",
    "load_vocabulary",
    "parse_vocabulary",
    "vocabulary_from_dict",
]

E = VocabularyError
SCHEMA_VERSION = 1
"""The vocabulary file schema this version of collagenplan reads."""
BUILTIN = "builtin.toml"
"""The built-in vocabulary's file name, inside the package."""
_READER = Reader(E)


def vocabulary_from_dict(data: object) -> Vocabulary:
    """Build a :class:`Vocabulary` from the parsed structure of a vocabulary file."""
    return _READER.document(data, Vocabulary, schema=SCHEMA_VERSION)


@functools.cache
def default_vocabulary() -> Vocabulary:
    """The built-in vocabulary (``vocabulary/builtin.toml`` in the package)."""
    entry = resources.files(__package__).joinpath(BUILTIN)
    return parse_vocabulary(entry.read_text(encoding="utf-8"), source=BUILTIN, extend=False)


def parse_vocabulary(
    text: str,
    format: Literal["toml", "json"] = "toml",
    *,
    source: str | None = None,
    extend: bool = True,
) -> Vocabulary:
    """Parse vocabulary text (TOML or JSON, same structure).

    Args:
        text: the file's content.
        format: ``"toml"`` or ``"json"``.
        source: a name for error messages (usually the file name).
        extend: ``True`` (the default) adds the file's entries to the built-in
            vocabulary, an entry with a built-in id replacing that entry;
            ``False`` uses the file alone.

    Raises:
        VocabularyError: the text is not valid TOML/JSON, breaks a vocabulary
            rule, or gives a name that already belongs to another entry.
    """
    own = parse_document(text, format, E, source, vocabulary_from_dict)
    if not extend:
        return own
    try:
        return default_vocabulary().merged(own)
    except VocabularyError as err:
        raise E(
            f"clashes with the built-in vocabulary: {err.problem} (key paths count the "
            "built-in entries first; give the entry the built-in id to replace it)",
            source=source,
        ) from None


def load_vocabulary(path: str | Path, *, extend: bool = True) -> Vocabulary:
    """Load a vocabulary file; the format follows the suffix (``.toml`` or ``.json``).

    See :func:`parse_vocabulary` for ``extend``.

    Raises:
        VocabularyError: the file is missing, unreadable or invalid; the
            message names the file and the key path.
    """
    text, fmt, source = read_file(path, E)
    return parse_vocabulary(text, fmt, source=source, extend=extend)
