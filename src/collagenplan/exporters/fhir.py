"""FHIR R4 export: a plan as a Bundle of CarePlan + Appointments, a protocol
as a PlanDefinition.

The output is plain JSON-ready data (``dict``), so no FHIR library is needed
at run time; the test suite validates it against the R4 (4.0.1) models of
the ``fhir.resources`` package. Element paths in comments are those of the
R4 specification (``Appointment.requestedPeriod``).

Identity: every resource id is a version 5 UUID derived from the plan key
(a hash of ``plan_id``) and the resource's role (an Appointment's role is its
session's stable ``key``), so exporting the same plan, or a re-plan of it,
again yields the same ids; the CarePlan and each Appointment also carry an
``identifier`` with the plan id and the session key, for conditional updates.
Each ``Bundle.entry.fullUrl`` is ``urn:uuid:<id>`` and every reference inside
the Bundle uses that form, which is how references between entries resolve
(R4 Bundle, "Resolving references in Bundles"); a server processing a
transaction rewrites them to the ids it stores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import zoneinfo
from collections.abc import Mapping
from typing import Any, Literal

from ..clients import Client
from ..clinics import Clinic
from ..durations import Duration
from ..errors import InputError, ProtocolError
from ..messages import translation
from ..protocols.model import Interval, Protocol
from ..results import Plan
from ..sessions import Milestone, PlannedSession
from ._common import (
    DEFAULT_MINUTES,
    ExportSession,
    check_plan,
    check_protocol,
    clean_text,
    export_sessions,
    export_title,
    milestone_task,
    plan_identity,
    plan_key,
    say,
    stable_uuid,
    subject_labels,
)

__all__ = ["protocol_to_fhir", "to_fhir"]

Json = dict[str, Any]
UCUM = "http://unitsofmeasure.org"
_V2_0276 = "http://terminology.hl7.org/CodeSystem/v2-0276"
_PLAN_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
# Appointment.status. app-3 ("Only proposed or cancelled appointments can be
# missing start/end dates"): a booked or done session without a time is given
# its whole day as start and end.
_APPOINTMENT_STATUS = {"planned": "proposed", "booked": "booked", "done": "fulfilled"}
PLAN_SYSTEM = "urn:collagenplan:plan"
"""``Identifier.system`` of a CarePlan's identifier, whose value is the plan id."""
SESSION_SYSTEM = "urn:collagenplan:session"
"""``Identifier.system`` of an Appointment's identifier: ``<plan id>#<session key>``."""
CLIENT_SYSTEM = "urn:collagenplan:client"
"""``Identifier.system`` of a Patient's identifier: the client file's ``id``."""
_XHTML = "http://www.w3.org/1999/xhtml"
# Appointment.participant.status (ParticipationStatus) of the client.
_PARTICIPANT_STATUS = {"planned": "needs-action", "booked": "accepted", "done": "accepted"}
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def _default_url(protocol_id: str) -> str:
    # A URN, so that no web address is invented for the clinic.
    return f"urn:collagenplan:protocol:{protocol_id}"


def _fhir_strings(value: Any) -> Any:
    """Make every string a valid R4 ``string``.

    R4 strings match ``[ \\r\\n\\t\\S]+``: no control characters, no
    whitespace other than space, tab, CR and LF, never empty; and they SHOULD
    carry no leading or trailing whitespace. User text is brought in line:
    other whitespace becomes a space, and text left empty becomes ``"-"``.
    """
    if isinstance(value, dict):
        return {k: _fhir_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fhir_strings(v) for v in value]
    if isinstance(value, str):
        text = "".join(
            " " if c.isspace() and c not in " \t\r\n" else c for c in clean_text(value)
        ).strip()
        return text or "-"
    return value


def _narrative(*paragraphs: str) -> Json:
    """``Resource.text``: generated XHTML narrative (R4 Narrative, dom-6)."""
    body = "".join(f"<p>{html.escape(clean_text(p), quote=False)}</p>" for p in paragraphs if p)
    return {"status": "generated", "div": f'<div xmlns="{_XHTML}">{body}</div>'}


def _ref(uid: str, display: str | None = None) -> Json:
    ref: Json = {"reference": f"urn:uuid:{uid}"}
    if display:
        ref["display"] = display
    return ref


