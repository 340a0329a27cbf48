"""Gateway selection: Stripe whenever a secret key is configured, else the offline sandbox."""

from __future__ import annotations

from flask import current_app

from app.payments.gateways.base import PaymentGateway
from app.payments.gateways.sandbox import SandboxGateway
from app.payments.gateways.stripe_gateway import StripeGateway


def get_gateway() -> PaymentGateway:
    config = current_app.config
    if config["STRIPE_SECRET_KEY"]:
        return StripeGateway(
            secret_key=config["STRIPE_SECRET_KEY"],
            webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
            api_base=config["STRIPE_API_BASE"],
        )
    return SandboxGateway(webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
                          secret_key=config["SECRET_KEY"])
