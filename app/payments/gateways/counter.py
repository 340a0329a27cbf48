"""Tender taken at a box-office counter: cash into the drawer, or a card on an external terminal.

The money changed hands in front of the cashier before the payment is recorded, so a charge
always succeeds and a refund is money handed back (or reversed on the terminal) at once.
Going through the gateway interface keeps one payment workflow (attempt, success, confirmed
booking, invoice, refunds, credit notes) for online and counter sales alike; the payment's
``provider`` (``cash`` or ``terminal``) chooses this gateway again for its refunds.
"""

from __future__ import annotations

import hashlib

from app.payments.gateways.base import (
    ChargeRequest,
    ChargeResult,
    GatewayEvent,
    RefundRequest,
    RefundResult,
    SignatureError,
)

CASH = "cash"
COUNTER_TENDERS = (CASH, "terminal")


class CounterGateway:
    def __init__(self, tender: str) -> None:
        if tender not in COUNTER_TENDERS:
            raise ValueError(f"not a counter tender: {tender}")
        self.name = tender

    def charge(self, request: ChargeRequest) -> ChargeResult:
        return ChargeResult(status="succeeded",
                            provider_payment_id=self._derived_id("pay", request.idempotency_key))

    def find_charge(self, idempotency_key: str, payment_id: int) -> ChargeResult | None:
        # Nothing is recorded apart from our own payment row: an attempt that died before its
        # success was written took no money the cashier did not see refused.
        return None

    def refund(self, request: RefundRequest) -> RefundResult:
        return RefundResult(status="succeeded",
                            provider_refund_id=self._derived_id("re", request.idempotency_key))

    def parse_event(self, payload: bytes, signature: str | None) -> GatewayEvent:
        raise SignatureError("counter tender sends no webhooks")

    def _derived_id(self, prefix: str, idempotency_key: str) -> str:
        return f"{self.name}_{prefix}_{hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]}"
