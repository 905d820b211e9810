"""Protocols: the model, the loader, the TOML writer and the built-in catalogue."""

from .formatting import format_protocol, protocol_to_dict
from .loader import get_protocol, load_protocol, parse_protocol, protocol_ids
from .loader import protocol_from_dict as protocol_from_dict
from .model import (
    SCHEMA_VERSION,
    Aftercare,
    Contraindication,
    DepthRange,
    Interval,
    LatePolicy,
    Phase,
    Precaution,
    Protocol,
    SessionCount,
    SessionSpec,
    Spacing,
    Tier,
    Washout,
)

__all__ = [
    "SCHEMA_VERSION",
    "Aftercare",
    "Contraindication",
    "DepthRange",
    "Interval",
    "LatePolicy",
    "Phase",
    "Precaution",
    "Protocol",
    "SessionCount",
    "SessionSpec",
    "Spacing",
    "Tier",
    "Washout",
    "format_protocol",
    "get_protocol",
    "load_protocol",
    "parse_protocol",
    "protocol_ids",
    "protocol_to_dict",
]
