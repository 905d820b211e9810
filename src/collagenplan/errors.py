"""The exceptions collagenplan raises.

Everything the library raises on purpose derives from
:class:`CollagenPlanError`, so one ``except`` clause catches it all::

    CollagenPlanError                 base class; catch this to catch everything
    ├── InputError (ValueError)       a bad value; names the field, file and line
    │   ├── DurationError             a duration that cannot be parsed or applied
    │   ├── ProtocolError             a protocol file or value that breaks a rule
    │   ├── ClientError               a client file or value that breaks a rule
    │   ├── ClinicError               a clinic file or value that breaks a rule
    │   │   └── MissingHolidaysError  public holidays asked for, 'holidays' not installed
    │   ├── ScenarioError             a capacity scenario that breaks a rule
    │   └── SchemaError               a JSON document that is not what it claims
    ├── UnknownProtocolError (LookupError)   no built-in protocol has that id
    ├── PlanningError                 a plan cannot be made as asked (strict mode,
    │                                 contraindicated client)
    └── MissingExtraError (ImportError)   an optional dependency is not installed;
        │                                 names the extra that installs it
        └── MissingHolidaysError      (the same class as above: both a clinic
                                      error and a missing extra)

One warning class marks input that is read but should change::

    RenamedKeyWarning (FutureWarning)   a file or a call used the old name of a
                                        renamed key; the value is read under
                                        its new name

Messages are built in one place (:meth:`InputError.__str__`) so that every
error reads the same way: ``file: key.path: problem``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # typing only: errors sit below every other module at run time
    from .results import Violation

__all__ = [
    "ClientError",
    "ClinicError",
    "CollagenPlanError",
    "DurationError",
    "InputError",
    "MissingExtraError",
    "MissingHolidaysError",
    "PlanningError",
    "ProtocolError",
    "RenamedKeyWarning",
    "ScenarioError",
    "SchemaError",
    "UnknownProtocolError",
]


class CollagenPlanError(Exception):
    """Base class of every error collagenplan raises on purpose."""


class InputError(CollagenPlanError, ValueError):
    """A value, file or document that breaks a rule.

    Attributes:
        problem: what is wrong, in a sentence fragment (``"must be >= 1"``).
        path: the key path inside the document (``"phases[0].interval.max"``),
            or ``""`` when the error concerns the whole value.
        source: the file name or other origin (``"clinic.toml"``), or ``None``.
        line: the 1-based line number when known, else ``None``.
    """

    def __init__(
        self,
        problem: str,
        *,
        path: str = "",
        source: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(problem)  # first: ImportError.__init__ would reset ``path``
        self.problem = problem
        self.path = path
        self.source = source
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = self.source if self.line is None else f"{self.source}:{self.line}"
            where += ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        key = f"{self.path}: " if self.path else ""
        return f"{where}{key}{self.problem}"

    def located(self, *, source: str | None = None, prefix: str = "") -> InputError:
        """Return a copy of this error with a file name and a path prefix added."""
        path = self.path
        if prefix:
            path = prefix + ("." + path if path and not path.startswith("[") else path)
        err = type(self)(
            self.problem,
            path=path,
            source=source if source is not None else self.source,
            line=self.line,
        )
        return err


class DurationError(InputError):
    """A duration text that cannot be parsed, or a date it cannot be added to."""


class ProtocolError(InputError):
    """A protocol file or value that breaks a rule of the protocol format."""


class ClientError(InputError):
    """A client file or value that breaks a rule of the client format."""


class ClinicError(InputError):
    """A clinic file or value that breaks a rule of the clinic format."""


class ScenarioError(InputError):
    """A capacity scenario file or value that breaks a rule."""


class SchemaError(InputError):
    """A JSON document that does not match the collagenplan schema it names."""


class UnknownProtocolError(CollagenPlanError, LookupError):
    """No built-in protocol has the requested id."""

    def __init__(self, protocol_id: str, known: list[str]) -> None:
        self.protocol_id = protocol_id
        self.known = known
        super().__init__(
            f"unknown protocol id {protocol_id!r}; built-in protocols are: {', '.join(known)}"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class PlanningError(CollagenPlanError):
    """A plan cannot be made as asked.

    Raised by ``plan(..., strict=True)`` when a session has no allowed date in
    its window, and for a client who is contraindicated. ``violations`` holds
    the problems that caused it.
    """

    violations: tuple[Violation, ...]
    """The violations that stopped the plan, each naming its session and rule."""

    def __init__(self, message: str, violations: tuple[Violation, ...] = ()) -> None:
        self.violations = violations
        super().__init__(message)


class MissingExtraError(CollagenPlanError, ImportError):
    """An optional dependency a feature needs is not installed.

    The message names the package and the extra that installs it
    (``pip install 'collagenplan[analysis]'``).

    Attributes:
        package: the missing package (``numpy``).
        extra: the collagenplan extra that installs it (``analysis``).
    """

    def __init__(self, package: str, purpose: str, extra: str = "analysis") -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{purpose} needs {package}, which is not installed; "
            f"install it with: pip install 'collagenplan[{extra}]'"
        )

    def __str__(self) -> str:
        return str(self.args[0])


# ImportError has a ``path`` too (a module's file); here it is the key path, as
# on every InputError.
class MissingHolidaysError(MissingExtraError, ClinicError):  # type: ignore[misc]
    """A clinic asks for public holidays and the ``holidays`` package is not installed.

    Both a :class:`ClinicError` (it names the clinic file and the ``holidays``
    key, like any bad clinic value) and a :class:`MissingExtraError`
    (``package`` and ``extra`` are ``"holidays"``).
    """

    def __init__(
        self,
        problem: str = (
            "public holidays need the optional 'holidays' package; "
            "install it with: pip install 'collagenplan[holidays]'"
        ),
        *,
        path: str = "",
        source: str | None = None,
        line: int | None = None,
    ) -> None:
        ClinicError.__init__(self, problem, path=path, source=source, line=line)
        self.package = self.extra = "holidays"

    __str__ = InputError.__str__


class RenamedKeyWarning(FutureWarning):
    """A file used the old name of a key or keyword that has been renamed.

    The value is read under its new name; the old name will stop being read
    in a later release. ``str()`` names the file (when known), the key path,
    the old and the new name.
    """

    def __init__(self, old: str, new: str, *, path: str = "", source: str | None = None) -> None:
        self.old = old
        self.new = new
        self.path = path
        self.source = source
        where = ": ".join(p for p in (source, path) if p)
        super().__init__(
            f"{where + ': ' if where else ''}{old!r} is the old name of {new!r}; "
            f"write {new!r} (the old name will stop being read in a later release)"
        )
