"""Markers ``pybabel extract`` looks for: they return their argument unchanged."""

from __future__ import annotations

__all__ = ["NN_", "N_"]


def N_(text: str) -> str:
    """Mark ``text`` as a message id for extraction; returns it unchanged."""
    return text


def NN_(one: str, many: str) -> tuple[str, str]:
    """Mark a singular and plural message id for extraction; returns them unchanged."""
    return one, many
