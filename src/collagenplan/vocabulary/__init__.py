"""The vocabulary: every name a client record may use, with synonyms, brands and areas.

Protocol rules name exposures, conditions and procedures by kebab-case id
(``isotretinoin``); staff type "Roaccutane", "Retin-A" or "isotretinion".
A :class:`Vocabulary` maps what is typed to ids: case, accents, spaces and
punctuation do not matter (see :func:`normalise`), and a name that matches
nothing is never guessed at; screening and planning report it with the
closest known names instead.

The built-in vocabulary ships as ``builtin.toml`` in this package; a clinic
file in the same format adds entries or replaces them by id
(:func:`load_vocabulary`).
"""

from __future__ import annotations

from ._loader import (
    SCHEMA_VERSION,
    default_vocabulary,
    load_vocabulary,
    parse_vocabulary,
)
from ._loader import vocabulary_from_dict as vocabulary_from_dict
from ._model import KINDS, SCOPES, Area, Kind, Match, Scope, Term, Vocabulary, normalise
from ._model import Among as Among

__all__ = [
    "KINDS",
    "SCHEMA_VERSION",
    "SCOPES",
    "Area",
    "Kind",
    "Match",
    "Scope",
    "Term",
    "Vocabulary",
    "default_vocabulary",
    "load_vocabulary",
    "normalise",
    "parse_vocabulary",
]
