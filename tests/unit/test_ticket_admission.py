"""Whether a ticket goes in, as a table: the one rule of the live door, offline scans and the
ticket's shown state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.models import Booking, BookingSeat, Showtime
from app.tickets.admission import refusal

START = datetime(2026, 12, 5, 19, 30, tzinfo=UTC)
OPEN = timedelta(minutes=45)


def _show(showtime_id=1, screen_id=10, status="scheduled") -> Showtime:
    return Showtime(id=showtime_id, screen_id=screen_id, status=status, starts_at=START,
                    ends_at=START + timedelta(hours=2))


def _ticket(show: Showtime, booking_status="confirmed", active=True) -> BookingSeat:
    booking = Booking(status=booking_status, showtime=show)
    return BookingSeat(booking=booking, active=active, showtime_id=show.id)


DOOR = _show()


@pytest.mark.parametrize(("ticket", "at", "early_allowed", "reason"), [
    (_ticket(DOOR), START - timedelta(minutes=10), False, None),
    (_ticket(DOOR), START - OPEN, False, None),
    (_ticket(DOOR), START - OPEN - timedelta(seconds=1), False, "too_early"),
    (_ticket(DOOR), START - timedelta(hours=5), True, None),
    (_ticket(DOOR), START + timedelta(hours=2), False, "ticket_expired"),
    (_ticket(DOOR, booking_status="cancelled"), START, False, "ticket_cancelled"),
    (_ticket(DOOR, booking_status="expired"), START, False, "ticket_cancelled"),
    (_ticket(DOOR, active=False), START, False, "ticket_cancelled"),
    (_ticket(DOOR, booking_status="pending_payment"), START, False, "booking_not_paid"),
    (_ticket(_show(2, screen_id=10)), START, False, "wrong_showtime"),
    (_ticket(_show(3, screen_id=11)), START, False, "wrong_screen"),
    (_ticket(_show(status="cancelled")), START, False, "ticket_cancelled"),  # the show, cancelled
    # a ticket's own state is told before the time: a cancelled ticket is not "too early"
    (_ticket(DOOR, booking_status="cancelled"), START - timedelta(hours=5), False, "ticket_cancelled"),
])
def test_admission(ticket, at, early_allowed, reason):
    found = refusal(ticket, DOOR, at, OPEN, early_allowed=early_allowed)
    assert (found.reason if found else None) == reason
