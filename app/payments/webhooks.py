"""Gateway webhooks: the source of truth for outcomes that arrive after our own request ended.

Each event is applied at most once: its id is stored in ``payment_events`` in the same
transaction that applies it, so a redelivery (or a concurrent duplicate, which waits on the
primary key) changes nothing. Events may come in any order; every handler moves a payment or
refund only forward (``pending``/``requires_action`` -> final), so a late "failed" never undoes
a success and a repeated "succeeded" never confirms twice. A signed body that is not an event,
or whose object is not shaped as its handler reads it, is refused (400) and recorded nowhere.
"""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.common.clock import now
from app.common.ids import id_from_text
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import PaymentEvent, Refund
from app.payments.errors import WebhookEventError, WebhookSignatureError
from app.payments.gateways import get_gateway
from app.payments.gateways.base import EventFormatError, GatewayEvent, SignatureError
from app.payments.refund_settlement import settle_refund
from app.payments.row_locks import find_payment, lock_booking, lock_payment
from app.payments.service import settle_failure, settle_success

log = logging.getLogger(__name__)

_OPEN = ("pending", "requires_action")


class _OurId(ma.fields.Field):
    """An id we wrote into a gateway object's metadata (Stripe keeps metadata as text): None
    when the value is not one of ours, so the object is simply not found."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> int | None:
        return id_from_text(value)


class _MetadataSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    payment_id = _OurId(load_default=None)
    refund_id = _OurId(load_default=None)


class _ObjectSchema(ma.Schema):
    """What the handlers read of an event's ``data.object``, in the types (and the column
    lengths) they rely on; the rest of Stripe's object is kept in ``payment_events`` only."""

    class Meta:
        unknown = ma.EXCLUDE

    id = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=100))
    status = ma.fields.String(load_default=None, allow_none=True)
    metadata = ma.fields.Nested(_MetadataSchema, load_default=None, allow_none=True)


class _PaymentErrorSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    code = ma.fields.String(load_default=None, allow_none=True)
    decline_code = ma.fields.String(load_default=None, allow_none=True)
    message = ma.fields.String(load_default=None, allow_none=True)


class _IntentSchema(_ObjectSchema):
    last_payment_error = ma.fields.Nested(_PaymentErrorSchema, load_default=None, allow_none=True)
    cancellation_reason = ma.fields.String(load_default=None, allow_none=True)


class _RefundSchema(_ObjectSchema):
    failure_reason = ma.fields.String(load_default=None, allow_none=True)


@use_case
def apply_gateway_event(payload: bytes, signature: str | None) -> str:
    """Verify and apply one webhook delivery; returns ``applied``, ``duplicate`` or ``ignored``."""
    try:
        event = get_gateway().parse_event(payload, signature)
    except SignatureError as exc:
        raise WebhookSignatureError(f"The webhook signature does not verify: {exc}") from exc
    except EventFormatError as exc:
        raise WebhookEventError(f"The webhook is signed but is not an event: {exc}") from exc
    handler, schema = _HANDLERS.get(event.type, (None, None))
    fields = _read_object(event, schema) if schema is not None else {}
    db.session.add(PaymentEvent(id=event.id, type=event.type, payload=event.object))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    if handler is None:
        return "ignored"
    return handler(event.id, fields)


def _read_object(event: GatewayEvent, schema: ma.Schema) -> dict[str, Any]:
    try:
        return schema.load(event.object)
    except ma.ValidationError as exc:
        raise WebhookEventError(f"The {event.type} event's object is malformed",
                                details={"data.object": exc.messages}) from exc


def _payment_event(apply):
    """Load and lock the payment an intent event is about, then let ``apply`` change it."""

    def handler(event_id: str, intent: dict[str, Any]) -> str:
        payment = find_payment(intent["id"], _metadata(intent, "payment_id"))
        if payment is None:
            log.info("webhook %s: no payment for %s", event_id, intent["id"])
            return "ignored"
        booking = lock_booking(payment.booking_id)
        payment = lock_payment(payment.id)
        if payment.provider_payment_id is None:
            payment.provider_payment_id = intent["id"]
        return "applied" if apply(booking, payment, intent) else "ignored"

    return handler


@_payment_event
def _intent_succeeded(booking, payment, intent: dict[str, Any]) -> bool:
    # "failed" is open here too: a charge whose request timed out may still have gone through.
    if payment.status not in (*_OPEN, "failed"):
        return False
    settle_success(booking, payment, payable_at=now())
    return True


@_payment_event
def _intent_failed(booking, payment, intent: dict[str, Any]) -> bool:
    if payment.status not in _OPEN:
        return False
    error = intent["last_payment_error"] or {}
    settle_failure(payment, error.get("decline_code") or error.get("code"), error.get("message"))
    return True


@_payment_event
def _intent_requires_action(booking, payment, intent: dict[str, Any]) -> bool:
    if payment.status != "pending":
        return False
    payment.status = "requires_action"
    return True


@_payment_event
def _intent_canceled(booking, payment, intent: dict[str, Any]) -> bool:
    if payment.status not in _OPEN:
        return False
    settle_failure(payment, "canceled", intent["cancellation_reason"] or "The payment was canceled")
    return True


def _refund_event(event_id: str, refund_object: dict[str, Any]) -> str:
    refund = None
    if refund_object["id"]:
        refund = db.session.scalar(
            select(Refund).where(Refund.provider_refund_id == refund_object["id"]))
    metadata_id = _metadata(refund_object, "refund_id")
    if refund is None and metadata_id is not None:
        refund = db.session.get(Refund, metadata_id)
    if refund is None:
        log.warning("webhook %s: refund %s is not ours", event_id, refund_object["id"])
        return "ignored"
    status = refund_object["status"]
    if status not in ("succeeded", "failed", "canceled"):
        return "ignored"
    # settle_refund commits; the event id is already flushed in this transaction with it.
    settle_refund(refund.id, "succeeded" if status == "succeeded" else "failed",
                  refund_object["id"], refund_object["failure_reason"])
    return "applied"


def _metadata(obj: dict[str, Any], key: str) -> int | None:
    return (obj["metadata"] or {}).get(key)


_INTENT, _REFUND = _IntentSchema(), _RefundSchema()
# Event type -> (its handler, the schema of the object it reads).
_HANDLERS = {
    "payment_intent.succeeded": (_intent_succeeded, _INTENT),
    "payment_intent.payment_failed": (_intent_failed, _INTENT),
    "payment_intent.requires_action": (_intent_requires_action, _INTENT),
    "payment_intent.canceled": (_intent_canceled, _INTENT),
    "refund.created": (_refund_event, _REFUND),
    "refund.updated": (_refund_event, _REFUND),
    "refund.failed": (_refund_event, _REFUND),
}
