"""The English templates of every violation's message, by message key.

A key names one sentence shape; a code may have several (``interval.too-short``
and ``interval.within-grace``). Parts that vary in shape (what a client record
is, what a rule asks, why a day is not allowed) are messages of their own,
filled in through parameters of kind ``message`` (see
:data:`collagenplan.messages.PARAM_KINDS`). Names (phases, protocols,
exposures, practitioners) and notes a clinic or protocol wrote are ``text``
parameters, shown as written in every locale.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._mark import N_

__all__ = ["VIOLATION_MESSAGES"]

VIOLATION_MESSAGES: Mapping[str, str] = {
    # Text kept as written (a part not yet built as a message, a clinic's own words).
    "as-written": N_("{text}"),
    # A booking in the clinic's diary, named in clash and closed-day messages.
    "booking": N_("{who}{what} {date} {start}-{end}{by}{held}"),
    "booking.client": N_("client {client}"),
    "booking.anonymous": N_("an appointment"),
    "booking.treatment": N_(" ({protocol})"),
    "booking.treatment.session": N_(" ({protocol} {session})"),
    "booking.with": N_(" with {practitioner}"),
    "booking.in": N_(" in {resources}"),
    # One violation on a line of the command line's text output (``str(violation)``).
    "violation.line": N_("{severity} [{code}] session {session}: {text}"),
    "violation.line.none": N_("{severity} [{code}] {text}"),
    # Reading a calendar (validate, plan from a history).
    "duplicate-visit": N_(
        "The visit on {date} is recorded {count} times ({where}); it counts once, as {status}."
    ),
    "not-chronological.listed": N_(
        "Session {session} on {date} is listed after a session on {later}; the calendar is "
        "read in date order, so check that date was meant."
    ),
    "not-chronological.before": N_(
        "Session {session} on {date} is before session {previous_session} on {previous}; "
        "list the dates in order."
    ),
    "same-day-duplicate": N_("Sessions {previous_session} and {session} are both on {date}."),
    "too-many-sessions": N_(
        "Session {session} on {date} is beyond what protocol {protocol} allows "
        "({most} sessions at most)."
    ),
    "too-few-sessions.one": N_("Phase {phase} has {have} session; it needs at least {least}."),
    "too-few-sessions.many": N_("Phase {phase} has {have} sessions; it needs at least {least}."),
    "interval.too-long": N_(
        "Session {session} on {date} is {gap} days after the previous session; the {phase} "
        "phase allows at most {most} (latest {latest})."
    ),
    "interval.too-short": N_(
        "Session {session} on {date} is {gap} days after the previous session, too soon for "
        "the {phase} phase's minimum of {least} (earliest {earliest})."
    ),
    "interval.within-grace": N_(
        "Session {session} on {date} is {gap} days after the previous session, within the "
        "grace of the {phase} phase's minimum of {least} (earliest {earliest})."
    ),
    "series-restarted": N_(
        "Session {session} on {date} is {gap} days after the previous session, past the "
        "phase's maximum and the late policy's {limit}; the series starts again here."
    ),
    "series-restarted.no-limit": N_(
        "Session {session} on {date} is {gap} days after the previous session, past the "
        "phase's maximum and the late policy's limit; the series starts again here."
    ),
    # A session's window, written as its three dates.
    "window": N_("{earliest} .. {target} .. {latest}"),
    "window.open": N_("{earliest} .. {target} .. open"),
    # Planning: a window with no allowed date.
    "no-date": N_(
        "No allowed date for session {session} ({phase}) in its window {window} ({reasons}); "
        "{placed}."
    ),
    "no-date.grace": N_(
        "No allowed date for session {session} ({phase}) in its window {window} ({reasons}); "
        "it is placed on {date}, {early} early, within the phase's grace of {grace}."
    ),
    "reason.none": N_("no date is allowed"),
    "placed.after": N_("it is placed on {date}, the first allowed date after the window"),
    "placed.unplaced": N_(
        "no allowed date was found within {days} days after it either, so it and the "
        "sessions after it are listed in the plan's unplaced sessions"
    ),
    "placed.budget": N_(
        "the booking system's search budget ran out before a free day was found, so it and "
        "the sessions after it are listed in the plan's unplaced sessions"
    ),
    "lead-in.stop": N_("the lead-in task 'stop {subject}' would fall on {day}, before {start}"),
    "lead-in.start": N_("the lead-in task 'start {subject}' would fall on {day}, before {start}"),
    # Re-planning and living calendars.
    "on-hold.plan": N_(
        "The series is on hold from {start} until {resume}: {why} Session {session} is "
        "planned from {resume} under the late policy '{policy}'."
    ),
    "on-hold.until": N_("Session {session} is on hold until {until}: {why}"),
    "on-hold.open": N_("Session {session} is on hold with no known end: {why}"),
    "unconfirmed.plan": N_(
        "Session {session} was booked for {date}, before {start}, and no visit says whether "
        "it happened; it keeps its place as booked until it is recorded as done, missed or "
        "cancelled."
    ),
    "unconfirmed.visit": N_(
        "The visit booked for {date}, before {today}, has no record of being done, missed or "
        "cancelled; it is not counted as a session."
    ),
    "late.replanned": N_(
        "Session {session} ({phase}) is late: its window closed on {latest} ({most} after the "
        "session on {previous}); re-planned for {date}, {gap} days after it. The late policy "
        "is '{policy}', so the series carries on."
    ),
    "booking.covers": N_(
        "The booking on {date} is {gap} days after the last session, outside session "
        "{session}'s window ({window}, {phase}); it still covers the session."
    ),
    "booking.misses": N_(
        "The booking on {date} is {gap} days after the last session, outside session "
        "{session}'s window ({window}, {phase}); it does not cover the session: rebook it "
        "inside the window."
    ),
    # The clinic: closed days, appointments and the diary.
    "clinic-closed": N_("Session {session} on {date} cannot be booked at {clinic}: {reason}."),
    "closed": N_("the clinic is closed"),
    "closed.note": N_("the clinic is closed ({note})"),
    "closed.holiday": N_("the clinic is closed for a public holiday ({holiday})"),
    "closed.weekday": N_("the clinic is not open that {weekday}"),
    "closed.no-slot": N_("the booking system has no free slot"),
    "closed.budget": N_(
        "the booking system was asked about {days} days for this session without a free slot "
        "(the search budget)"
    ),
    "closed.slot-clash": N_("the booking system's slot at {time} clashes with {other}"),
    "closed.diary-full": N_(
        "the diary is full: no {minutes}-minute slot with a qualified practitioner free"
    ),
    "closed.diary-full.needs": N_(
        "the diary is full: no {minutes}-minute slot with a qualified practitioner, {needs} free"
    ),
    "closed.diary-full.in-the-way": N_(
        "the diary is full: no {minutes}-minute slot with a qualified practitioner free "
        "(first in the way: {other})"
    ),
    "closed.diary-full.needs.in-the-way": N_(
        "the diary is full: no {minutes}-minute slot with a qualified practitioner, {needs} "
        "free (first in the way: {other})"
    ),
    "closed.unqualified": N_("no practitioner is qualified for {protocol}"),
    "closed.unstaffed": N_("no practitioner qualified for {protocol} works that day ({why})"),
    "staff.on-leave": N_("{practitioner} on leave"),
    "staff.off": N_("{practitioner} not working"),
    "staff.no-slot": N_("{practitioner} has no {minutes}-minute slot"),
    "closed.too-short": N_("the opening hours are shorter than the {minutes}-minute session"),
    "weekday.0": N_("Monday"),
    "weekday.1": N_("Tuesday"),
    "weekday.2": N_("Wednesday"),
    "weekday.3": N_("Thursday"),
    "weekday.4": N_("Friday"),
    "weekday.5": N_("Saturday"),
    "weekday.6": N_("Sunday"),
    "clash.practitioner": N_(
        "Session {session} at {date} {start}-{end}: {practitioner} is already booked for {other}."
    ),
    "clash.resource": N_(
        "Session {session} at {date} {start}-{end}: {resources} is already booked for {other}."
    ),
    "clash.client": N_(
        "Session {session} at {date} {start}-{end}: the client is already booked for {other}."
    ),
    "practitioner.unknown": N_(
        "Session {session} on {date}: {practitioner} is not a practitioner in the clinic file."
    ),
    "practitioner.unqualified": N_(
        "Session {session} on {date}: {practitioner} is not qualified for {protocol}."
    ),
    "practitioner.on-leave": N_(
        "Session {session} on {date}: {practitioner} is on leave that day."
    ),
    "hours.clinic": N_(
        "Session {session} at {date} {time} ({minutes} minutes) lies outside the opening "
        "hours ({hours})."
    ),
    "hours.practitioner": N_(
        "Session {session} at {date} {time} ({minutes} minutes) lies outside the opening "
        "hours ({hours}) or {practitioner}'s hours."
    ),
    # Treatments planned together.
    "together.same-day": N_(
        "{protocol} session {session} and {later_protocol} session {later_session} are both "
        "on {date}, but {refuses} may not share a day with another treatment."
    ),
    "together.spacing": N_(
        "{later_protocol} session {later_session} on {date} is {gap} days after {protocol} "
        "session {session}; {why}, so it needs at least {distance} (from {earliest})."
    ),
    "together.why.rule": N_("spacing rule"),
    "together.why.areas": N_("both treat {areas}"),
    "together.clash.practitioner": N_(
        "{later_protocol} session {later_session} at {date} {start}-{end} overlaps {protocol} "
        "session {session} at {other_start}-{other_end}: {practitioner} cannot do both."
    ),
    "together.clash.practitioner.turnover": N_(
        "{later_protocol} session {later_session} at {date} {start}-{end} overlaps {protocol} "
        "session {session} at {other_start}-{other_end} (with {turnover} minutes' turnover): "
        "{practitioner} cannot do both."
    ),
    "together.clash.resource": N_(
        "{later_protocol} session {later_session} at {date} {start}-{end} overlaps {protocol} "
        "session {session} at {other_start}-{other_end}: {resources} cannot hold both."
    ),
    "together.clash.resource.turnover": N_(
        "{later_protocol} session {later_session} at {date} {start}-{end} overlaps {protocol} "
        "session {session} at {other_start}-{other_end} (with {turnover} minutes' turnover): "
        "{resources} cannot hold both."
    ),
    "together.clash.client": N_(
        "{later_protocol} session {later_session} at {date} {start}-{end} overlaps {protocol} "
        "session {session} at {other_start}-{other_end}: the client cannot be in two chairs."
    ),
    "together.clash.client.turnover": N_(
        "{later_protocol} session {later_session} at {date} {start}-{end} overlaps {protocol} "
        "session {session} at {other_start}-{other_end} (with {turnover} minutes' turnover): "
        "the client cannot be in two chairs."
    ),
    # The client's records against a protocol rule, session by session.
    "rule.session": N_("Session {session} on {date}: {phrase}; {why} ({rule})."),
    "rule.session.note": N_("Session {session} on {date}: {phrase}; {why} ({rule}). {note}"),
    "rule.blocker": N_("{phrase}: {why}"),
    # What the record is (``phrase``).
    "called": N_("{name}"),
    "called.recorded": N_("{name} (recorded as {typed})"),
    "record": N_("{name}"),
    "record.since": N_("{name} since {first}"),
    "record.until": N_("{name} until {last}"),
    "record.from": N_("{name} from {first} to {last}"),
    "record.used": N_("{name} used on {day}"),
    "record.taken": N_("{name} taken"),
    "record.taken.since": N_("{name} taken since {first}"),
    "record.taken.until": N_("{name} taken until {last}"),
    "record.taken.from": N_("{name} taken from {first} to {last}"),
    "record.event": N_("the client's event {event} on {day} ({path})"),
    "record.event.from": N_("the client's event {event} from {first} to {last} ({path})"),
    "record.procedure": N_("{name} on {day} ({path})"),
    # What the rule asks (``why``).
    "why.absolute": N_("an absolute contraindication, no treatment while it applies"),
    "why.temporary": N_("treatment waits until it has resolved"),
    "why.relative": N_("a clinician must review it (then list it under '{key}')"),
    "why.washout.both": N_(
        "the protocol asks for the last use at least {before} before a session and no use "
        "until {after} after it"
    ),
    "why.washout.before": N_(
        "the protocol asks for the last use at least {before} before a session"
    ),
    "why.washout.after": N_("the protocol asks for no use until {after} after it"),
    "why.event": N_(
        "a session needs its downtime and event buffer ({downtime} + {buffer}) clear before "
        "an event"
    ),
    "why.spacing.both": N_(
        "a session must fall at least {before} after it and at least {after} before it"
    ),
    "why.spacing.before": N_("a session must fall at least {before} after it"),
    "why.spacing.after": N_("a session must fall at least {after} before it"),
}
"""Message key -> English template (the gettext message id)."""
