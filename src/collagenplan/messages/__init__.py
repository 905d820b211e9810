"""Messages as data: a key plus parameters, rendered in the caller's locale.

A message is a key of :data:`MESSAGES` (``"pause.both"``) and a tuple of
:class:`Param` values (names, key paths, durations, lists); the text is
rendered on demand by :func:`render`, in English or in any locale of
:data:`LOCALES`. Translations are standard gettext catalogues
(``locale/<lang>/LC_MESSAGES/collagenplan.po``, compiled to ``.mo`` with
Babel: ``pybabel compile -d src/collagenplan/messages/locale -D collagenplan``);
the English templates below are the message ids, marked with :func:`N_` and
:func:`NN_` so that ``pybabel extract`` finds them (``tests/test_messages.py``
gives the exact commands and checks the catalogues are up to date). Durations are written as words
("5 days", "1 week", "6 months"), never in file notation.

Dates are written ``YYYY-MM-DD`` in every locale for now.

So far the screening reasons ``unrecognised``, ``pause`` and ``precaution``
are built this way; the other reasons, violations, milestones
and export texts still build English sentences (issue 13).
"""

from __future__ import annotations

import functools
import gettext
import string
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Literal

import attrs

from .._locales import LOCALES as _LOCALES
from ..durations import Duration
from ..errors import InputError

__all__ = ["LOCALES", "Message", "Param", "duration_words", "render", "translation"]

DOMAIN = "collagenplan"
"""The gettext domain of collagenplan's catalogues."""
LOCALES = _LOCALES
"""The locales shipped complete: English (the message ids) and Spanish."""


def N_(text: str) -> str:
    """Mark ``text`` as a message id for extraction; returns it unchanged."""
    return text


def NN_(one: str, many: str) -> tuple[str, str]:
    """Mark a singular and plural message id for extraction; returns them unchanged."""
    return one, many


MESSAGES: Mapping[str, str] = {
    # An unrecognised name in a client's records (screening reason and plan warning).
    "unrecognised.records": N_(
        "'{name}' ({path}) is not a known exposure or condition (closest known names: "
        "{suggestions}); it was not checked against any rule. A clinician must check it, "
        "then correct it or add it to the clinic's vocabulary."
    ),
    "unrecognised.records.none": N_(
        "'{name}' ({path}) is not a known exposure or condition, and no known name is close; "
        "it was not checked against any rule. A clinician must check it, then correct it or "
        "add it to the clinic's vocabulary."
    ),
    "unrecognised.procedures": N_(
        "'{name}' ({path}) is not a known procedure (closest known names: {suggestions}); "
        "it was not checked against any rule. A clinician must check it, then correct it or "
        "add it to the clinic's vocabulary."
    ),
    "unrecognised.procedures.none": N_(
        "'{name}' ({path}) is not a known procedure, and no known name is close; it was not "
        "checked against any rule. A clinician must check it, then correct it or add it to "
        "the clinic's vocabulary."
    ),
    "unrecognised.areas": N_(
        "'{name}' ({path}) is not a known area (closest known names: {suggestions}); the "
        "record is screened everywhere. A clinician must check it, then correct it or add it "
        "to the clinic's vocabulary."
    ),
    "unrecognised.areas.none": N_(
        "'{name}' ({path}) is not a known area, and no known name is close; the record is "
        "screened everywhere. A clinician must check it, then correct it or add it to the "
        "clinic's vocabulary."
    ),
    "unrecognised.scope": N_(
        "'{name}' acts on the whole body, so the areas given at {path} do not narrow it; it "
        "is screened everywhere. A clinician must check the record."
    ),
    # A washout the client pauses around each session (screening).
    "pause.both": N_(
        "{exposure}: stop at least {before} before each session and resume no sooner than "
        "{after} after it ({rule})."
    ),
    "pause.before": N_("{exposure}: stop at least {before} before each session ({rule})."),
    "pause.after": N_(
        "{exposure}: do not use it from the day of each session until {after} after it ({rule})."
    ),
    "recorded-as": N_("Recorded as '{name}'."),
    # A precaution's action around each session (screening).
    "precaution.both": N_(
        "{condition}: {action} from {before} before to {after} after each session ({rule})."
    ),
    "precaution.before": N_("{condition}: {action} from {before} before each session ({rule})."),
    "precaution.after": N_(
        "{condition}: {action} from the day of each session until {after} after it ({rule})."
    ),
    "precaution.day": N_("{condition}: {action} on the day of each session ({rule})."),
}
"""Every message key and its English template (the gettext message id)."""


