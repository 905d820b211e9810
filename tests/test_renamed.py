"""One spelling for a date range, ``start`` and ``end``; the old names are read for a release."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

import collagenplan as cp

D = dt.date


@pytest.mark.parametrize(
    ("build_old", "build_new", "old", "new"),
    [
        (
            lambda: cp.Medication("isotretinoin", stop=D(2026, 8, 1)),
            lambda: cp.Medication("isotretinoin", end=D(2026, 8, 1)),
            "stop",
            "end",
        ),
        (
            lambda: cp.Condition("pregnancy", since=D(2026, 9, 1)),
            lambda: cp.Condition("pregnancy", start=D(2026, 9, 1)),
            "since",
            "start",
        ),
        (
            lambda: cp.Condition("sunburn", until=D(2026, 9, 1)),
            lambda: cp.Condition("sunburn", end=D(2026, 9, 1)),
            "until",
            "end",
        ),
        (
            lambda: cp.OpeningHours(
                days=("mon",), every=2, starts=D(2027, 1, 4), opens=dt.time(9), closes=dt.time(17)
            ),
            lambda: cp.OpeningHours(
                days=("mon",), every=2, start=D(2027, 1, 4), opens=dt.time(9), closes=dt.time(17)
            ),
            "starts",
            "start",
        ),
        (
            lambda: cp.OpeningHours(
                days=("mon",), ends=D(2027, 8, 30), opens=dt.time(9), closes=dt.time(17)
            ),
            lambda: cp.OpeningHours(
                days=("mon",), end=D(2027, 8, 30), opens=dt.time(9), closes=dt.time(17)
            ),
            "ends",
            "end",
        ),
        (
            lambda: cp.Intake(
                protocol=cp.get_protocol("facial-series"), per_week=1, until=D(2027, 3, 1)
            ),
            lambda: cp.Intake(
                protocol=cp.get_protocol("facial-series"), per_week=1, end=D(2027, 3, 1)
            ),
            "until",
            "end",
        ),
    ],
)
def test_old_keyword_builds_the_same_value_with_a_warning(
    build_old: object, build_new: object, old: str, new: str
) -> None:
    """An old keyword builds the new value with a warning; the old attribute reads it."""
    with pytest.warns(DeprecationWarning, match=rf"\({old}=\.\.\.\) is deprecated; use {new}="):
        value = build_old()  # type: ignore[operator]
    assert value == build_new()  # type: ignore[operator]
    with pytest.warns(DeprecationWarning, match=rf"\.{old} is deprecated"):
        assert getattr(value, old) == getattr(value, new)


def test_old_and_new_keyword_together_is_an_error() -> None:
    """Both spellings at once are refused: one of them would be lost."""
    with pytest.raises(TypeError, match="both 'end' and its old name 'stop'"):
        cp.Medication("x", stop=D(2026, 1, 1), end=D(2026, 1, 2))  # type: ignore[call-arg]


CLIENT_OLD = """schema = 1
[[medications]]
exposure = "isotretinoin"
stop = 2026-08-01
[[conditions]]
name = "active-cold-sore"
since = 2026-11-25
until = 2026-12-05
"""

CLINIC_OLD = """schema = 1
id = "old-spelling"
name = "Old spelling"
timezone = "Europe/London"
[[hours]]
days = ["mon"]
every = 2
starts = 2027-01-04
ends = 2027-12-27
opens = "09:00"
closes = "17:00"
"""


def test_client_file_old_keys_read_with_a_warning_naming_file_and_key() -> None:
    """A client file with stop/since/until reads as end/start/end, one warning per key."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = cp.parse_client(CLIENT_OLD, "toml", source="mia.toml")
    messages = [str(w.message) for w in caught if issubclass(w.category, cp.RenamedKeyWarning)]
    assert messages == [
        "mia.toml: medications[0].stop: 'stop' is the old name of 'end'; write 'end' "
        "(the old name will stop being read in a later release)",
        "mia.toml: conditions[0].since: 'since' is the old name of 'start'; write 'start' "
        "(the old name will stop being read in a later release)",
        "mia.toml: conditions[0].until: 'until' is the old name of 'end'; write 'end' "
        "(the old name will stop being read in a later release)",
    ]
    new = cp.parse_client(
        CLIENT_OLD.replace("stop =", "end =")
        .replace("since =", "start =")
        .replace("until =", "end ="),
        "toml",
    )
    assert old == new
    assert old.medications[0].end == D(2026, 8, 1)
    assert (old.conditions[0].start, old.conditions[0].end) == (D(2026, 11, 25), D(2026, 12, 5))


def test_clinic_file_old_keys_read_with_a_warning() -> None:
    """Clinic hours with starts/ends read as start/end."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = cp.parse_clinic(CLINIC_OLD, "toml", source="c.toml")
    found = [
        (w.message.source, w.message.path)
        for w in caught
        if isinstance(w.message, cp.RenamedKeyWarning)
    ]
    assert found == [("c.toml", "hours[0].starts"), ("c.toml", "hours[0].ends")]
    assert (old.hours[0].start, old.hours[0].end) == (D(2027, 1, 4), D(2027, 12, 27))


def test_scenario_closure_range_old_keys() -> None:
    """``{ from, to }`` closure ranges read as ``{ start, end }``, with the path of the range."""
    text = (
        'schema = 1\nname = "s"\nstart = 2027-01-04\nweeks = 4\n'
        '[[intake]]\nprotocol = "facial-series"\nper_week = 1\n'
        "[supply]\nper_day = 2\nclosures = [2027-01-05, { from = 2027-01-11, to = 2027-01-12 }]\n"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = cp.parse_scenario(text, "toml")
    paths = [w.message.path for w in caught if isinstance(w.message, cp.RenamedKeyWarning)]
    assert paths == ["supply.closures[1].from", "supply.closures[1].to"]
    new = cp.parse_scenario(text.replace("from =", "start =").replace("to =", "end ="), "toml")
    assert old.supply.closures == new.supply.closures
    assert D(2027, 1, 12) in old.supply.closures


def test_old_and_new_key_together_in_a_file_is_an_error() -> None:
    """A file giving both spellings names the old key: one value would be lost silently."""
    text = 'schema = 1\n[[medications]]\nexposure = "x"\nstop = 2026-01-01\nend = 2026-01-02\n'
    with pytest.raises(cp.ClientError, match=r"medications\[0\]\.stop: give 'end' or its old"):
        cp.parse_client(text, "toml", source="c.toml")
