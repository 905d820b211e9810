"""JSON documents, re-exported for compatibility from :mod:`collagenplan.documents`."""

from ..documents import (
    _BY_CLASS,
    _BY_NAME,
    from_json,
    register,
    schema_for,
    schemas,
    to_json,
    to_jsonable,
    to_plain,
)

__all__ = [
    "_BY_CLASS",
    "_BY_NAME",
    "from_json",
    "register",
    "schema_for",
    "schemas",
    "to_json",
    "to_jsonable",
    "to_plain",
]
