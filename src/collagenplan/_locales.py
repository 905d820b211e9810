"""The locales collagenplan's messages ship in, in a module of their own.

:data:`collagenplan.messages.LOCALES` is this tuple; the command line reads it
here to offer ``--locale`` without loading the message machinery, so that
``collagenplan --help`` stays quick.
"""

from __future__ import annotations

__all__ = ["LOCALES"]

LOCALES = ("en", "es")
"""The locales shipped complete: English (the message ids) and Spanish."""
