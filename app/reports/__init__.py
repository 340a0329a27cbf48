"""Reports for the managers' dashboard: occupancy and revenue of a cinema's days, films and screens."""


def blueprints() -> list:
    from app.reports.routes import blp

    return [blp]
