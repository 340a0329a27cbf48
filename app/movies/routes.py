"""HTTP routes of the movies service.

Everyone (customers and anonymous visitors too) reads the catalogue. Writing it is for
admins only: the catalogue is shared by every cinema of the chain, so a manager, who runs
one cinema, must not change what all the others show.
"""

from flask import jsonify
from flask.views import MethodView

from app.common.access import ADMIN
from app.common.blueprint import ServiceBlueprint
from app.common.etags import row_tag
from app.movies import service, taxonomy
from app.movies.schemas import (
    AgeRatingSchema,
    AgeRatingUpdateSchema,
    GenreSchema,
    GenreUpdateSchema,
    MoviePageSchema,
    MovieQueryArgsSchema,
    MovieSchema,
    MovieUpdateSchema,
    PosterUploadSchema,
)

blp = ServiceBlueprint(
    "movies", __name__, url_prefix="/api",
    description="The catalogue: movies, genres and age ratings. Reading is public; writing is "
                "for admins. Item GETs return an ETag; PUT and DELETE need it in If-Match.",
)


@blp.route("/movies")
class Movies(MethodView):
    @blp.access()
    @blp.arguments(MovieQueryArgsSchema, location="query")
    @blp.response(200, MoviePageSchema)
    def get(self, args):
        """Search and filter the catalogue, one page at a time.

        All filters combine; a repeated argument (`genre=action&genre=comedy`, or
        `genre=action,comedy`) means any of them. Archived movies are left out unless
        `status=archived` or `status=all`.
        """
        return service.search_movies(args)

    @blp.access(*ADMIN)
    @blp.etag
    @blp.arguments(MovieSchema)
    @blp.response(201, MovieSchema)
    def post(self, data):
        """Add a movie to the catalogue (admin)."""
        movie = service.create_movie(data)
        blp.set_etag(row_tag("movie", movie.id, movie.version))
        return movie


@blp.route("/movies/<int:movie_id>")
class MovieById(MethodView):
    @blp.access()
    @blp.etag
    @blp.response(200, MovieSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, movie_id: int):
        """One movie (archived ones too), served from the `movie:{id}` cache."""
        data = service.read_movie(movie_id)
        blp.set_etag(row_tag("movie", movie_id, data["version"]))
        # Already in its public shape (that is what the cache holds): sent as it is.
        return jsonify(data)

    @blp.access(*ADMIN)
    @blp.etag
    @blp.arguments(MovieUpdateSchema(partial=True))
    @blp.response(200, MovieSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def put(self, changes: dict, movie_id: int):
        """Change a movie (admin); fields left out keep their value. Needs If-Match."""
        movie = service.get_movie(movie_id)
        blp.check_etag(row_tag("movie", movie_id, movie.version))
        movie = service.update_movie(movie_id, movie.version, changes)
        blp.set_etag(row_tag("movie", movie_id, movie.version))
        return movie

    @blp.access(*ADMIN)
    @blp.etag
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description=(
        "Upcoming showtimes of the movie have bookings; `errors.showtime_ids` names them"))
    def delete(self, movie_id: int):
        """Withdraw a movie (admin). Needs If-Match.

        Refused (409) while an upcoming showtime of it has a pending or confirmed booking.
        Otherwise the movie is archived (kept for past bookings and reports, left out of
        searches) and its upcoming showtimes, none of them booked, are cancelled.
        """
        movie = service.get_movie(movie_id)
        blp.check_etag(row_tag("movie", movie_id, movie.version))
        service.archive_movie(movie_id, movie.version)


@blp.route("/movies/<int:movie_id>/poster")
class MoviePoster(MethodView):
    @blp.access(*ADMIN)
    @blp.arguments(PosterUploadSchema, location="files")
    @blp.response(200, MovieSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, files: dict, movie_id: int):
        """Upload or replace the poster (admin): JPEG, PNG or WebP, at most 5 MiB.

        The image is checked by decoding it (422 if it is not an accepted image or is too
        large) and stored in the S3 bucket, or the local media folder in the embedded
        default; the movie's `poster_url` points at it.
        """
        return service.set_poster(movie_id, files["file"].read())

    @blp.access(*ADMIN)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, movie_id: int):
        """Remove the poster (admin)."""
        service.remove_poster(movie_id)


@blp.route("/genres")
class Genres(MethodView):
    @blp.access()
    @blp.response(200, GenreSchema(many=True))
    def get(self):
        """Every genre, by name (a short vocabulary, not paginated)."""
        return taxonomy.list_genres()

    @blp.access(*ADMIN)
    @blp.arguments(GenreSchema)
    @blp.response(201, GenreSchema)
    @blp.alt_response(409, response="CONFLICT", description="The name or slug is taken")
    def post(self, data: dict):
        """Add a genre (admin)."""
        return taxonomy.create_genre(data)


@blp.route("/genres/<int:genre_id>")
class GenreById(MethodView):
    @blp.access()
    @blp.response(200, GenreSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, genre_id: int):
        """One genre."""
        return taxonomy.get_genre(genre_id)

    @blp.access(*ADMIN)
    @blp.arguments(GenreUpdateSchema(partial=True))
    @blp.response(200, GenreSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The name or slug is taken")
    def put(self, changes: dict, genre_id: int):
        """Rename a genre (admin); a new name gives a new slug unless one is given."""
        return taxonomy.update_genre(genre_id, changes)

    @blp.access(*ADMIN)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="Movies are filed under it")
    def delete(self, genre_id: int):
        """Delete a genre no movie uses (admin)."""
        taxonomy.delete_genre(genre_id)


@blp.route("/age-ratings")
class AgeRatings(MethodView):
    @blp.access()
    @blp.response(200, AgeRatingSchema(many=True))
    def get(self):
        """Every age rating, mildest first (a short vocabulary, not paginated)."""
        return taxonomy.list_age_ratings()

    @blp.access(*ADMIN)
    @blp.arguments(AgeRatingSchema)
    @blp.response(201, AgeRatingSchema)
    @blp.alt_response(409, response="CONFLICT", description="The code exists")
    def post(self, data: dict):
        """Add an age rating (admin)."""
        return taxonomy.create_age_rating(data)


@blp.route("/age-ratings/<string:code>")
class AgeRatingByCode(MethodView):
    @blp.access()
    @blp.response(200, AgeRatingSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str):
        """One age rating."""
        return taxonomy.get_age_rating(code)

    @blp.access(*ADMIN)
    @blp.arguments(AgeRatingUpdateSchema(partial=True))
    @blp.response(200, AgeRatingSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The new code exists")
    def put(self, changes: dict, code: str):
        """Change an age rating (admin); a new `code` is carried over to its movies."""
        return taxonomy.update_age_rating(code, changes)

    @blp.access(*ADMIN)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="Movies carry this rating")
    def delete(self, code: str):
        """Delete an age rating no movie carries (admin)."""
        taxonomy.delete_age_rating(code)
