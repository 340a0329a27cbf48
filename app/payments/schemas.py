"""Request and response bodies of the payments API (every field documented)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from app.common.fields import Choice, Id, Integer, List, QueryArgsSchema, Text
from app.common.schemas import field_meta as _doc
from app.models.payments import PAYMENT_STATUSES
from app.payments.invoices import credit_notes_of

REFUND_REASONS = ("requested_by_customer", "duplicate", "fraudulent", "goodwill",
                  "showtime_cancelled", "booking_cancelled")


class ProcessPaymentSchema(ma.Schema):
    booking_id = Id(required=True, metadata=_doc("Booking to pay; must be yours and awaiting payment", 42))
    payment_method = Text(
        required=True, min_length=1, max_length=100,
        metadata=_doc("Stripe PaymentMethod id from Stripe.js. In the sandbox, a Stripe test card: "
                      "`pm_card_visa` succeeds, `pm_card_chargeDeclined` and "
                      "`pm_card_chargeDeclinedInsufficientFunds` are declined, "
                      "`pm_card_chargeDeclinedProcessingError` asks you to retry, "
                      "`pm_card_authenticationRequired` needs 3-D Secure", "pm_card_visa"))


class CheckoutSettingsSchema(ma.Schema):
    gateway = fields.String(required=True, metadata=_doc(
        "Who takes online payments: `stripe` (collect the card with Stripe.js and send its "
        "PaymentMethod id) or `sandbox` (send one of the sandbox's test cards)", "stripe"))
    publishable_key = fields.String(required=True, allow_none=True, metadata=_doc(
        "Stripe's publishable key for Stripe.js (`STRIPE_PUBLISHABLE_KEY`); null with the sandbox, "
        "or when it is not configured", "pk_test_51H..."))


class IdempotencyHeaderSchema(ma.Schema):
    idempotency_key = Text(
        data_key="Idempotency-Key", min_length=1, max_length=100,
        metadata=_doc("Makes retries safe: the same key never charges or refunds twice and gets "
                      "the first answer again. Use a new key for each attempt (e.g. another card)",
                      "5c1f0a5e-9d8e-4d52-9d0b-0c6f2d1f7a11"))


class RefundSummarySchema(ma.Schema):
    id = fields.Integer(metadata=_doc("Refund id", 7))
    amount_minor = fields.Integer(metadata=_doc("Amount refunded, in minor units", 1000))
    status = fields.String(metadata=_doc("pending, succeeded or failed", "succeeded"))
    reason = fields.String(metadata=_doc("Why it was refunded", "requested_by_customer"))
    booking_seat_ids = fields.List(fields.Integer(), metadata=_doc("Booking seats given back", [81]))
    created_at = fields.DateTime(metadata=_doc("When it was requested (UTC)",
                                               "2026-11-24T18:03:00+00:00"))


class PaymentSchema(ma.Schema):
    id = fields.Integer(metadata=_doc("Payment id", 12))
    booking_id = fields.Integer(metadata=_doc("Booking paid for", 42))
    booking_reference = fields.String(attribute="booking.reference",
                                      metadata=_doc("Box-office reference of the booking", "K7Q-4MZ"))
    booking_status = fields.String(attribute="booking.status",
                                   metadata=_doc("Booking status after this payment", "confirmed"))
    status = fields.String(metadata=_doc(f"One of {', '.join(PAYMENT_STATUSES)}", "succeeded"))
    amount_minor = fields.Integer(metadata=_doc("Amount charged, in minor units", 2400))
    currency = fields.String(metadata=_doc("ISO 4217 currency", "GBP"))
    refunded_minor = fields.Integer(metadata=_doc("Amount refunded so far, in minor units", 0))
    provider = fields.String(metadata=_doc(
        "Gateway: stripe or sandbox online; cash or terminal at a box-office counter", "stripe"))
    provider_payment_id = fields.String(allow_none=True,
                                        metadata=_doc("Gateway's id (Stripe PaymentIntent)", "pi_3Q..."))
    failure_code = fields.String(allow_none=True,
                                 metadata=_doc("Decline or failure code, if it failed", None))
    failure_message = fields.String(allow_none=True,
                                    metadata=_doc("Why it failed, fit to show the customer", None))
    created_at = fields.DateTime(metadata=_doc("When the attempt started (UTC)",
                                               "2026-11-24T18:00:00+00:00"))
    succeeded_at = fields.DateTime(allow_none=True,
                                   metadata=_doc("When it succeeded (UTC)", "2026-11-24T18:00:02+00:00"))
    refunds = fields.List(fields.Nested(RefundSummarySchema), metadata=_doc("Refunds of this payment"))


class ProcessedPaymentSchema(PaymentSchema):
    client_secret = fields.String(
        allow_none=True,
        metadata=_doc("Only when status is requires_action: pass to Stripe.js handleNextAction to "
                      "finish 3-D Secure; the outcome then arrives by webhook", None))


class RefundRequestSchema(ma.Schema):
    booking_id = Id(required=True, metadata=_doc("Booking to refund", 42))
    booking_seat_ids = List(
        Id(), min_items=1, max_items=50,
        metadata=_doc("Staff only: refund and release just these booking seats (partial refund)",
                      [81]))
    amount_minor = Integer(
        minimum=1,
        metadata=_doc("Staff only: amount in minor units (default: the seats' price, or all that "
                      "is left of the payment). Without seats, money back with no seat released. "
                      "Never more than was paid (422)", 500))
    reason = Choice(REFUND_REASONS, load_default="requested_by_customer",
                    metadata=_doc(f"One of {', '.join(REFUND_REASONS)}", "requested_by_customer"))


class RefundSchema(RefundSummarySchema):
    payment_id = fields.Integer(metadata=_doc("Payment refunded", 12))
    booking_id = fields.Integer(attribute="payment.booking_id", metadata=_doc("Booking refunded", 42))
    booking_status = fields.String(attribute="payment.booking.status",
                                   metadata=_doc("Booking status after the refund", "cancelled"))
    currency = fields.String(attribute="payment.currency", metadata=_doc("ISO 4217 currency", "GBP"))
    provider_refund_id = fields.String(allow_none=True,
                                       metadata=_doc("Gateway's refund id", "re_3Q..."))


class SellerSchema(ma.Schema):
    name = fields.String(metadata=_doc("Cinema (seller) name", "Rex Cinema"))
    address_line = fields.String(metadata=_doc("Street address", "1 High Street"))
    city = fields.String(metadata=_doc("City", "London"))
    postal_code = fields.String(metadata=_doc("Postal code", "N1 9GU"))
    country = fields.String(metadata=_doc("ISO 3166 country code", "GB"))
    vat_number = fields.String(allow_none=True, metadata=_doc("Seller's VAT number", "GB123456789"))
    tax_rate = fields.String(metadata=_doc(
        "Standard tax rate as a fraction when issued (a line may carry its own); prices include it",
        "0.2000"))


class InvoiceLineSchema(ma.Schema):
    description = fields.String(metadata=_doc("What was sold", "Dune, 24 Nov 2026 19:30"))
    booking_seat_id = fields.Integer(metadata=_doc("Booking seat of this line", 81))
    seat = fields.String(metadata=_doc("Seat label", "C7"))
    category = fields.String(metadata=_doc("Seat category", "premium"))
    ticket_type = fields.String(metadata=_doc("Ticket type", "adult"))
    booking_fee_line_id = fields.Integer(metadata=_doc("Booking fee of this line", 5))
    amount_minor = fields.Integer(metadata=_doc("Tax-inclusive amount; negative on credit notes", 1400))
    tax_rate = fields.String(metadata=_doc(
        "Rate the line is taxed at, in force when the invoice was issued (credit notes: the "
        "invoice's); none on a discount line, already inside the seat prices", "0.2000"))


class InvoiceTaxSchema(ma.Schema):
    rate = fields.String(metadata=_doc("Tax rate (fraction)", "0.2000"))
    gross_minor = fields.Integer(metadata=_doc("Tax-inclusive amount at this rate", 2400))
    tax_minor = fields.Integer(metadata=_doc("Tax included in it", 400))


class CreditNoteSummarySchema(ma.Schema):
    number = fields.String(metadata=_doc("Credit note number", "CN-2026-003-000002"))
    total_minor = fields.Integer(metadata=_doc("Total (negative)", -1400))
    issued_at = fields.DateTime(metadata=_doc("When it was issued (UTC)", "2026-11-25T10:00:00+00:00"))


class InvoiceSchema(ma.Schema):
    number = fields.String(metadata=_doc("Gapless number per cinema and year", "INV-2026-003-000001"))
    kind = fields.String(metadata=_doc("invoice or credit_note", "invoice"))
    year = fields.Integer(metadata=_doc("Year of the series", 2026))
    sequence = fields.Integer(metadata=_doc("Position in the cinema's series for the year", 1))
    issued_at = fields.DateTime(metadata=_doc("When it was issued (UTC)", "2026-11-24T18:00:03+00:00"))
    payment_id = fields.Integer(metadata=_doc("Payment invoiced", 12))
    refund_id = fields.Integer(allow_none=True, metadata=_doc("Refund credited (credit notes)", None))
    booking_reference = fields.String(attribute="payment.booking.reference",
                                      metadata=_doc("Booking reference", "K7Q-4MZ"))
    seller = fields.Nested(SellerSchema, metadata=_doc("The cinema selling"))
    notes = fields.String(allow_none=True, metadata=_doc(
        "Buyer, and for credit notes the invoice credited",
        "Billed to: Ada Lovelace <ada@example.org>, booking K7Q-4MZ"))
    lines = fields.List(fields.Nested(InvoiceLineSchema), metadata=_doc(
        "One line per seat and per booking fee (and the discount, shown)"))
    taxes = fields.List(fields.Nested(InvoiceTaxSchema), metadata=_doc(
        "Tax per rate; tax_minor is their sum"))
    currency = fields.String(metadata=_doc("ISO 4217 currency", "GBP"))
    net_minor = fields.Method("get_net", metadata={**_doc("Total without tax", 2000), "type": "integer"})
    tax_minor = fields.Integer(metadata=_doc("Tax included in the total", 400))
    total_minor = fields.Integer(metadata=_doc("Total including tax", 2400))
    credit_notes = fields.Method("get_credit_notes", metadata={**_doc(
        "Credit notes against this invoice (refunds): number, total_minor, issued_at; "
        "fetch one with ?number="), "type": "array", "items": {"type": "object"}})

    def get_net(self, invoice) -> int:
        return invoice.total_minor - invoice.tax_minor

    def get_credit_notes(self, invoice) -> list[dict]:
        return CreditNoteSummarySchema(many=True).dump(credit_notes_of(invoice))


class DocumentLinkSchema(ma.Schema):
    url = fields.String(metadata=_doc(
        "The PDF, without a token, until expires_at (a presigned URL when files are in S3)",
        "/media/invoices/3/2026/INV-2026-003-000001-5d41402abc4b2a76b9719d911017c592.pdf"
        "?expires=1795543500&signature=3l0V9mXH1Ue7..."))
    expires_at = fields.DateTime(metadata=_doc("When the link stops working (UTC)",
                                               "2026-11-24T18:05:00+00:00"))


class InvoiceQuerySchema(QueryArgsSchema):
    number = Text(min_length=1, max_length=40, metadata=_doc(
        "A credit note of this payment (default: the invoice)", "CN-2026-003-000002"))


class WebhookAckSchema(ma.Schema):
    received = fields.Boolean(metadata=_doc("Always true once the signature verified", True))
    outcome = fields.String(metadata=_doc("applied, duplicate (already applied) or ignored", "applied"))
