"""What happens to the schedule, as recorded by the scheduling service (see ``app.common.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from app.common.events import Event


@dataclass(frozen=True)
class ShowtimeCancelled(Event):
    """A showtime was cancelled with its bookings; the paid ones are owed everything back."""

    showtime_id: int
