"""Messages as data: a key plus parameters, rendered in the caller's locale.

A message is a key of :data:`MESSAGES` (``"pause.both"``) and a tuple of
:class:`Param` values (names, key paths, durations, lists); the text is
rendered on demand by :func:`render`, in English or in any locale of
:data:`LOCALES`. Translations are standard gettext catalogues
(``locale/<lang>/LC_MESSAGES/collagenplan.po``, compiled to ``.mo`` with
Babel: ``pybabel compile -d src/collagenplan/messages/locale -D collagenplan``);
the English templates below are the message ids, marked with ``N_`` and
``NN_`` so that ``pybabel extract`` finds them in this package (``tests/test_messages.py``
gives the exact commands and checks the catalogues are up to date). Durations are written as words
("5 days", "1 week", "6 months"), never in file notation.

Dates (parameters of kind ``date``) are written ``YYYY-MM-DD`` in English,
as in every earlier release, and in the locale's long form with Babel in other
locales ("4 de diciembre de 2026"; the ``i18n`` extra installs Babel). A count
of days (kind ``days``) is written with the locale's plural ("1 day",
"12 days"), never converted to weeks.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import string
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Literal, get_args

import attrs

from .._locales import LOCALES as _LOCALES
from ..durations import Duration
from ..errors import InputError, MissingExtraError
from ._mark import N_, NN_
from ._texts import TEXT_MESSAGES
from ._violations import VIOLATION_MESSAGES

__all__ = [
    "LOCALES",
    "PARAM_KINDS",
    "PART_KINDS",
    "Message",
    "Param",
    "date_words",
    "day_words",
    "duration_words",
    "render",
    "translation",
    "unit_words",
]

DOMAIN = "collagenplan"
"""The gettext domain of collagenplan's catalogues."""
LOCALES = _LOCALES
"""The locales shipped complete: English (the message ids) and Spanish."""


