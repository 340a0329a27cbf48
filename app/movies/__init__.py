"""The catalogue: movies, genres and age ratings."""


def blueprints() -> list:
    from app.movies.routes import blp

    return [blp]
