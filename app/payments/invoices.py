"""Invoices and credit notes: numbered without gaps per cinema and year, rendered once, stored.

The number comes from an UPSERT on ``invoice_counters`` that returns the incremented value:
the counter row stays locked until the invoice row commits, so concurrent payments queue for
their numbers and a rolled-back invoice gives its number back. One series per cinema and
year carries both kinds (``INV-`` and ``CN-`` prefixes), so the series itself has no holes.
The document's figures are frozen in the row; the PDF rendered from them is stored (S3 or the
local media folder) and served from there afterwards, never under a public URL: through
``GET /api/payments/{id}/invoice`` or a short-lived signed link (:func:`invoice_link`).

Documents are issued and stored by the workers that answer ``PaymentCaptured`` and
``RefundSucceeded`` (``app.handlers``), never by a read: until the invoice is issued, reading
it answers 409 ``invoice_pending`` with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.common.access import Principal
from app.common.clock import now
from app.common.errors import ConflictError, NotFoundError
from app.common.storage import SignedLink, get_object, put_object, signed_url
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import Booking, BookingFeeLine, Cinema, Invoice, InvoiceCounter, Payment, Refund
from app.payments.buyers import buyer_of
from app.payments.pdf import render_invoice_pdf
from app.payments.row_locks import CAPTURED, cinema_of, get_payment, lock_payment, seat_labels
from app.payments.service import ensure_may_read
from app.pricing.sale_terms import tax_rates
from pricing_engine import tax_by_rate


@use_case
def issue_invoice(payment_id: int) -> Invoice:
    """The invoice of a captured payment, issued on first call (safe to call again)."""
    payment = lock_payment(payment_id)
    existing = _invoice_of(payment.id)
    if existing is not None:
        return existing
    if payment.status not in CAPTURED:
        raise ConflictError("Only a paid booking has an invoice", reason="payment_not_captured")
    booking = payment.booking
    cinema = cinema_of(booking)
    invoice = _numbered(cinema, "invoice", payment_id=payment.id)
    labels = seat_labels(booking)
    # The rates in force now are frozen into the lines: a credit note taxes at them later.
    rates = tax_rates(cinema)
    charged = [_seat_line(booking, cinema, seat, labels[seat.id], seat.price_minor, rates[seat.tax_class_id])
               for seat in booking.seats]
    charged += [_fee_line(fee, fee.amount_minor, rates[fee.tax_class_id]) for fee in booking.fees]
    invoice.lines = list(charged)
    if booking.discount_minor:
        # Already taken off the seat prices above: shown, not counted again.
        invoice.lines.append({"description": "Discount (included in the seat prices)",
                              "amount_minor": -booking.discount_minor})
    invoice.currency = payment.currency
    invoice.total_minor = payment.amount_minor
    _tax(invoice, charged)
    invoice.notes = _billed_to(booking)
    db.session.add(invoice)
    return invoice


@use_case
def issue_credit_note(refund_id: int) -> Invoice:
    """The credit note of a succeeded refund: negative lines for the seats it gave back and, for
    what it gave back beyond them, the booking fees (``app.bookings.refund_policy``), each taxed
    at the rate of its line on the invoice it credits (the tax was paid at that rate, whatever
    the rate is now). The invoice it credits is issued first if need be, under the same payment
    lock."""
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.status != "succeeded":
        raise ConflictError("Only a completed refund has a credit note", reason="refund_not_settled")
    original = issue_invoice(refund.payment_id)
    payment = lock_payment(refund.payment_id)
    existing = db.session.scalar(select(Invoice).where(Invoice.refund_id == refund.id))
    if existing is not None:
        return existing
    booking = payment.booking
    cinema = cinema_of(booking)
    note = _numbered(cinema, "credit_note", payment_id=payment.id, refund_id=refund.id)
    standard = original.seller["tax_rate"]
    note.seller = {**note.seller, "tax_rate": standard}
    invoiced_seats = {line["booking_seat_id"]: line for line in original.lines if "booking_seat_id" in line}
    labels = seat_labels(booking)
    seats = {str(s.id): s for s in booking.seats}
    note.lines = [_seat_line(booking, cinema, seats[seat_id], labels[seats[seat_id].id], -share,
                             _rate_of(invoiced_seats.get(int(seat_id)), standard))
                  for seat_id, share in refund.seat_amounts.items()]
    remainder = refund.amount_minor - sum(refund.seat_amounts.values())
    note.lines += _credited_fees(original, remainder)
    remainder += sum(line["amount_minor"] for line in note.lines if "booking_fee_line_id" in line)
    if remainder:
        note.lines.append({"description": f"Refund for booking {booking.reference} ({refund.reason})",
                           "amount_minor": -remainder, "tax_rate": standard})
    note.currency = payment.currency
    note.total_minor = -refund.amount_minor
    _tax(note, note.lines)
    note.notes = f"{_billed_to(booking)}\nCredits invoice {original.number}"
    db.session.add(note)
    return note


def _credited_fees(invoice: Invoice, amount: int) -> list[dict]:
    """Negative lines crediting up to ``amount`` of the invoice's fee lines, in order, each at
    its invoiced rate and up to what earlier credit notes have not credited of it yet."""
    credited: dict[int, int] = {}
    for note in credit_notes_of(invoice):
        for line in note.lines:
            if "booking_fee_line_id" in line:
                key = line["booking_fee_line_id"]
                credited[key] = credited.get(key, 0) - line["amount_minor"]
    lines = []
    for line in invoice.lines:
        if "booking_fee_line_id" not in line or amount <= 0:
            continue
        share = min(amount, line["amount_minor"] - credited.get(line["booking_fee_line_id"], 0))
        if share > 0:
            lines.append({**line, "amount_minor": -share})
            amount -= share
    return lines


def _tax(document: Invoice, lines: list[dict]) -> None:
    """The document's tax per rate (``pricing_engine.tax_by_rate``) from its taxed lines."""
    taxes = tax_by_rate([(line["amount_minor"], Decimal(line["tax_rate"])) for line in lines])
    document.taxes = [{"rate": str(tax.rate), "gross_minor": tax.gross_minor, "tax_minor": tax.tax_minor}
                      for tax in taxes]
    document.tax_minor = sum(tax.tax_minor for tax in taxes)


