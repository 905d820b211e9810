"""The vocabulary model: terms, areas, and how a typed name finds its term."""

from __future__ import annotations

import difflib
import functools
import re
import types
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

import attrs

from .._checks import is_kebab, is_optional, is_str, is_tuple_of, one_of
from .._fields import to_tuple
from ..errors import VocabularyError

__all__ = [
    "KINDS",
    "SCOPES",
    "Among",
    "Area",
    "Kind",
    "Match",
    "Scope",
    "Term",
    "Vocabulary",
    "normalise",
]

E = VocabularyError
Kind = Literal["exposures", "conditions", "procedures"]
KINDS: tuple[Kind, ...] = ("exposures", "conditions", "procedures")
Scope = Literal["body", "area"]
SCOPES: tuple[Scope, ...] = ("body", "area")

Among = Literal["records", "procedures", "areas"]
"""Which names a lookup searches: ``records`` (exposures and conditions, the
names medications and conditions use), ``procedures`` or ``areas``."""

_WORDS = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=4096)  # the same few names are compared on every planned day
def normalise(text: str) -> str:
    """The form names are compared in: accents dropped, case folded, words joined by ``-``.

    ``"Retin-A"``, ``"retin a"`` and ``" RETIN_A "`` all become ``"retin-a"``;
    ``"Décolleté"`` becomes ``"decollete"``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "-".join(_WORDS.findall(plain.casefold()))


def _names(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    is_tuple_of(E, str, "a name")(instance, attribute, value)
    for i, name in enumerate(value):
        if not normalise(name):
            raise E(
                f"must contain a letter or a digit, got {name!r}", path=f"{attribute.name}[{i}]"
            )


@attrs.frozen(kw_only=True)
class Term:
    """One exposure, condition or procedure: its id and every name staff may type for it."""

    id: str = attrs.field(validator=is_kebab(E))
    """The kebab-case id protocol rules use (``isotretinoin``)."""
    label: str = attrs.field(validator=is_str(E))
    """A display name (``"Oral isotretinoin"``)."""
    synonyms: tuple[str, ...] = attrs.field(default=(), converter=to_tuple, validator=_names)
    """Other names: generic drug names, plain words, other spellings."""
    brands: tuple[str, ...] = attrs.field(default=(), converter=to_tuple, validator=_names)
    """Brand (trade) names."""
    scope: Scope = attrs.field(default="body", validator=one_of(E, SCOPES))
    """``area``: it acts where it is applied or done, so a client record may
    name its areas; ``body``: it acts everywhere (a tablet, a pregnancy), and
    areas on a record are not allowed to narrow it."""
    source: str | None = attrs.field(default=None, validator=is_optional(is_str(E)))
    """Where the names and the scope come from (a grade and a reference)."""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name matched to this term: id, label, synonyms, brands."""
        return (self.id, self.label, *self.synonyms, *self.brands)


