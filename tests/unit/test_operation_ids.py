"""The rule that names operations (their operationIds), as a table of cases."""

from __future__ import annotations

import pytest

from app.common.operation_ids import operation_id


@pytest.mark.parametrize(("view", "method", "expected"), [
    ("forgot_password", "post", "forgotPassword"),
    ("reset_password_view", "post", "resetPassword"),
    ("login", "post", "login"),
    ("me", "get", "getCurrentUser"),  # the table: "getMe" reads badly
    ("MovieById", "get", "getMovie"),
    ("MovieById", "put", "updateMovie"),
    ("UserById", "patch", "updateUser"),
    ("AgeRatingByCode", "delete", "deleteAgeRating"),
    ("Movies", "get", "listMovies"),
    ("Movies", "post", "createMovie"),
    ("ScreenClosures", "post", "createScreenClosure"),
    ("SeatMap", "get", "getSeatMap"),
    ("MoviePoster", "delete", "deleteMoviePoster"),
    ("Holds", "post", "holdSeats"),
    ("BookingById", "delete", "cancelBooking"),
    ("Rules", "get", "listPricingRules"),
])
def test_operation_id(view, method, expected):
    assert operation_id(view, method) == expected
