"""The opening-hours rule (``app.scheduling.availability.within_opening_hours``) as a table of
cases: a film fits when the cinema is open without a break from its start to its end."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from app.scheduling.availability import within_opening_hours

LONDON = ZoneInfo("Europe/London")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _every_day(opens: str, closes: str) -> dict:
    return {day: {"open": opens, "close": closes} for day in DAYS}


ROUND_THE_CLOCK = _every_day("00:00", "24:00")
LATE = _every_day("10:00", "01:00")  # closes at 01:00 the next morning
USUAL = _every_day("10:00", "23:30")
NO_SUNDAYS = {**USUAL, "sun": None}

# (hours, local start (2026-12-07 is a Monday), minutes of the film and its buffers, fits?)
CASES = [
    ("usual day, well inside", USUAL, "2026-12-07 14:00", 120, True),
    ("usual day, ends at closing", USUAL, "2026-12-07 21:30", 120, True),
    ("usual day, ends after closing", USUAL, "2026-12-07 22:00", 120, False),
    ("usual day, starts before opening", USUAL, "2026-12-07 09:30", 90, False),
    ("a closed day", NO_SUNDAYS, "2026-12-13 14:00", 90, False),
    ("late close, across midnight", LATE, "2026-12-07 23:00", 120, True),
    ("late close, past 01:00", LATE, "2026-12-07 23:30", 120, False),
    ("late close, just after midnight", LATE, "2026-12-08 00:10", 45, True),
    ("round the clock, across midnight", ROUND_THE_CLOCK, "2026-12-07 23:00", 180, True),
    ("round the clock, across a week's end", ROUND_THE_CLOCK, "2026-12-13 23:30", 150, True),
    ("no table at all: no restriction", {}, "2026-12-07 04:00", 120, True),
]


@pytest.mark.parametrize(("hours", "start", "minutes", "fits"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_a_film_fits_only_inside_one_open_spell(hours: dict, start: str, minutes: int, fits: bool) -> None:
    cinema = SimpleNamespace(opening_hours=hours, timezone="Europe/London")
    starts_at = datetime.fromisoformat(start).replace(tzinfo=LONDON)
    assert within_opening_hours(cinema, starts_at, starts_at + timedelta(minutes=minutes)) is fits
