"""Payments, refunds, gateway webhooks and invoices."""


def blueprints() -> list:
    from app.payments.routes import blp

    return [blp]
