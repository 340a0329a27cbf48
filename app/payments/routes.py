"""HTTP routes of the payments service."""

from app.common.blueprint import ServiceBlueprint

blp = ServiceBlueprint(
    "payments", __name__, url_prefix="/api/payments",
    description="Payments, refunds, gateway webhooks and invoices.",
)
