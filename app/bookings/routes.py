"""HTTP routes of the bookings service."""

from app.common.blueprint import ServiceBlueprint

blp = ServiceBlueprint(
    "bookings", __name__, url_prefix="/api",
    description="Seat maps, seat holds and bookings.",
)
