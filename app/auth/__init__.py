"""Registration, login, token refresh and logout, password reset, e-mail verification, and
the administration of users (roles, active flag, cinema assignments)."""


def blueprints() -> list:
    from app.auth.routes import blp
    from app.auth.users_routes import blp as users_blp

    return [blp, users_blp]
