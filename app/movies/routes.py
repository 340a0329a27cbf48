"""HTTP routes of the movies service."""

from app.common.blueprint import ServiceBlueprint

blp = ServiceBlueprint(
    "movies", __name__, url_prefix="/api",
    description="The catalogue: movies, genres and age ratings.",
)