@attrs.frozen(kw_only=True)
class Area:
    """A body area a protocol treats or a topical product is used on."""

    id: str = attrs.field(validator=is_kebab(E))
    """The kebab-case id protocol ``areas`` use (``face``)."""
    label: str = attrs.field(validator=is_str(E))
    """A display name."""
    synonyms: tuple[str, ...] = attrs.field(default=(), converter=to_tuple, validator=_names)
    """Other names (``"décolleté"``)."""
    within: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(E, str, "an area id")
    )
    """Ids of larger areas this one is part of (``lips`` is within ``face``)."""
    source: str | None = attrs.field(default=None, validator=is_optional(is_str(E)))
    """Where the names come from."""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name matched to this area: id, label, synonyms."""
        return (self.id, self.label, *self.synonyms)


@attrs.frozen
class Match:
    """What a typed name resolved to."""

    id: str | None
    """The term or area id, or ``None`` when nothing matched."""
    suggestions: tuple[str, ...] = ()
    """When nothing matched: the ids of the closest known names, best first."""


_TABLES = (
    ("exposures", "records"),
    ("conditions", "records"),
    ("procedures", "procedures"),
    ("areas", "areas"),
)


def _terms(kind: str) -> Any:
    return attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(E, Term, f"a Term ({kind})")
    )


@attrs.frozen(kw_only=True)
class Vocabulary:
    """The names client records may use, with their synonyms, brands and areas.

    Exposures and conditions share one set of names (a protocol's
    contraindications match either), so a name may belong to only one term
    among them; procedures and areas each have their own. Build one with
    :func:`~collagenplan.load_vocabulary` or :func:`~collagenplan.default_vocabulary`.

    Raises:
        VocabularyError: an id is repeated, a name belongs to two terms, or an
            area is ``within`` an unknown area; the message names the key path.
    """

    exposures: tuple[Term, ...] = _terms("exposures")
    """Medications, products and habits."""
    conditions: tuple[Term, ...] = _terms("conditions")
    """Health conditions, histories and traits."""
    procedures: tuple[Term, ...] = _terms("procedures")
    """Other treatments."""
    areas: tuple[Area, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(E, Area, "an Area")
    )
    """Body areas."""
    _index: Mapping[str, Mapping[str, str]] = attrs.field(
        init=False, repr=False, eq=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        index: dict[str, dict[str, str]] = {"records": {}, "procedures": {}, "areas": {}}
        owners: dict[tuple[str, str], str] = {}  # (table, id) -> key path of the entry
        for kind, table in _TABLES:
            for i, entry in enumerate(getattr(self, kind)):
                path = f"{kind}[{i}]"
                if (table, entry.id) in owners:
                    raise E(
                        f"repeats id {entry.id!r} (already {owners[table, entry.id]})",
                        path=f"{path}.id",
                    )
                owners[table, entry.id] = path
                for name in entry.names:
                    key = normalise(name)
                    owner = index[table].setdefault(key, entry.id)
                    if owner != entry.id:
                        raise E(
                            f"{name!r} already names {owner!r} ({owners[table, owner]}); "
                            "a name may belong to one entry only",
                            path=path,
                        )
        for i, area in enumerate(self.areas):
            for k, outer in enumerate(area.within):
                if ("areas", outer) not in owners:
                    raise E(f"names unknown area {outer!r}", path=f"areas[{i}].within[{k}]")
        object.__setattr__(self, "_index", index)

    # ------------------------------------------------------------- lookups

    def term(self, term_id: str) -> Term | None:
        """The exposure, condition or procedure with id ``term_id``."""
        return next((t for kind in KINDS for t in getattr(self, kind) if t.id == term_id), None)

    def area(self, area_id: str) -> Area | None:
        """The area with id ``area_id``."""
        return next((a for a in self.areas if a.id == area_id), None)

    def ids(self, kind: Kind) -> tuple[str, ...]:
        """The ids of one kind of term, in file order."""
        return tuple(t.id for t in getattr(self, kind))

    def known(self, among: Among) -> Mapping[str, str]:
        """Every known name, normalised, with the id it stands for (read-only)."""
        return types.MappingProxyType(self._index[among])

    def lookup(self, name: str, among: Among) -> str | None:
        """The id ``name`` stands for, or ``None``; case, accents and spacing do not matter.

        ``among`` is ``"records"`` (exposures and conditions, what medications
        and conditions name), ``"procedures"`` or ``"areas"``.
        """
        return self._index[among].get(normalise(name))

    def match(
        self,
        name: str,
        among: Among,
        *,
        also: Iterable[str] = (),
        limit: int = 3,
    ) -> Match:
        """Resolve a typed name, or say which known names are closest.

        ``also`` are extra ids that count as known (names a protocol's rules
        use that the vocabulary lacks). A name never resolves by similarity
        alone: a near miss is unresolved, with suggestions.
        """
        key = normalise(name)
        found = self._index[among].get(key)
        if found is not None:
            return Match(found)
        extra = {normalise(n): n for n in also}
        if key in extra:
            return Match(extra[key])
        return Match(None, self.suggest(key, among, also=extra.values(), limit=limit))

    def suggest(
        self,
        name: str,
        among: Among,
        *,
        also: Iterable[str] = (),
        limit: int = 3,
    ) -> tuple[str, ...]:
        """Ids of the known names closest to ``name``, best first (difflib ratio >= 0.6)."""
        table = dict(self._index[among])
        table.update({normalise(n): n for n in also})
        close = difflib.get_close_matches(normalise(name), list(table), n=limit * 4, cutoff=0.6)
        out: list[str] = []
        for key in close:
            if table[key] not in out:
                out.append(table[key])
        return tuple(out[:limit])

    def enclosing(self, area_id: str) -> frozenset[str]:
        """``area_id`` and every area it lies within, directly or not."""
        out: set[str] = set()
        todo = [area_id]
        while todo:
            current = todo.pop()
            if current in out:
                continue
            out.add(current)
            found = self.area(current)
            if found is not None:
                todo += found.within
        return frozenset(out)

    def areas_meet(self, these: Iterable[str], those: Iterable[str]) -> bool:
        """True when two lists of areas overlap; an empty list means everywhere.

        Names resolve through the vocabulary; one area meets another when
        either lies within the other (``lips`` meets ``face``). An area name
        the vocabulary does not know meets every area (the safe answer).
        """
        first = [self.lookup(n, "areas") for n in these]
        second = [self.lookup(n, "areas") for n in those]
        if not first or not second or None in first or None in second:
            return True
        return any(
            a in self.enclosing(b) or b in self.enclosing(a)
            for a in first
            for b in second
            if a is not None and b is not None
        )

    def merged(self, other: Vocabulary) -> Vocabulary:
        """This vocabulary with ``other``'s entries added; an entry with a known id replaces it."""

        def merge(mine: tuple[Any, ...], theirs: tuple[Any, ...]) -> tuple[Any, ...]:
            replaced = {t.id: t for t in theirs}
            kept = [replaced.pop(t.id, t) for t in mine]
            return (*kept, *(t for t in theirs if t.id in replaced))

        return Vocabulary(
            exposures=merge(self.exposures, other.exposures),
            conditions=merge(self.conditions, other.conditions),
            procedures=merge(self.procedures, other.procedures),
            areas=merge(self.areas, other.areas),
        )

    def __iter__(self) -> Iterator[Term]:
        for kind in KINDS:
            yield from getattr(self, kind)
