"""The English templates of screening reasons, milestones and export texts.

Each template is one whole sentence or phrase, so that a translation can put
its words in its own order. Parameters are data: names and ids as written
(``text``), dates (``date``, ISO in English), durations in the units the
protocol wrote them (``span``), counts (``number``). Text the protocol or the
clinic wrote (a rule's note, a label, a phase name) is passed as it is and
never translated.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._mark import N_

__all__ = ["TEXT_MESSAGES"]

_RECORDS = {
    # The record a screening reason is about; the sentence goes on with what the rule asks.
    # A condition or medication a contraindication meets.
    "reason.record": N_("{name}:"),
    "reason.record.since": N_("{name} since {first}:"),
    "reason.record.until": N_("{name} until {last}:"),
    "reason.record.from-to": N_("{name} from {first} to {last}:"),
    "reason.record.recorded": N_("{name} (recorded as '{typed}'):"),
    "reason.record.since.recorded": N_("{name} (recorded as '{typed}') since {first}:"),
    "reason.record.until.recorded": N_("{name} (recorded as '{typed}') until {last}:"),
    "reason.record.from-to.recorded": N_("{name} (recorded as '{typed}') from {first} to {last}:"),
    # A medication a washout meets (taken over a period).
    "reason.taken": N_("{name} taken:"),
    "reason.taken.since": N_("{name} taken since {first}:"),
    "reason.taken.until": N_("{name} taken until {last}:"),
    "reason.taken.from-to": N_("{name} taken from {first} to {last}:"),
    "reason.taken.recorded": N_("{name} (recorded as '{typed}') taken:"),
    "reason.taken.since.recorded": N_("{name} (recorded as '{typed}') taken since {first}:"),
    "reason.taken.until.recorded": N_("{name} (recorded as '{typed}') taken until {last}:"),
    "reason.taken.from-to.recorded": N_(
        "{name} (recorded as '{typed}') taken from {first} to {last}:"
    ),
    # One day of use of an exposure the client pauses around each session.
    "reason.used-on": N_("{name} used on {day}:"),
    "reason.used-on.recorded": N_("{name} (recorded as '{typed}') used on {day}:"),
}

_ASKS = {
    # What the rule asks, and from when a start is free ({rule}: the protocol key path).
    "reason.absolute": N_("an absolute contraindication, no treatment while it applies ({rule})."),
    # {field}: the client file's key a cleared condition is listed under ("cleared").
    "reason.relative": N_("a clinician must review it (then list it under '{field}') ({rule})."),
    "reason.temporary.until": N_(
        "treatment waits until it has resolved; no start before {date} ({rule})."
    ),
    "reason.temporary.open": N_(
        "treatment waits until it has resolved; no start date until an end date is recorded "
        "({rule})."
    ),
    "reason.washout.before.until": N_(
        "the protocol asks for the last use at least {before} before a session; no start "
        "before {date} ({rule})."
    ),
    "reason.washout.before.open": N_(
        "the protocol asks for the last use at least {before} before a session; no start date "
        "until an end date is recorded ({rule})."
    ),
    "reason.washout.after.until": N_(
        "the protocol asks for no use until {after} after it; no start before {date} ({rule})."
    ),
    "reason.washout.after.open": N_(
        "the protocol asks for no use until {after} after it; no start date until an end date "
        "is recorded ({rule})."
    ),
    "reason.washout.both.until": N_(
        "the protocol asks for the last use at least {before} before a session and no use "
        "until {after} after it; no start before {date} ({rule})."
    ),
    "reason.washout.both.open": N_(
        "the protocol asks for the last use at least {before} before a session and no use "
        "until {after} after it; no start date until an end date is recorded ({rule})."
    ),
}

_MILESTONES = {
    # A milestone's note (Milestone.messages).
    "milestone.note.stop": N_("Last use of {exposure} before the session on {day}."),
    "milestone.note.resume": N_("{exposure} may be used again from this day."),
    "milestone.note.start": N_("Start {action} for {condition}."),
    "milestone.note.end": N_("Last day of {action}."),
    "milestone.note.aftercare": N_("{restriction} until {end}."),
    # What a milestone asks, by kind ({subject}: its label, else its id).
    "milestone.stop": N_("stop {subject}"),
    "milestone.resume": N_("resume {subject}"),
    "milestone.start": N_("start {subject}"),
    "milestone.end": N_("end {subject}"),
    "milestone.aftercare": N_("aftercare {subject}"),
    "milestone.other": N_("{kind} {subject}"),
    # The days a lasting milestone covers.
    "milestone.range": N_("{start} to {end}"),
}

_EXPORTS = {
    # Shared by the exports.
    "export.heading": N_("{title}: session {number} of {total}"),
    "export.problem": N_("Problem ({code}): {message}"),
    "export.aftercare": N_("{restriction} for {duration}"),
    "export.aftercare.noted": N_("{restriction} for {duration}: {note}"),
    # iCalendar: SUMMARY, DESCRIPTION and alarms.
    "ics.cancelled": N_("Cancelled: {summary}"),
    "ics.removed": N_("This session was removed from the plan when it was re-planned."),
    "ics.session": N_("Session {number} of {total} ({phase}), {title}."),
    "ics.window": N_("Window: earliest {earliest}, target {target}, latest {latest}."),
    "ics.window.open": N_("Window: earliest {earliest}, target {target}, latest open."),
    "ics.client": N_("Client: {name}"),
    "ics.practitioner": N_("Practitioner: {name}"),
    "ics.reminders": N_("Reminders:"),
    "ics.aftercare": N_("Aftercare:"),
    "ics.tomorrow": N_("Tomorrow: {heading}"),
    "ics.tomorrow.at": N_("Tomorrow at {time}: {heading}"),
    "ics.after-session": N_("After your session:"),
    # FHIR: Appointment, CarePlan and Patient texts.
    "fhir.cancelation-reason": N_("removed from the plan when it was re-planned"),
    "fhir.comment.planned": N_("Session planned for {date}"),
    "fhir.comment.booked": N_("Session booked for {date}"),
    "fhir.comment.done": N_("Session done on {date}"),
    "fhir.comment.cancelled.planned": N_("Cancelled: session planned for {date}"),
    "fhir.comment.cancelled.booked": N_("Cancelled: session booked for {date}"),
    "fhir.comment.cancelled.done": N_("Cancelled: session done on {date}"),
    "fhir.comment.untimed": N_("{session} (no appointment time yet)."),
    "fhir.comment.whole-day": N_(
        "{session} (no appointment time recorded; start and end give the whole day)."
    ),
    "fhir.comment.window": N_("Window {earliest} to {latest}, target {target}."),
    "fhir.comment.window.open": N_("Window {earliest} to open, target {target}."),
    "fhir.aftercare": N_("Aftercare: {line}"),
    "fhir.task": N_("Session {number}: {task}"),
    "fhir.task.noted": N_("Session {number}: {task}. {note}"),
    "fhir.patient": N_("Client of a treatment plan."),
    "fhir.careplan": N_("{count} sessions of {protocol} from {start}."),
    "fhir.careplan.planned": N_("Session {number} ({phase}): {date}, planned."),
    "fhir.careplan.booked": N_("Session {number} ({phase}): {date}, booked."),
    "fhir.careplan.done": N_("Session {number} ({phase}): {date}, done."),
    # FHIR PlanDefinition: action titles and descriptions, the definition's description.
    "fhir.phase.title": N_("{phase} phase"),
    "fhir.phase.repeating": N_(
        "repeating sessions, every {every} ({shortest} to {longest} from the one before)."
    ),
    "fhir.phase.repeating.grace": N_(
        "repeating sessions, every {every} ({shortest} to {longest} from the one before); up "
        "to {grace} early is accepted with a warning."
    ),
    "fhir.phase.count": N_(
        "{count} sessions, every {every} ({shortest} to {longest} from the one before)."
    ),
    "fhir.phase.count.grace": N_(
        "{count} sessions, every {every} ({shortest} to {longest} from the one before); up to "
        "{grace} early is accepted with a warning."
    ),
    "fhir.phase.range": N_(
        "{low}-{high} (default {default}) sessions, every {every} ({shortest} to {longest} "
        "from the one before)."
    ),
    "fhir.phase.range.grace": N_(
        "{low}-{high} (default {default}) sessions, every {every} ({shortest} to {longest} "
        "from the one before); up to {grace} early is accepted with a warning."
    ),
    "fhir.stop.title": N_("Stop {exposure}"),
    "fhir.stop": N_("Stop {exposure} at least {before} before each session."),
    "fhir.resume.title": N_("Resume {exposure}"),
    "fhir.resume": N_("Resume {exposure} no sooner than {after} after each session."),
    "fhir.precaution": N_(
        "For clients with {condition}: {action} from {before} before to {after} after each "
        "session."
    ),
    "fhir.aftercare.action": N_("{restriction} for {duration} after each session."),
    "fhir.contraindications": N_("Contraindications: {items}."),
    "fhir.contraindication.absolute": N_("{condition} (absolute)"),
    "fhir.contraindication.temporary": N_("{condition} (temporary)"),
    "fhir.contraindication.relative": N_("{condition} (relative)"),
    "fhir.spacing": N_("Spacing from other procedures: {items}."),
    "fhir.spacing.item": N_("{procedure} (at least {before} before, {after} after)"),
}

TEXT_MESSAGES: Mapping[str, str] = {**_RECORDS, **_ASKS, **_MILESTONES, **_EXPORTS}
"""Message key -> English template (the gettext message id)."""
