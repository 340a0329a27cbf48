"""HTTP routes of the auth service."""

from app.common.blueprint import ServiceBlueprint

blp = ServiceBlueprint(
    "auth", __name__, url_prefix="/api/auth",
    description="Registration, login, token refresh and logout, password reset, e-mail verification.",
)