def _rate_of(line: dict | None, standard: str) -> Decimal:
    """The rate a line was invoiced at; invoices issued before lines carried one used the
    cinema's standard rate for every line."""
    return Decimal(line.get("tax_rate", standard) if line else standard)


def read_invoice(payment_id: int, principal: Principal, number: str | None = None) -> Invoice:
    """The invoice of a payment or, by number, one of its credit notes (a read: 409 while the
    worker has not issued the invoice yet)."""
    payment = get_payment(payment_id)
    ensure_may_read(principal, payment)
    if number is None:
        if payment.status not in CAPTURED:
            raise ConflictError("Only a paid booking has an invoice", reason="payment_not_captured")
        invoice = _invoice_of(payment.id)
        if invoice is None:
            raise _pending()
        return invoice
    document = db.session.scalar(
        select(Invoice).where(Invoice.payment_id == payment.id, Invoice.number == number))
    if document is None:
        raise NotFoundError(f"Payment {payment_id} has no invoice or credit note {number}")
    return document


def credit_notes_of(invoice: Invoice) -> list[Invoice]:
    if invoice.kind != "invoice":
        return []
    return list(db.session.scalars(
        select(Invoice).where(Invoice.payment_id == invoice.payment_id,
                              Invoice.kind == "credit_note").order_by(Invoice.sequence)))


def invoice_pdf(invoice: Invoice) -> bytes:
    """The stored PDF or, while the worker has not stored it yet, the same bytes rendered
    for this answer alone (a read stores nothing)."""
    if invoice.storage_key:
        return get_object(invoice.storage_key)
    return _render(invoice)


