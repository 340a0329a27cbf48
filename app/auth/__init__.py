"""Registration, login, token refresh and logout, password reset, e-mail verification."""


def blueprints() -> list:
    from app.auth.routes import blp

    return [blp]
