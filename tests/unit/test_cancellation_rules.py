"""The cancellation rules as tables: who may cancel a booking when, and what goes back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.bookings.cancellation_rights import cancellation_refusal
from app.bookings.refund_policy import refund_owed, within_refund_cutoff

SHOW = datetime(2030, 6, 1, 20, 0, tzinfo=UTC)
CUTOFF_HOURS = 2
BEFORE = timedelta(hours=-3)        # well before the cut-off
AT_CUTOFF = timedelta(hours=-2)     # the cut-off itself: still in time
AFTER_CUTOFF = timedelta(hours=-1)  # between the cut-off and the show
STARTED = timedelta(0)
LATER = timedelta(minutes=30)


@pytest.mark.parametrize(("acting_as", "status", "when", "refusal"), [
    ("owner", "confirmed", BEFORE, None),
    ("owner", "confirmed", AT_CUTOFF, None),
    ("owner", "confirmed", AFTER_CUTOFF, "refund_cutoff_passed"),
    ("owner", "pending_payment", AFTER_CUTOFF, None),  # nothing paid, nothing owed
    ("owner", "confirmed", STARTED, "showtime_started"),
    ("owner", "pending_payment", LATER, "showtime_started"),
    ("staff", "confirmed", AFTER_CUTOFF, None),
    ("staff", "confirmed", STARTED, "showtime_started"),
    ("staff", "confirmed", LATER, "showtime_started"),
    ("staff", "cancelled", BEFORE, "booking_not_active"),
    ("owner", "expired", BEFORE, "booking_not_active"),
    ("owner", "cancelled", LATER, "booking_not_active"),
])
def test_who_may_cancel_when(acting_as, status, when, refusal):
    assert cancellation_refusal(acting_as=acting_as, status=status, starts_at=SHOW,
                                cutoff_hours=CUTOFF_HOURS, at=SHOW + when) == refusal


@pytest.mark.parametrize(("show_cancelled", "by_staff", "when", "owed"), [
    (False, False, BEFORE, 1500),
    (False, False, AT_CUTOFF, 1500),
    (False, False, AFTER_CUTOFF, 0),
    (False, False, LATER, 0),
    (False, True, AFTER_CUTOFF, 1500),
    (True, False, AFTER_CUTOFF, 1500),
    (True, False, LATER, 1500),
])
def test_what_goes_back(show_cancelled, by_staff, when, owed):
    assert refund_owed(held_minor=1500, show_cancelled=show_cancelled, by_staff=by_staff, starts_at=SHOW,
                       cutoff_hours=CUTOFF_HOURS, at=SHOW + when) == owed


@pytest.mark.parametrize(("cutoff_hours", "when", "in_time"), [
    (0, STARTED, True), (0, LATER, False),
    (24, timedelta(hours=-24), True), (24, timedelta(hours=-23), False),
])
def test_the_cut_off_is_inclusive(cutoff_hours, when, in_time):
    assert within_refund_cutoff(SHOW, cutoff_hours, SHOW + when) is in_time
