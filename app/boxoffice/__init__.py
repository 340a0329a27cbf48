"""Box office: shifts with an opening float, walk-in sales, counter refunds and voids, cash-up."""


def blueprints() -> list:
    from app.boxoffice.routes import blp

    return [blp]
