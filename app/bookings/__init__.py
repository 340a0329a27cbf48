"""Seat maps, seat holds and bookings."""


def blueprints() -> list:
    from app.bookings.routes import blp

    return [blp]
