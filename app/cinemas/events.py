"""What happens to cinemas, as recorded by the cinemas service (see ``app.common.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from app.common.events import Event


@dataclass(frozen=True)
class ScreenSeatingChanged(Event):
    """A screen's seats were laid out anew (added, moved, removed, blocked or recategorised)."""

    screen_id: int