@use_case
def store_pdf(invoice_id: int) -> Invoice:
    """Render and store the document's PDF unless it is stored (safe to call again)."""
    invoice = db.session.scalars(select(Invoice).where(Invoice.id == invoice_id)
                                 .with_for_update(of=Invoice)).one()
    if not invoice.storage_key:
        key = _storage_key(invoice)
        put_object(key, _render(invoice), "application/pdf")
        invoice.storage_key = key
    return invoice


def invoice_link(invoice: Invoice) -> SignedLink:
    """A short-lived link to the document's PDF, for a browser that cannot send a token
    (409 until the worker has stored it)."""
    if not invoice.storage_key:
        raise _pending()
    return signed_url(invoice.storage_key)


def _pending() -> ConflictError:
    return ConflictError("The invoice is being issued; retry in a moment", reason="invoice_pending",
                         headers={"Retry-After": "2"})


def _render(invoice: Invoice) -> bytes:
    payment = db.session.get(Payment, invoice.payment_id)
    return render_invoice_pdf(invoice, payment.booking.reference)


def _storage_key(invoice: Invoice) -> str:
    """Where the PDF is stored. Numbers are sequential, so the key carries a keyed hash of the
    number too: should the bucket, or a CDN before it, be made public, keys still cannot be
    walked. Deterministic, so concurrent first renderings store one object."""
    tag = hmac.new(current_app.config["SECRET_KEY"].encode(), invoice.number.encode(),
                   hashlib.sha256).hexdigest()[:32]
    return f"invoices/{invoice.cinema_id}/{invoice.year}/{invoice.number}-{tag}.pdf"


def _invoice_of(payment_id: int) -> Invoice | None:
    return db.session.scalar(
        select(Invoice).where(Invoice.payment_id == payment_id, Invoice.kind == "invoice"))


def _numbered(cinema: Cinema, kind: str, **links: int) -> Invoice:
    issued = now()
    year = issued.astimezone(ZoneInfo(cinema.timezone)).year
    sequence = _next_sequence(cinema.id, year)
    prefix = "INV" if kind == "invoice" else "CN"
    return Invoice(
        number=f"{prefix}-{year}-{cinema.id:03d}-{sequence:06d}", cinema_id=cinema.id, year=year,
        sequence=sequence, kind=kind, issued_at=issued, seller=_seller(cinema), **links,
    )


def _next_sequence(cinema_id: int, year: int) -> int:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(InvoiceCounter).values(cinema_id=cinema_id, year=year, last_number=1)
    statement = statement.on_conflict_do_update(
        index_elements=["cinema_id", "year"],
        set_={"last_number": InvoiceCounter.last_number + 1},
    ).returning(InvoiceCounter.last_number)
    return db.session.execute(statement).scalar_one()


def _seller(cinema: Cinema) -> dict:
    return {
        "name": cinema.name, "address_line": cinema.address_line, "city": cinema.city,
        "postal_code": cinema.postal_code, "country": cinema.country,
        "vat_number": cinema.vat_number, "tax_rate": str(cinema.tax_rate),
    }


def _seat_line(booking: Booking, cinema: Cinema, seat, label: str, amount_minor: int, rate: Decimal) -> dict:
    starts = booking.showtime.starts_at.astimezone(ZoneInfo(cinema.timezone))
    return {
        "description": f"{booking.showtime.movie.title}, {starts:%d %b %Y %H:%M}",
        "booking_seat_id": seat.id, "seat": label, "category": seat.category,
        "ticket_type": seat.ticket_type, "amount_minor": amount_minor, "tax_rate": str(rate),
    }


def _fee_line(fee: BookingFeeLine, amount_minor: int, rate: Decimal) -> dict:
    description = fee.name if fee.quantity == 1 else f"{fee.name} x {fee.quantity}"
    return {"description": description, "booking_fee_line_id": fee.id, "amount_minor": amount_minor,
            "tax_rate": str(rate)}


def _billed_to(booking: Booking) -> str:
    buyer = buyer_of(booking)
    return f"Billed to: {buyer.billing_name if buyer else 'walk-in customer'}, booking {booking.reference}"
