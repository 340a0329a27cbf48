"""What happens to money, as recorded by the payments service (see ``app.common.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from app.common.events import Event


@dataclass(frozen=True)
class PaymentCaptured(Event):
    """A payment succeeded and confirmed its booking."""

    payment_id: int


@dataclass(frozen=True)
class RefundSucceeded(Event):
    """The gateway confirmed a refund."""

    refund_id: int