def _instant(moment: dt.datetime) -> str:
    # R4 instant: seconds are required and so is the offset.
    return moment.isoformat(timespec="seconds")


def _period(start: dt.date, end: dt.date | None) -> Json:
    period: Json = {"start": start.isoformat()}
    if end is not None:
        period["end"] = end.isoformat()
    return period


def _whole_day(day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def _appointment(
    view: ExportSession,
    uid: str,
    patient: Json,
    identifier: Json,
    practitioner: Json | None,
    zone: dt.tzinfo,
) -> Json:
    session, start, locale = view.session, view.start, view.locale
    status = _APPOINTMENT_STATUS[session.status]
    if view.removed:
        status = "cancelled"
    res: Json = {
        "resourceType": "Appointment",
        "id": uid,
        "identifier": [identifier],
        "status": status,
        # Appointment.appointmentType, v2 table 0276.
        "appointmentType": {
            "coding": [
                {
                    "system": _V2_0276,
                    "code": "ROUTINE" if session.number == 1 else "FOLLOWUP",
                }
            ]
        },
        "description": clean_text(f"{view.heading} ({session.phase})"),
    }
    if view.removed:
        res["cancelationReason"] = {"text": say("fhir.cancelation-reason", locale)}
    whole_day = start is None and status in ("booked", "fulfilled")
    if start is not None and view.end is not None:
        res["start"] = _instant(start)
        res["end"] = _instant(view.end)
        res["minutesDuration"] = view.minutes
    elif whole_day:
        first, last = _whole_day(session.date, zone)
        res["start"] = _instant(first)
        res["end"] = _instant(last)
        if session.minutes is not None:
            res["minutesDuration"] = session.minutes
    elif session.minutes is not None:
        res["minutesDuration"] = session.minutes
    # Appointment.requestedPeriod: the window the session may fall in.
    w = session.window
    res["requestedPeriod"] = [_period(w.earliest, w.latest)]
    date = session.date
    cancelled = "cancelled." if view.removed else ""
    comment = say(f"fhir.comment.{cancelled}{session.status}", locale, date=date)
    if whole_day:
        comment = say("fhir.comment.whole-day", locale, session=comment)
    elif start is None:
        comment = say("fhir.comment.untimed", locale, session=comment)
    else:
        comment += "."
    if w.latest is None:
        window = say("fhir.comment.window.open", locale, earliest=w.earliest, target=w.target)
    else:
        window = say(
            "fhir.comment.window", locale, earliest=w.earliest, latest=w.latest, target=w.target
        )
    comment += f" {window}"
    comment += "".join(
        " " + say("export.problem", locale, code=v.code, message=clean_text(v.text(locale)))
        for v in view.violations
    )
    res["comment"] = comment
    instructions = _instructions(view)
    if instructions and not view.removed:
        res["patientInstruction"] = instructions
    fixed = status in ("booked", "fulfilled")
    participants: list[Json] = [
        {
            "actor": patient,
            "required": "required",
            "status": _PARTICIPANT_STATUS[session.status] if fixed else "needs-action",
        }
    ]
    if view.practitioner:
        actor = practitioner or {"display": clean_text(view.practitioner)}
        participants.append(
            {
                "actor": actor,
                "required": "required",
                "status": "accepted" if fixed else "needs-action",
            }
        )
    res["participant"] = participants
    res["text"] = _narrative(res["description"], comment)
    return res


def _instructions(view: ExportSession) -> str | None:
    lines = [
        *view.reminders,
        *(say("fhir.aftercare", view.locale, line=line) for line in view.aftercare),
    ]
    return "\n".join(lines) or None


def _milestone_activity(
    m: Milestone, session: PlannedSession, labels: Mapping[str, str], locale: str
) -> Json:
    # CarePlan.activity.detail (cpl-3: a detail and no reference).
    status = "completed" if session.status == "done" else "not-started"
    task = milestone_task(m, labels, locale)
    note = m.note_text(locale)
    detail: Json = {
        "kind": "Task",
        # A code (kind and subject id), not prose: the same in every locale.
        "code": {"text": f"{m.kind} {m.subject}"},
        "status": status,
        "scheduledPeriod": _period(m.start, m.end if m.end is not None else m.start),
        "description": clean_text(
            say("fhir.task.noted", locale, number=session.number, task=task, note=note)
            if note
            else say("fhir.task", locale, number=session.number, task=task)
        ),
    }
    return {"detail": detail}


def _practitioners(
    clinic: Clinic | None, views: list[ExportSession]
) -> tuple[dict[str, tuple[Json, str]], list[tuple[Json, str]]]:
    """Practitioner resources for the clinic's practitioners the sessions name.

    Returns the reference (and resource id) by practitioner id, and the
    resources. A practitioner's id depends only on the clinic and its own id,
    so every plan of the clinic refers to the same Practitioner.
    """
    if clinic is None:
        return {}, []
    wanted = {v.session.practitioner for v in views if v.session.practitioner}
    refs: dict[str, tuple[Json, str]] = {}
    resources: list[tuple[Json, str]] = []
    for person in clinic.practitioners:
        if person.id not in wanted:
            continue
        uid = stable_uuid("practitioner", clinic.id, person.id)
        display = clean_text(person.name or person.id)
        resource: Json = {
            "resourceType": "Practitioner",
            "id": uid,
            "identifier": [
                {"system": f"urn:collagenplan:clinic:{clinic.id}:practitioner", "value": person.id}
            ],
            "name": [{"text": display}],
            "text": _narrative(f"{display}, {clinic.name}."),
        }
        refs[person.id] = (_ref(uid, display), uid)
        resources.append((resource, uid))
    return refs, resources


def _zone_of(clinic: Clinic | None) -> dt.tzinfo:
    if clinic is None:
        return dt.UTC
    return zoneinfo.ZoneInfo(clinic.timezone)


def to_fhir(
    plan: Plan,
    *,
    patient: str | None = None,
    client_name: str | None = None,
    protocol: Protocol | None = None,
    plan_id: str | None = None,
    bundle_type: Literal["collection", "transaction"] = "collection",
    careplan_status: Literal["draft", "active", "on-hold", "revoked", "completed"] = "active",
    protocol_url: str | None = None,
    default_minutes: int = DEFAULT_MINUTES,
    clinic: Clinic | None = None,
    client: Client | None = None,
    locale: str = "en",
) -> Json:
    """Write ``plan`` as a FHIR R4 Bundle: a CarePlan and one Appointment per session.

    The CarePlan (``intent`` ``plan``, with a generated narrative) lists one
    ``activity.reference`` per session, pointing at its Appointment, and one
    ``activity.detail`` (kind ``Task``) per milestone. Each Appointment
    carries the session's window as ``requestedPeriod``;
    ``start``/``end``/``minutesDuration`` when the session has an
    appointment time; and ``status`` ``proposed`` (planned), ``booked`` or
    ``fulfilled`` (done). A booked or done session without a time gets its
    whole day as ``start`` and ``end`` (in the clinic's zone, else UTC),
    because R4 (invariant app-3) lets only proposed, cancelled and
    waitlisted appointments lack them. Sessions a re-plan removed
    (``plan.removed``) are ``cancelled`` Appointments, so that posting the
    Bundle again cancels them.

    Identity: the CarePlan's ``identifier`` is the plan id (system
    :data:`PLAN_SYSTEM`), each Appointment's is ``<plan id>#<session key>``
    (:data:`SESSION_SYSTEM`); an anonymous plan uses its key instead of an id.

    Args:
        plan: the plan to export.
        patient: a reference to the client's Patient in your EHR
            (``"Patient/123"``). Without it, the Bundle holds a Patient with
            ``client_name`` and the client's ``id`` (if given), and everything
            refers to that.
        client_name: the client's name, for that Patient and ``display``.
        protocol: the plan's protocol, for its name, chair minutes and
            aftercare (``Appointment.patientInstruction``).
        plan_id: overrides ``plan.plan_id``, the id resource ids derive from.
        bundle_type: ``collection``, or ``transaction`` with a ``PUT`` per
            entry so that posting it again updates the same resources.
        careplan_status: ``CarePlan.status``.
        protocol_url: canonical URL of the protocol's PlanDefinition, for
            ``CarePlan.instantiatesCanonical``; defaults to
            ``urn:collagenplan:protocol:<protocol id>``.
        default_minutes: length of a timed session whose minutes are
            unknown, when ``protocol`` does not give its chair minutes.
        clinic: the clinic: its practitioners become ``Practitioner``
            resources the Appointments refer to, by display name; its zone
            frames whole-day appointments.
        client: the client: its ``id`` becomes the Patient's identifier (system
            :data:`CLIENT_SYSTEM`) and fixes the Patient's resource id.
        locale: the language of the text the library writes (narratives,
            descriptions, comments, instructions), one of
            :data:`~collagenplan.messages.LOCALES`; dates in it take the
            locale's form (ISO in English). Names and notes from the
            protocol, the clinic and the caller are written as they are;
            codes, identifiers and element values are never translated.

    Returns:
        The Bundle as a ``dict`` ready for ``json.dumps``.

    Raises:
        InputError: a bad argument.
    """
    plan = check_plan(plan)
    protocol = check_protocol(protocol, plan)
    if bundle_type not in ("collection", "transaction"):
        raise InputError(
            f"must be 'collection' or 'transaction', got {bundle_type!r}", path="bundle_type"
        )
    if careplan_status not in ("draft", "active", "on-hold", "revoked", "completed"):
        raise InputError(f"is not a CarePlan status: {careplan_status!r}", path="careplan_status")
    if clinic is not None and not isinstance(clinic, Clinic):
        raise InputError(f"must be a Clinic, got {type(clinic).__name__}", path="clinic")
    if client is not None and not isinstance(client, Client):
        raise InputError(f"must be a Client, got {type(client).__name__}", path="client")
    if client_name is not None and not isinstance(client_name, str):
        raise InputError(f"must be a string, got {type(client_name).__name__}", path="client_name")
    key = plan_key(plan, plan_id, client_name)
    identity = plan_identity(plan, plan_id) or key
    names = {p.id: p.name for p in clinic.practitioners if p.name} if clinic else {}
    views = list(
        export_sessions(plan, protocol, default_minutes, names=names, removed=True, locale=locale)
    )
    title = export_title(plan, protocol)
    labels = subject_labels(protocol)
    zone = _zone_of(clinic)
    entries: list[tuple[Json, str]] = []

    display = clean_text(client_name) if client_name else None
    if patient is not None:
        if not isinstance(patient, str) or not re.fullmatch(r"[^\s\ud800-\udfff]+", patient):
            raise InputError(
                f"must be a reference such as 'Patient/123', got {patient!r}", path="patient"
            )
        subject: Json = {"reference": patient}
        if display:
            subject["display"] = display
    else:
        client_id = client.id if client is not None else None
        patient_id = stable_uuid("client", client_id) if client_id else stable_uuid(key, "patient")
        resource: Json = {"resourceType": "Patient", "id": patient_id}
        if client_id:
            resource["identifier"] = [{"system": CLIENT_SYSTEM, "value": client_id}]
        if display:
            resource["name"] = [{"text": display}]
        resource["text"] = _narrative(display or client_id or say("fhir.patient", locale))
        entries.append((resource, patient_id))
        subject = _ref(patient_id, display)

    practitioners, practitioner_entries = _practitioners(clinic, views)
    careplan_id = stable_uuid(key, "careplan")
    activities: list[Json] = []
    appointments: list[tuple[Json, str]] = []
    for view in views:
        session = view.session
        uid = stable_uuid(key, "appointment", view.key)
        identifier = {"system": SESSION_SYSTEM, "value": f"{identity}#{view.key}"}
        found = practitioners.get(session.practitioner or "")
        appointment = _appointment(
            view, uid, subject, identifier, found[0] if found else None, zone
        )
        appointments.append((appointment, uid))
        if view.removed:
            continue
        # CarePlan.activity.reference: Reference(Appointment | ...).
        activities.append({"reference": _ref(uid, appointment["description"])})
        activities += [_milestone_activity(m, session, labels, locale) for m in session.milestones]

    description = say(
        "fhir.careplan",
        locale,
        count=len(plan.sessions),
        protocol=plan.protocol_id,
        start=plan.start,
    )
    careplan: Json = {
        "resourceType": "CarePlan",
        "id": careplan_id,
        "identifier": [{"system": PLAN_SYSTEM, "value": identity}],
        "instantiatesCanonical": [protocol_url or _default_url(plan.protocol_id)],
        "status": careplan_status,
        "intent": "plan",
        "title": clean_text(title),
        "description": description,
        "subject": subject,
    }
    if plan.sessions:
        careplan["period"] = _period(plan.sessions[0].date, plan.sessions[-1].date)
    if activities:
        careplan["activity"] = activities
    if plan.violations:
        careplan["note"] = [
            {"text": clean_text(f"{v.severity} [{v.code}]: {v.text(locale)}")}
            for v in plan.violations
        ]
    careplan["text"] = _narrative(
        f"{title}: {description}",
        *(
            say(
                f"fhir.careplan.{v.session.status}",
                locale,
                number=v.session.number,
                phase=v.session.phase,
                date=v.session.date,
            )
            for v in views
            if not v.removed
        ),
        *(f"{v.severity} [{v.code}]: {v.text(locale)}" for v in plan.violations),
    )
    entries.append((careplan, careplan_id))
    entries += practitioner_entries
    entries += appointments

    bundle: Json = {
        "resourceType": "Bundle",
        "id": stable_uuid(key, "bundle", bundle_type),
        "type": bundle_type,
        "entry": [],
    }
    for resource, uid in entries:
        entry: Json = {"fullUrl": f"urn:uuid:{uid}", "resource": resource}
        if bundle_type == "transaction":
            # Bundle.entry.request: update-as-create keeps re-posting idempotent.
            entry["request"] = {"method": "PUT", "url": f"{resource['resourceType']}/{uid}"}
        bundle["entry"].append(entry)
    result: Json = _fhir_strings(bundle)
    return result


# --- PlanDefinition --------------------------------------------------------------

# UCUM codes for the units of a Duration (R4 Duration, drt-1: a UCUM time code).
_UNIT_NAMES = {"h": "hours", "d": "days", "wk": "weeks", "mo": "months", "a": "years"}


def _as_one_unit(d: Duration, path: str) -> tuple[int, str]:
    """``d`` as one number and UCUM unit, exactly, or a ProtocolError."""
    if d.months and (d.days or d.hours):
        raise ProtocolError(
            f"{d} mixes calendar months with days or hours and cannot be written as "
            "one FHIR Duration; write it in one unit",
            path=path,
        )
    if d.months:
        return (d.months // 12, "a") if d.months % 12 == 0 else (d.months, "mo")
    if d.hours:
        return d.days * 24 + d.hours, "h"
    return (d.days // 7, "wk") if d.days % 7 == 0 and d.days else (d.days, "d")


def _quantity(d: Duration, path: str) -> Json:
    value, unit = _as_one_unit(d, path)
    return {"value": value, "unit": _UNIT_NAMES[unit], "system": UCUM, "code": unit}


_HOURS = {"h": 1, "d": 24, "wk": 168}
_MONTHS = {"mo": 1, "a": 12}


def _common_unit(a: tuple[int, str], b: tuple[int, str]) -> tuple[int, int, str] | None:
    """Both amounts in one unit (the larger that fits both exactly), if any."""
    for table in (_HOURS, _MONTHS):
        if a[1] in table and b[1] in table:
            base_a, base_b = a[0] * table[a[1]], b[0] * table[b[1]]
            for unit, size in sorted(table.items(), key=lambda kv: -kv[1]):
                if base_a % size == 0 and base_b % size == 0:
                    return base_a // size, base_b // size, unit
    return None


def _timing(phase_sessions: tuple[int, int] | None, interval: Interval, path: str) -> Json:
    # Timing.repeat: count/countMax sessions, period/periodMax between them.
    repeat: Json = {}
    if phase_sessions is not None:
        low, high = phase_sessions
        repeat["count"] = low
        if high != low:
            repeat["countMax"] = high
    common = _common_unit(
        _as_one_unit(interval.min, f"{path}.interval.min"),
        _as_one_unit(interval.max, f"{path}.interval.max"),
    )
    if common is not None:
        low_p, high_p, unit = common
        repeat["period"] = low_p
        if high_p != low_p:
            repeat["periodMax"] = high_p
        repeat["periodUnit"] = unit
    return {"repeat": repeat}


def _action_id(text: str) -> str:
    """A PlanDefinition ``action.id``: FHIR ``id`` (at most 64 of ``[A-Za-z0-9.-]``).

    ``text`` as it is when it fits; else its first characters that fit and a
    hash of the whole, so distinct texts keep distinct ids (interop D10).
    """
    if _FHIR_ID.fullmatch(text):
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    stem = re.sub(r"[^A-Za-z0-9.-]", "-", text)[:51].rstrip("-")
    return f"{stem}-{digest}" if stem else digest


def _fhir_name(protocol_id: str) -> str:
    # cnl-0: a computer-friendly name starts with a capital, then letters,
    # digits and underscores.
    name = "".join(part.capitalize() for part in protocol_id.split("-"))
    return name if name[:1].isalpha() else f"Protocol{name}"


def protocol_to_fhir(
    protocol: Protocol,
    *,
    url: str | None = None,
    status: Literal["draft", "active", "retired", "unknown"] = "active",
    locale: str = "en",
) -> Json:
    """Write ``protocol`` as a FHIR R4 PlanDefinition (type ``clinical-protocol``).

    Each phase is an action (id ``phase-<name>``) with a ``timingTiming``:
    ``repeat.count``/``countMax`` from the session range (none for a
    repeating phase) and ``period``/``periodMax``/``periodUnit`` from the
    interval's min and max when both fit one unit exactly; the target gap is
    in the action's ``description``. A later phase links to the one before
    with ``relatedAction`` (``after-end``, ``offsetRange`` = its interval).
    Washouts become ``stop-<exposure>`` (``before-start``, ``offsetRange.low``
    = how long before) and ``resume-<exposure>`` (``after-end``) actions,
    precautions a ``before-start`` action with ``reason`` = the condition,
    aftercare ``after-end`` actions with ``timingDuration``; each links to
    every phase. Contraindications and spacing rules have no PlanDefinition
    element and are listed in ``description``.

    Args:
        protocol: the protocol.
        url: the PlanDefinition's canonical URL; defaults to
            ``urn:collagenplan:protocol:<id>``, a URN, so that no web
            address is made up for the clinic.
        status: ``PlanDefinition.status``.
        locale: the language of the titles and descriptions the library
            writes, one of :data:`~collagenplan.messages.LOCALES`; the
            protocol's names, labels and notes are written as they are.

    Returns:
        The PlanDefinition as a ``dict``.

    Raises:
        ProtocolError: a duration that mixes months with days cannot be one
            FHIR Duration (the message names the rule).
    """
    if not isinstance(protocol, Protocol):
        raise InputError(f"must be a Protocol, got {type(protocol).__name__}", path="protocol")
    if status not in ("draft", "active", "retired", "unknown"):
        raise InputError(f"is not a PlanDefinition status: {status!r}", path="status")
    translation(locale)  # an unknown locale is an error before anything is written
    ident = protocol.id
    if not _FHIR_ID.fullmatch(ident):  # FHIR ids are at most 64 characters
        ident = stable_uuid("protocol", protocol.id)
    actions: list[Json] = []
    phase_ids: list[str] = []
    for i, phase in enumerate(protocol.phases):
        path = f"phases[{i}]"
        s = phase.sessions
        count = None if phase.repeat else (s.min, s.max)
        iv = phase.interval
        gaps: dict[str, str | int | Duration] = {
            "every": iv.target,
            "shortest": iv.min,
            "longest": iv.max,
        }
        grace = ""
        if phase.grace:
            grace = ".grace"
            gaps["grace"] = phase.grace
        if phase.repeat:
            description = say(f"fhir.phase.repeating{grace}", locale, **gaps)
        elif s.min == s.max:
            description = say(f"fhir.phase.count{grace}", locale, count=s.min, **gaps)
        else:
            description = say(
                f"fhir.phase.range{grace}",
                locale,
                low=s.min,
                high=s.max,
                default=s.default,
                **gaps,
            )
        action: Json = {
            "id": _action_id(f"phase-{phase.name}"),
            "title": say("fhir.phase.title", locale, phase=phase.name),
            "description": description,
            "timingTiming": _timing(count, iv, path),
        }
        if phase_ids:
            action["relatedAction"] = [
                {
                    "actionId": phase_ids[-1],
                    "relationship": "after-end",
                    "offsetRange": {
                        "low": _quantity(iv.min, f"{path}.interval.min"),
                        "high": _quantity(iv.max, f"{path}.interval.max"),
                    },
                }
            ]
        phase_ids.append(action["id"])
        actions.append(action)

    def related(relationship: str, offset: Duration | None, path: str) -> list[Json]:
        out = []
        for phase_id in phase_ids:
            link: Json = {"actionId": phase_id, "relationship": relationship}
            if offset:
                link["offsetRange"] = {"low": _quantity(offset, path)}
            out.append(link)
        return out

    for i, w in enumerate(protocol.washouts):
        note = f" {clean_text(w.note)}" if w.note else ""
        shown = clean_text(w.shown)
        if w.before:
            actions.append(
                {
                    "id": _action_id(f"stop-{w.exposure}"),
                    "title": say("fhir.stop.title", locale, exposure=shown),
                    "description": (
                        say("fhir.stop", locale, exposure=shown, before=w.before) + note
                    ),
                    "relatedAction": related("before-start", w.before, f"washouts[{i}].before"),
                }
            )
        if w.after:
            actions.append(
                {
                    "id": _action_id(f"resume-{w.exposure}"),
                    "title": say("fhir.resume.title", locale, exposure=shown),
                    "description": (
                        say("fhir.resume", locale, exposure=shown, after=w.after) + note
                    ),
                    "relatedAction": related("after-end", w.after, f"washouts[{i}].after"),
                }
            )
    for i, p in enumerate(protocol.precautions):
        action = {
            "id": _action_id(f"{p.action}-for-{p.condition}"),
            "title": p.action,
            "description": say(
                "fhir.precaution",
                locale,
                condition=p.condition,
                action=p.action,
                before=p.before,
                after=p.after,
            )
            + (f" {clean_text(p.note)}" if p.note else ""),
            "reason": [{"text": p.condition}],
            "relatedAction": related("before-start", p.before, f"precautions[{i}].before"),
        }
        total = Duration(
            months=p.before.months + p.after.months,
            days=p.before.days + p.after.days,
            hours=p.before.hours + p.after.hours,
        )
        if total:
            action["timingDuration"] = _quantity(total, f"precautions[{i}]")
        actions.append(action)
    for i, a in enumerate(protocol.aftercare):
        actions.append(
            {
                "id": _action_id(f"aftercare-{a.restriction}"),
                "title": clean_text(a.shown),
                "description": say(
                    "fhir.aftercare.action",
                    locale,
                    restriction=clean_text(a.shown),
                    duration=a.duration,
                )
                + (f" {clean_text(a.note)}" if a.note else ""),
                "timingDuration": _quantity(a.duration, f"aftercare[{i}].duration"),
                "relatedAction": related("after-end", None, f"aftercare[{i}]"),
            }
        )

    text = [f"{protocol.name}."]
    if protocol.notes:
        text.append(clean_text(protocol.notes))
    if protocol.contraindications:
        items = "; ".join(
            say(f"fhir.contraindication.{c.tier}", locale, condition=c.condition)
            for c in protocol.contraindications
        )
        text.append(say("fhir.contraindications", locale, items=items))
    if protocol.spacing:
        items = "; ".join(
            say("fhir.spacing.item", locale, procedure=s.procedure, before=s.before, after=s.after)
            for s in protocol.spacing
        )
        text.append(say("fhir.spacing", locale, items=items))
    definition: Json = {
        "resourceType": "PlanDefinition",
        "id": ident,
        "url": url if url is not None else _default_url(protocol.id),
        "name": _fhir_name(protocol.id),
        "title": clean_text(protocol.name),
        "type": {
            "coding": [
                {"system": _PLAN_TYPE, "code": "clinical-protocol", "display": "Clinical Protocol"}
            ]
        },
        "status": status,
        "description": " ".join(text),
        "action": actions,
    }
    result: Json = _fhir_strings(definition)
    return result
