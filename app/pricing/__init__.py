"""Price quotes, pricing rules and promo codes."""


def blueprints() -> list:
    from app.pricing.routes import blp
    from app.pricing.ticketing_routes import blp as ticketing_blp

    return [blp, ticketing_blp]
