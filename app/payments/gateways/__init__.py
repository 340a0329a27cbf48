"""Gateway selection: Stripe whenever a secret key is configured, else the offline sandbox
(in production only by explicit opt-in, :func:`config.payments_sandbox_allowed`); a payment
taken at a box-office counter (cash, card terminal) keeps its counter gateway."""

from __future__ import annotations

from flask import current_app

from app.payments.gateways.base import PaymentGateway
from app.payments.gateways.counter import COUNTER_TENDERS, CounterGateway
from app.payments.gateways.sandbox import SandboxGateway
from app.payments.gateways.stripe_gateway import StripeGateway
from config import ConfigError, payments_sandbox_allowed


def online_gateway_name() -> str:
    """The gateway that takes online payments: ``stripe`` or ``sandbox``."""
    return StripeGateway.name if current_app.config["STRIPE_SECRET_KEY"] else SandboxGateway.name


def get_gateway() -> PaymentGateway:
    config = current_app.config
    if online_gateway_name() == StripeGateway.name:
        return StripeGateway(
            secret_key=config["STRIPE_SECRET_KEY"],
            webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
            api_base=config["STRIPE_API_BASE"],
        )
    if not payments_sandbox_allowed(config):
        # Start-up refuses this already; settings given to create_app directly skip that check,
        # and failing a payment beats confirming it with a test card.
        raise ConfigError("APP_ENV=production without STRIPE_SECRET_KEY: the sandbox gateway is "
                          "refused (PAYMENTS_SANDBOX_ALLOWED=true allows it for staging)")
    return SandboxGateway(webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
                          secret_key=config["SECRET_KEY"])


def gateway_for(provider: str) -> PaymentGateway:
    """The gateway of a recorded payment (its refunds and reconciliation go back to it)."""
    return CounterGateway(provider) if provider in COUNTER_TENDERS else get_gateway()
