"""Tickets of booked seats with their signed QR codes, and check-in at the door."""


def blueprints() -> list:
    from app.tickets.routes import door_blp, tickets_blp

    return [tickets_blp, door_blp]
