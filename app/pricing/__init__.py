"""Price quotes, pricing rules and promo codes."""


def blueprints() -> list:
    from app.pricing.routes import blp

    return [blp]