_SCREENING: Mapping[str, str] = {
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
"""The screening messages built first: unrecognised names, pauses, precautions."""

MESSAGES: Mapping[str, str] = {**_SCREENING, **VIOLATION_MESSAGES, **TEXT_MESSAGES}
"""Every message key and its English template (the gettext message id)."""


ParamKind = Literal[
    "text",
    "duration",
    "units",
    "list",
    "date",
    "days",
    "number",
    "message",
    "sentences",
    "sentence",
]
PARAM_KINDS: tuple[ParamKind, ...] = get_args(ParamKind)
"""How a parameter is written: ``text`` as is; ``duration`` (file notation) in
words; ``units`` (file notation) in words in the units it is written in, as
:meth:`~collagenplan.Duration.words` does ("10 days", "13 months"); ``list``
joined with the locale's "and"; ``date`` (``YYYY-MM-DD``) in the locale's form;
``days`` (a whole number) as "n day(s)" with the locale's plural; ``number``
in digits; ``message`` a part of the sentence that is a message of its own
(its key, or a tuple of keys joined with "; "), rendered in the same locale
from the parameters named ``<name>.<placeholder>`` (for a tuple,
``<name>.<index>.<placeholder>``); ``sentences`` the same, joined with a
space; ``sentence`` as ``sentences``, its first letter upper-cased (text that
began inside a sentence, shown as one of its own)."""

PART_KINDS = ("message", "sentences", "sentence")
"""The kinds whose value is message keys, rendered from parameters of their own."""


@attrs.frozen
class Param:
    """One parameter of a message: a name, and a value kept in its plain form."""

    name: str
    """The placeholder it fills (``before``)."""
    value: str | tuple[str, ...]
    """Text (a name, a key path), a duration in file notation (``"5d"``), a
    date as ``YYYY-MM-DD``, a whole number in digits, or a list of names."""
    kind: ParamKind = attrs.field(default="text")
    """How the value is written out (see :data:`PARAM_KINDS`)."""

    @kind.validator
    def _known_kind(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in PARAM_KINDS:
            raise InputError(
                f"must be one of {', '.join(PARAM_KINDS)}, got {value!r}", path=attribute.name
            )

    def __attrs_post_init__(self) -> None:
        value, kind = self.value, self.kind
        if kind == "text" and isinstance(value, tuple):
            return  # names written with commas
        if kind in PART_KINDS:
            keys = value if isinstance(value, tuple) else (value,)
            unknown = [k for k in keys if k not in MESSAGES]
            if unknown:
                raise InputError(f"unknown message key {unknown[0]!r}", path="value")
            return
        if kind == "list":
            if not isinstance(value, tuple):
                raise InputError(f"must be a tuple of names, got {value!r}", path="value")
            return
        if not isinstance(value, str):
            raise InputError(f"must be a string for kind {kind!r}, got {value!r}", path="value")
        try:
            if kind in ("duration", "units"):
                _duration(value)
            elif kind == "date":
                dt.date.fromisoformat(value)
            elif kind in ("days", "number"):
                int(value)
        except ValueError:
            raise InputError(f"is not a {kind} value: {value!r}", path="value") from None


_duration = functools.lru_cache(maxsize=1024)(Duration.parse)
"""``Duration.parse``, remembered: violations name the same few protocol durations."""


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


def unit_words(duration: Duration, locale: str = "en") -> str:
    """``duration`` in words in the units of its text form, as
    :meth:`~collagenplan.Duration.words`: ``"10 days"``, ``"13 months"``."""
    tr = translation(locale)
    parts: list[str] = []
    years, months = divmod(duration.months, 12)
    weeks, days = divmod(duration.days, 7)
    for n, (one, many) in (
        (years if not months else 0, NN_("{n} year", "{n} years")),
        (duration.months if months else 0, NN_("{n} month", "{n} months")),
        (weeks if not days else 0, NN_("{n} week", "{n} weeks")),
        (duration.days if days else 0, NN_("{n} day", "{n} days")),
        (duration.hours, NN_("{n} hour", "{n} hours")),
    ):
        if n:
            parts.append(tr.ngettext(one, many, n).format(n=n))
    return " ".join(parts) or tr.ngettext(*NN_("{n} day", "{n} days"), 0).format(n=0)


def join_words(items: Sequence[str], locale: str = "en") -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"`` in the locale's words."""
    tr = translation(locale)
    if len(items) <= 1:
        return "".join(items)
    return tr.gettext(N_("{first} and {last}")).format(first=", ".join(items[:-1]), last=items[-1])


def day_words(days: int, locale: str = "en") -> str:
    """A count of days with the locale's plural: ``"1 day"``, ``"12 days"``."""
    return translation(locale).ngettext(*NN_("{n} day", "{n} days"), days).format(n=days)


def date_words(day: dt.date, locale: str = "en") -> str:
    """``day`` as ``YYYY-MM-DD`` in English, in the locale's long form elsewhere.

    Raises:
        MissingExtraError: a locale other than English needs Babel (the
            ``i18n`` extra).
    """
    translation(locale)
    if locale == "en":
        return day.isoformat()
    try:
        from babel.dates import format_date
    except ImportError:  # babel is the i18n extra (and in dev)
        raise MissingExtraError(
            "babel", f"writing dates in locale {locale!r}", extra="i18n"
        ) from None
    return str(format_date(day, format="long", locale=locale))


def _parts(param: Param, params: Sequence[Param], locale: str) -> str:
    """A ``message`` or ``sentences`` parameter: its messages rendered and joined."""
    value = param.value
    keys = [(value, f"{param.name}.")] if isinstance(value, str) else []
    keys += [(k, f"{param.name}.{i}.") for i, k in enumerate(value) if isinstance(value, tuple)]
    texts = [
        render(
            key,
            [
                Param(p.name[len(prefix) :], p.value, p.kind)
                for p in params
                if p.name.startswith(prefix)
            ],
            locale,
        )
        for key, prefix in keys
    ]
    text = ("; " if param.kind == "message" else " ").join(texts)
    return text[:1].upper() + text[1:] if param.kind == "sentence" else text


def _value(param: Param, locale: str, params: Sequence[Param] = ()) -> str:
    if param.kind in PART_KINDS:
        return _parts(param, params, locale)
    if param.kind == "duration" and isinstance(param.value, str):
        return duration_words(_duration(param.value), locale)
    if param.kind == "units" and isinstance(param.value, str):
        return unit_words(_duration(param.value), locale)
    if param.kind == "date" and isinstance(param.value, str):
        return date_words(dt.date.fromisoformat(param.value), locale)
    if param.kind == "days" and isinstance(param.value, str):
        return day_words(int(param.value), locale)
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
    values = {p.name: _value(p, locale, params) for p in params if "." not in p.name}
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
