"""Cinemas, their screens and seat layouts."""


def blueprints() -> list:
    from app.cinemas.routes import blp

    return [blp]
