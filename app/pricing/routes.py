"""HTTP routes of the pricing service."""

from app.common.blueprint import ServiceBlueprint

blp = ServiceBlueprint(
    "pricing", __name__, url_prefix="/api/pricing",
    description="Price quotes, pricing rules and promo codes.",
)
