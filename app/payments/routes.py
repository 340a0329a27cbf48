"""HTTP routes of the payments service."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request
from flask.views import MethodView

from app.common.access import ANY_USER, current_principal
from app.common.blueprint import ServiceBlueprint
from app.payments.gateways import online_gateway_name
from app.payments.idempotency import idempotent
from app.payments.invoices import invoice_link, invoice_pdf, read_invoice
from app.payments.refunds import refund_booking
from app.payments.schemas import (
    CheckoutSettingsSchema,
    DocumentLinkSchema,
    InvoiceQuerySchema,
    InvoiceSchema,
    PaymentSchema,
    ProcessedPaymentSchema,
    ProcessPaymentSchema,
    RefundRequestSchema,
    RefundSchema,
    WebhookAckSchema,
)
from app.payments.service import process_payment, read_payment
from app.payments.webhooks import apply_gateway_event

blp = ServiceBlueprint(
    "payments", __name__, url_prefix="/api/payments",
    description="Payments, refunds, gateway webhooks and invoices.",
)


@blp.route("/checkout-settings")
class CheckoutSettings(MethodView):
    @blp.access()
    @blp.response(200, CheckoutSettingsSchema)
    def get(self):
        """How a checkout collects the card: the gateway, and Stripe's publishable key

        With `stripe`, the page loads Stripe.js with `publishable_key`, collects the card in
        Stripe's Payment Element, creates a PaymentMethod and sends its id to
        `POST /api/payments/process`; a `requires_action` answer is finished with Stripe.js
        (`handleNextAction` with its `client_secret`). With `sandbox` no Stripe host is contacted.
        """
        gateway = online_gateway_name()
        key = current_app.config["STRIPE_PUBLISHABLE_KEY"] if gateway == "stripe" else None
        return {"gateway": gateway, "publishable_key": key}


@blp.route("/process")
class ProcessPayment(MethodView):
    @blp.access(*ANY_USER)
    @blp.arguments(ProcessPaymentSchema)
    @idempotent(blp, "process", pass_key=True)
    @blp.response(200, ProcessedPaymentSchema)
    @blp.alt_response(402, response="PAYMENT_REQUIRED", description="Declined: reason and retry advice")
    @blp.alt_response(404, response="NOT_FOUND", description="No such booking of yours")
    @blp.alt_response(409, response="CONFLICT", description="Paid, cancelled, expired or in progress")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.alt_response(502, response="BAD_GATEWAY", description="Gateway unreachable: retry, same key")
    def post(self, body: dict, idempotency_key: str | None):
        """Pay for a booking awaiting payment (its owner only)

        Success confirms the booking, sends the confirmation e-mail and issues the invoice.
        A decline answers 402 and the booking stays payable until it expires; try another
        card with a new Idempotency-Key. `requires_action` means 3-D Secure: finish it with
        `client_secret`; the outcome then arrives by webhook.
        """
        payment, client_secret = process_payment(
            user_id=current_principal().id, booking_id=body["booking_id"],
            payment_method=body["payment_method"], idempotency_key=idempotency_key,
        )
        return jsonify(ProcessedPaymentSchema().dump(payment) | {"client_secret": client_secret})


@blp.route("/<int:payment_id>")
class PaymentDetail(MethodView):
    @blp.access(*ANY_USER)
    @blp.response(200, PaymentSchema)
    @blp.alt_response(403, description="Staff of another cinema (`cinema_not_assigned`)")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, payment_id: int):
        """A payment and its refunds (payer, staff of its cinema, admins)"""
        return read_payment(payment_id, current_principal())


@blp.route("/refund")
class RefundPayment(MethodView):
    @blp.access(*ANY_USER)
    @blp.arguments(RefundRequestSchema)
    @idempotent(blp, "refund", pass_key=True)
    @blp.response(201, RefundSchema)
    @blp.alt_response(403, description=(
        "Staff of another cinema (`cinema_not_assigned`), or a customer asking for a partial "
        "refund (`partial_refund_staff_only`)"))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT",
                      description="Policy allows no refund, nothing left, this key still in progress, or "
                                  "a booking paid in cash (`refund_at_counter`: give it back from a till)")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY",
                      description="More than was paid, or this key was used for another request")
    def post(self, body: dict, idempotency_key: str | None):
        """Refund a booking, some of its seats, or an amount

        Customers refund their own whole booking as the cinema's policy allows (full until
        the cut-off before the show, none after: 409); the booking is cancelled with it. A
        booking already cancelled (`DELETE /api/bookings/{booking_id}`) is paid back by a
        worker without asking, so a request for it answers 409 `nothing_to_refund`. Staff
        and managers of the cinema, and admins, may refund single seats or any amount up to
        what was paid (422 beyond). Refunded seats are released for sale.
        Send an Idempotency-Key to make a retry (a double click) safe: it refunds once and
        gets the first answer again.
        """
        return refund_booking(
            body["booking_id"], actor=current_principal(), reason=body["reason"],
            amount_minor=body.get("amount_minor"), booking_seat_ids=body.get("booking_seat_ids"),
            request_key=idempotency_key,
        )


@blp.route("/<int:payment_id>/invoice")
class PaymentInvoice(MethodView):
    @blp.access(*ANY_USER)
    @blp.arguments(InvoiceQuerySchema, location="query")
    @blp.response(200, InvoiceSchema, description="The invoice: PDF by default, JSON when asked for")
    @blp.alt_response(403, description="Staff of another cinema (`cinema_not_assigned`)")
    @blp.doc(responses={"200": {
        "description": "The invoice: PDF by default, JSON when asked for",
        "content": {"application/json": {"schema": InvoiceSchema},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=(
        "The payment has not succeeded (`payment_not_captured`), or its invoice is still being "
        "issued (`invoice_pending`, with `Retry-After`)"))
    def get(self, query: dict, payment_id: int):
        """The invoice of a payment, or one of its credit notes (`?number=`)

        `Accept: application/json` returns the figures; anything else the PDF, generated once
        when the payment succeeds and served as stored.
        """
        invoice = read_invoice(payment_id, current_principal(), query.get("number"))
        wanted = request.accept_mimetypes.best_match(["application/pdf", "application/json"],
                                                     default="application/pdf")
        if wanted == "application/json":
            return invoice
        return Response(invoice_pdf(invoice), mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{invoice.number}.pdf"',
            "Cache-Control": "private, no-store"})


@blp.route("/<int:payment_id>/invoice/link")
class PaymentInvoiceLink(MethodView):
    @blp.access(*ANY_USER)
    @blp.arguments(InvoiceQuerySchema, location="query")
    @blp.response(200, DocumentLinkSchema)
    @blp.alt_response(403, description="Staff of another cinema (`cinema_not_assigned`)")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=(
        "The payment has not succeeded (`payment_not_captured`), or its document is still being "
        "issued (`invoice_pending`, with `Retry-After`)"))
    def get(self, query: dict, payment_id: int):
        """A short-lived link to the invoice's PDF, or to one of its credit notes (`?number=`)

        For a browser or a download manager that cannot send the token: anyone holding the
        link may open the document until `expires_at` (5 minutes by default), so pass it on
        to nobody. Invoice files have no public URL.
        """
        link = invoice_link(read_invoice(payment_id, current_principal(), query.get("number")))
        return {"url": link.url, "expires_at": link.expires_at}, 200, {"Cache-Control": "no-store"}


@blp.route("/webhook")
class GatewayWebhook(MethodView):
    @blp.access()
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": {
        "type": "object", "description": "A Stripe event, signed in the Stripe-Signature header"}}}},
        parameters=[{"in": "header", "name": "Stripe-Signature", "required": True,
                     "schema": {"type": "string"}, "description": "Stripe's signature of the body"}])
    @blp.response(200, WebhookAckSchema)
    @blp.alt_response(400, response="BAD_REQUEST", description="Signature does not verify")
    def post(self):
        """Gateway events (Stripe webhooks): each applied once, in any order"""
        outcome = apply_gateway_event(request.get_data(), request.headers.get("Stripe-Signature"))
        return {"received": True, "outcome": outcome}
