"""A hold as Redis keeps it and as its customer is told about it: plain data, no I/O."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

# Encoders made once (json.dumps with options builds one per call): compact, and for the record
# also dataclasses, through ``vars``.
_COMPACT = json.JSONEncoder(separators=(",", ":"))
_RECORD = json.JSONEncoder(separators=(",", ":"), default=vars)


@dataclass(frozen=True)
class HeldSeat:
    """A seat of a hold at the price quoted when it was held, which the booking honours
    (``app.bookings.held_prices`` quotes it)."""

    seat_id: int
    label: str
    category: str
    price_minor: int
    ticket_type: str = "adult"
    # How the price came about, step by step (kept on the booking seat for the invoice).
    trace: list[dict[str, Any]] = field(default_factory=list)
    # The ticket type's tax class (None: the cinema's standard rate).
    tax_class_id: int | None = None


@dataclass(frozen=True)
class HeldFee:
    """A booking fee quoted on the hold (``pricing_engine.charges``), charged by its booking."""

    fee_id: int
    name: str
    quantity: int
    amount_minor: int
    tax_class_id: int | None = None


@dataclass(frozen=True)
class Hold:
    hold_id: str
    showtime_id: int
    user_id: int
    currency: str
    expires_at: datetime
    seats: list[HeldSeat]
    replaced_hold_id: str | None = None
    # A promo code quoted into the seat prices; its use is counted when the booking is paid.
    promo_code_id: int | None = None
    discount_minor: int = 0
    # Staff confirmed the age of a ticket holder from an ID (app.bookings.age_rules).
    id_checked: bool = False
    # Where it is sold (online, box_office): the fees quoted are that channel's.
    sales_channel: str = "online"
    fees: list[HeldFee] = field(default_factory=list)

    @property
    def seats_minor(self) -> int:
        return sum(seat.price_minor for seat in self.seats)

    @property
    def fees_minor(self) -> int:
        return sum(fee.amount_minor for fee in self.fees)

    @property
    def total_minor(self) -> int:
        return self.seats_minor + self.fees_minor

    @property
    def seat_ids(self) -> list[int]:
        return [seat.seat_id for seat in self.seats]

    def answer_json(self) -> str:
        """The hold as ``HoldSchema`` documents it, for the customer who took it.

        Built directly rather than through a marshmallow dump because a hold is the hottest
        write of the system and the dump was a tenth of its cost; a test pins the two together.
        """
        return _COMPACT.encode({
            "hold_id": self.hold_id, "showtime_id": self.showtime_id,
            "expires_at": self.expires_at.isoformat(), "currency": self.currency,
            "seats": [{"seat_id": seat.seat_id, "label": seat.label, "category": seat.category,
                       "price_minor": seat.price_minor, "ticket_type": seat.ticket_type}
                      for seat in self.seats],
            "fees": [{"fee_id": fee.fee_id, "name": fee.name, "quantity": fee.quantity,
                      "amount_minor": fee.amount_minor, "tax_class_id": fee.tax_class_id}
                     for fee in self.fees],
            "fees_minor": self.fees_minor, "sales_channel": self.sales_channel,
            "total_minor": self.total_minor, "discount_minor": self.discount_minor,
            "replaced_hold_id": self.replaced_hold_id,
        })

    def to_json(self) -> str:
        """The hold's record in Redis. Its ``expires_at`` is the latest the hold can end; the
        record's TTL is the truth (a running deadline may give less), which :func:`find_hold` reads."""
        # Shallow, seats serialised through ``vars``: ``dataclasses.asdict`` would deep-copy
        # every price trace first, which was a fair share of a hold's time.
        data = {name: getattr(self, name) for name in _RECORD_FIELDS}
        data["expires_at"] = self.expires_at.isoformat()
        return _RECORD.encode(data)

    @classmethod
    def from_json(cls, raw: str) -> Hold:
        data = json.loads(raw)
        data["expires_at"] = datetime.fromisoformat(data["expires_at"])
        data["seats"] = [HeldSeat(**seat) for seat in data["seats"]]
        data["fees"] = [HeldFee(**fee) for fee in data.get("fees", [])]
        return cls(**data)


# What the Redis record keeps: every field of the hold but the hold it replaced.
_RECORD_FIELDS = tuple(f.name for f in fields(Hold) if f.name != "replaced_hold_id")