@attrs.frozen
class Param:
    """One parameter of a message: a name, and a value kept in its plain form."""

    name: str
    """The placeholder it fills (``before``)."""
    value: str | tuple[str, ...]
    """Text (a name, a key path), a duration in file notation (``"5d"``), or a
    list of names."""
    kind: Literal["text", "duration", "list"] = "text"
    """How the value is written out: as is, as words, or as a list."""


def _params(value: Iterable[Param]) -> tuple[Param, ...]:
    return tuple(value)


@attrs.frozen
class Message:
    """A message as data: its key and its parameters."""

    key: str
    """A key of :data:`MESSAGES`."""
    params: tuple[Param, ...] = attrs.field(default=(), converter=_params)
    """The values its template fills."""

    def render(self, locale: str = "en") -> str:
        """The text in ``locale`` (see :func:`render`)."""
        return _render_once(self.key, self.params, locale)


@functools.cache
def translation(locale: str) -> gettext.NullTranslations:
    """The gettext catalogue for ``locale`` (``"en"`` needs none).

    Raises:
        InputError: ``locale`` is not one of :data:`LOCALES`.
    """
    if locale not in LOCALES:
        raise InputError(
            f"unknown locale {locale!r} (shipped: {', '.join(LOCALES)})", path="locale"
        )
    if locale == "en":
        return gettext.NullTranslations()
    folder = resources.files(__package__).joinpath("locale")
    with resources.as_file(folder) as path:
        return gettext.translation(DOMAIN, localedir=str(path), languages=[locale])


def duration_words(duration: Duration, locale: str = "en") -> str:
    """``duration`` in words: ``"1 year"``, ``"6 months"``, ``"1 week and 2 days"``."""
    tr = translation(locale)
    parts: list[str] = []
    years, months = divmod(duration.months, 12)
    weeks, days = divmod(duration.days, 7)
    for n, (one, many) in (
        (years, NN_("{n} year", "{n} years")),
        (months, NN_("{n} month", "{n} months")),
        (weeks, NN_("{n} week", "{n} weeks")),
        (days, NN_("{n} day", "{n} days")),
        (duration.hours, NN_("{n} hour", "{n} hours")),
    ):
        if n:
            parts.append(tr.ngettext(one, many, n).format(n=n))
    if not parts:
        return tr.ngettext(*NN_("{n} day", "{n} days"), 0).format(n=0)
    return join_words(parts, locale)


def join_words(items: Sequence[str], locale: str = "en") -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"`` in the locale's words."""
    tr = translation(locale)
    if len(items) <= 1:
        return "".join(items)
    return tr.gettext(N_("{first} and {last}")).format(first=", ".join(items[:-1]), last=items[-1])


def _value(param: Param, locale: str) -> str:
    if param.kind == "duration" and isinstance(param.value, str):
        return duration_words(Duration.parse(param.value), locale)
    if isinstance(param.value, tuple):
        return (
            join_words(list(param.value), locale)
            if param.kind == "list"
            else ", ".join(param.value)
        )
    return param.value


def render(key: str, params: Sequence[Param], locale: str = "en") -> str:
    """The text of message ``key`` with ``params``, in ``locale``.

    Raises:
        InputError: an unknown key or locale, or a parameter the template
            needs is missing.
    """
    if key not in MESSAGES:
        raise InputError(f"unknown message key {key!r}", path="key")
    template = translation(locale).gettext(MESSAGES[key])
    values = {p.name: _value(p, locale) for p in params}
    missing = sorted(placeholders(MESSAGES[key]) - set(values))
    if missing:
        raise InputError(f"message {key!r} needs {', '.join(missing)}", path="params")
    return template.format(**values)


@functools.lru_cache(maxsize=4096)
def _render_once(key: str, params: tuple[Param, ...], locale: str) -> str:
    """:func:`render` for a message's own (frozen, hashable) values, remembered."""
    return render(key, params, locale)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template fills."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}
