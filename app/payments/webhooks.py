"""Gateway webhooks: the source of truth for outcomes that arrive after our own request ended.

Each event is applied at most once: its id is stored in ``payment_events`` in the same
transaction that applies it, so a redelivery (or a concurrent duplicate, which waits on the
primary key) changes nothing. Events may come in any order; every handler moves a payment or
refund only forward (``pending``/``requires_action`` -> final), so a late "failed" never undoes
a success and a repeated "succeeded" never confirms twice.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.common import events
from app.common.clock import now
from app.extensions import db
from app.models import PaymentEvent, Refund
from app.payments.errors import WebhookSignatureError
from app.payments.gateways import get_gateway
from app.payments.gateways.base import GatewayEvent, SignatureError
from app.payments.records import find_payment, lock_booking, lock_payment
from app.payments.refunds import settle_refund
from app.payments.service import Followups, settle_failure, settle_success

log = logging.getLogger(__name__)

_OPEN = ("pending", "requires_action")


def apply_gateway_event(payload: bytes, signature: str | None) -> str:
    """Verify and apply one webhook delivery; returns ``applied``, ``duplicate`` or ``ignored``."""
    try:
        event = get_gateway().parse_event(payload, signature)
    except SignatureError as exc:
        raise WebhookSignatureError(f"The webhook signature does not verify: {exc}") from exc
    handler = _HANDLERS.get(event.type)
    db.session.add(PaymentEvent(id=event.id, type=event.type, payload=event.object))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    if handler is None:
        db.session.commit()
        return "ignored"
    followups = Followups()
    outcome = handler(event, followups)
    events.commit()
    followups.run()
    return outcome


def _payment_event(apply):
    """Load and lock the payment an intent event is about, then let ``apply`` change it."""

    def handler(event: GatewayEvent, followups: Followups) -> str:
        intent = event.object
        payment = find_payment(intent.get("id"), (intent.get("metadata") or {}).get("payment_id"))
        if payment is None:
            log.info("webhook %s: no payment for %s", event.id, intent.get("id"))
            return "ignored"
        booking = lock_booking(payment.booking_id)
        payment = lock_payment(payment.id)
        if payment.provider_payment_id is None:
            payment.provider_payment_id = intent.get("id")
        return "applied" if apply(booking, payment, intent, followups) else "ignored"

    return handler


@_payment_event
def _intent_succeeded(booking, payment, intent: dict[str, Any], followups: Followups) -> bool:
    # "failed" is open here too: a charge whose request timed out may still have gone through.
    if payment.status not in (*_OPEN, "failed"):
        return False
    settle_success(booking, payment, payable_at=now(), followups=followups)
    return True


@_payment_event
def _intent_failed(booking, payment, intent: dict[str, Any], followups: Followups) -> bool:
    if payment.status not in _OPEN:
        return False
    error = intent.get("last_payment_error") or {}
    settle_failure(payment, error.get("decline_code") or error.get("code"), error.get("message"))
    return True


@_payment_event
def _intent_requires_action(booking, payment, intent: dict[str, Any], followups: Followups) -> bool:
    if payment.status != "pending":
        return False
    payment.status = "requires_action"
    return True


@_payment_event
def _intent_canceled(booking, payment, intent: dict[str, Any], followups: Followups) -> bool:
    if payment.status not in _OPEN:
        return False
    settle_failure(payment, "canceled", intent.get("cancellation_reason") or "The payment was canceled")
    return True


def _refund_event(event: GatewayEvent, followups: Followups) -> str:
    refund_object = event.object
    refund = None
    if refund_object.get("id"):
        refund = db.session.scalar(
            select(Refund).where(Refund.provider_refund_id == refund_object["id"]))
    metadata_id = (refund_object.get("metadata") or {}).get("refund_id", "")
    if refund is None and metadata_id.isdigit():
        refund = db.session.get(Refund, int(metadata_id))
    if refund is None:
        log.warning("webhook %s: refund %s is not ours", event.id, refund_object.get("id"))
        return "ignored"
    status = refund_object.get("status")
    if status not in ("succeeded", "failed", "canceled"):
        return "ignored"
    # settle_refund commits; the event id is already flushed in this transaction with it.
    settle_refund(refund.id, "succeeded" if status == "succeeded" else "failed",
                  refund_object.get("id"), refund_object.get("failure_reason"))
    return "applied"


_HANDLERS = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "payment_intent.requires_action": _intent_requires_action,
    "payment_intent.canceled": _intent_canceled,
    "refund.created": _refund_event,
    "refund.updated": _refund_event,
    "refund.failed": _refund_event,
}
