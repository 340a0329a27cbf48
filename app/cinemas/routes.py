"""HTTP routes of the cinemas service."""

from app.common.blueprint import ServiceBlueprint

blp = ServiceBlueprint(
    "cinemas", __name__, url_prefix="/api",
    description="Cinemas, their screens and seat layouts.",
)
