"""Who bought a booking, for its e-mails and invoice: the customer's account, or a walk-in's
e-mail, or nobody named (a walk-in who gave none)."""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.models import Booking, User


@dataclass(frozen=True)
class Buyer:
    name: str
    email: str

    @property
    def billing_name(self) -> str:
        """By name and e-mail, or by e-mail alone: registration does not ask for a name."""
        return f"{self.name} <{self.email}>" if self.name.strip() else self.email


def buyer_of(booking: Booking) -> Buyer | None:
    if booking.user_id is not None:
        user = db.session.get(User, booking.user_id)
        return Buyer(name=user.full_name, email=user.email)
    if booking.customer_email:
        return Buyer(name="", email=booking.customer_email)
    return None
