"""Appointment checks: a timed session against the clinic file and the diary.

:func:`appointment_violations` is what :func:`~collagenplan.validate` adds for
sessions with an appointment time: the practitioner exists, is qualified and
is not on leave (``practitioner-unavailable``), the time lies inside the
opening hours and the practitioner's own hours (``outside-opening-hours``),
and nothing in the diary overlaps it (``practitioner-double-booked``,
``resource-double-booked``, ``client-double-booked``), each naming the
clashing appointment.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..messages import Param
from ..protocols.model import Protocol as TreatmentProtocol
from ..results import Violation, nested
from ..sessions import PlannedSession
from ._days import _fits
from ._diary import Booking, Diary, booking_of

if TYPE_CHECKING:  # pragma: no cover
    from ._model import Clinic

__all__ = ["CLASH_CODES", "appointment_violations", "clash_violation"]

CLASH_CODES = {
    "practitioner": "practitioner-double-booked",
    "resource": "resource-double-booked",
    "client": "client-double-booked",
}


def clash_violation(what: str, mine: Booking, other: Booking, number: int) -> Violation:
    """The violation of ``mine`` (session ``number``) overlapping ``other`` on ``what``."""
    held = {
        "practitioner": [Param("practitioner", str(mine.practitioner))],
        "resource": [
            Param("resources", ", ".join(sorted(set(mine.resources) & set(other.resources))))
        ],
        "client": [],
    }[what]
    params = [
        Param("session", str(number), "number"),
        Param("date", f"{mine.start:%Y-%m-%d}", "date"),
        Param("start", f"{mine.start:%H:%M}"),
        Param("end", f"{mine.end:%H:%M}"),
        *held,
        *nested("other", [other.describe_message()]),
    ]
    return Violation(
        code=CLASH_CODES[what],
        severity="error",
        key=f"clash.{what}",
        params=params,
        session=number,
        date=mine.start.date(),
        rule="diary",
    )


def appointment_violations(
    clinic: Clinic | None,
    protocol: TreatmentProtocol,
    sessions: Iterable[PlannedSession],
    *,
    diary: Diary | None = None,
    client: str | None = None,
) -> list[Violation]:
    """Violations of the timed, not yet done sessions against the clinic and the diary."""
    out: list[Violation] = []
    turnover = clinic.turnover if clinic is not None else 0
    for session in sessions:
        if session.status == "done" or session.start is None:
            continue
        if clinic is not None:
            out += _against_clinic(clinic, protocol, session)
        mine = booking_of(session, protocol.id, client)
        if diary is None or mine is None:
            continue
        for what, other in diary.clashes(mine, turnover):
            out.append(clash_violation(what, mine, other, session.number))
    return out


def _against_clinic(
    clinic: Clinic, protocol: TreatmentProtocol, session: PlannedSession
) -> list[Violation]:
    assert session.start is not None
    local = session.start.astimezone(clinic.zone)
    day, time = local.date(), local.time().replace(tzinfo=None)
    out: list[Violation] = []
    person = None
    if session.practitioner is not None and clinic.practitioners:
        person = next((p for p in clinic.practitioners if p.id == session.practitioner), None)
        problem = None
        if person is None:
            problem = "practitioner.unknown"
        elif not person.qualified(protocol.id):
            problem = "practitioner.unqualified"
        elif person.on_leave(day):
            problem = "practitioner.on-leave"
        if problem is not None:
            out.append(
                Violation(
                    code="practitioner-unavailable",
                    severity="error",
                    key=problem,
                    params=(
                        Param("session", str(session.number), "number"),
                        Param("date", day.isoformat(), "date"),
                        Param("practitioner", str(session.practitioner)),
                        *([Param("protocol", protocol.id)] if "unq" in problem else []),
                    ),
                    session=session.number,
                    date=session.date,
                    rule="clinic.practitioners",
                )
            )
    minutes = session.minutes or 0
    spans = clinic.opening(day)
    own = list(spans)
    if person is not None and person.hours:
        own = [h.span for h in person.hours if h.applies(day)]
    if spans and not (
        any(_fits(time, minutes, a, b) for a, b in spans)
        and any(_fits(time, minutes, a, b) for a, b in own)
    ):
        hours = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in spans)
        whose = person is not None and bool(person.hours)
        out.append(
            Violation(
                code="outside-opening-hours",
                severity="error",
                key="hours.practitioner" if whose else "hours.clinic",
                params=(
                    Param("session", str(session.number), "number"),
                    Param("date", f"{local:%Y-%m-%d}", "date"),
                    Param("time", f"{local:%H:%M}"),
                    Param("minutes", str(minutes), "number"),
                    Param("hours", hours),
                    *([Param("practitioner", person.id)] if person and whose else []),
                ),
                session=session.number,
                date=session.date,
                rule="clinic.hours",
            )
        )
    return out
