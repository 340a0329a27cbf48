"""What happens to prices, as recorded by the pricing service (see ``app.common.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from app.common.events import Event


@dataclass(frozen=True)
class ShowtimePricesChanged(Event):
    """The prices of these showtimes changed (a repricing run, a manager's freeze)."""

    showtime_ids: tuple[int, ...]
