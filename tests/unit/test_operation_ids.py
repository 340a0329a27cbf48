"""The rule that names operations (their operationIds), as a table of cases."""

from __future__ import annotations

import pytest

from app.common.operation_ids import operation_id


@pytest.mark.parametrize(("view", "method", "answers_list", "expected"), [
    ("forgot_password", "post", False, "forgotPassword"),
    ("reset_password_view", "post", False, "resetPassword"),
    ("login", "post", False, "login"),
    ("me", "get", False, "getCurrentUser"),  # the table: "getMe" reads badly
    ("MovieById", "get", False, "getMovie"),
    ("MovieById", "put", False, "updateMovie"),
    ("UserById", "patch", False, "updateUser"),
    ("AgeRatingByCode", "delete", False, "deleteAgeRating"),
    ("Movies", "get", True, "listMovies"),
    ("Movies", "post", False, "createMovie"),
    ("ScreenClosures", "post", False, "createScreenClosure"),
    ("SeatMap", "get", False, "getSeatMap"),
    ("CinemaGuardRails", "get", False, "getCinemaGuardRails"),  # plural, yet one object
    ("CinemaGuardRails", "put", False, "updateCinemaGuardRails"),
    ("MoviePoster", "delete", False, "deleteMoviePoster"),
    ("Holds", "post", False, "holdSeats"),
    ("BookingById", "delete", False, "cancelBooking"),
    ("Rules", "get", True, "listPricingRules"),
])
def test_operation_id(view, method, answers_list, expected):
    assert operation_id(view, method, answers_list=answers_list) == expected
