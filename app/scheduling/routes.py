"""HTTP routes of the scheduling service."""

from app.common.blueprint import ServiceBlueprint

blp = ServiceBlueprint(
    "scheduling", __name__, url_prefix="/api",
    description="Showtimes: manual schedule edits, schedule views and optimised generation.",
)
