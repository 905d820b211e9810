"""JSON documents, re-exported for compatibility from :mod:`collagenplan.documents`."""

from ..documents import _BY_CLASS as _BY_CLASS  # the registry, for tests that extend it
from ..documents import _BY_NAME as _BY_NAME
from ..documents import (
    from_json,
    register,
    schema_for,
    schemas,
    to_json,
    to_jsonable,
    to_plain,
)

__all__ = [
    "from_json",
    "register",
    "schema_for",
    "schemas",
    "to_json",
    "to_jsonable",
    "to_plain",
]
