"""Showtimes: manual schedule edits, schedule views and optimised generation."""


def blueprints() -> list:
    from app.scheduling.routes import blp

    return [blp]
