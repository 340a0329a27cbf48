"""The schema comes from the migrations and PostgreSQL itself guards the two invariants."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.extensions import db


def test_schema_is_built_by_migrations_and_round_trips(app):
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()
    assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    before = set(inspect(db.engine).get_table_names())
    assert {"users", "cinemas", "screens", "movies", "showtimes", "seats", "bookings",
            "booking_seats", "payments", "pricing_rules"} <= before
    db.session.remove()

    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert set(inspect(db.engine).get_table_names()) == before


def _insert_showtime(screen_id, movie_id, cinema_id, starts, minutes, buffer=20, status="scheduled"):
    db.session.execute(
        text(
            "INSERT INTO showtimes (movie_id, screen_id, cinema_id, starts_at, ends_at, blocked_until,"
            " format, status, source, dynamic_multiplier, price_frozen, version)"
            " VALUES (:m, :s, :c, :start, :end, :blocked, '2D', :status, 'manual', 1, false, 1)"
        ),
        {"m": movie_id, "s": screen_id, "c": cinema_id, "start": starts,
         "end": starts + timedelta(minutes=minutes),
         "blocked": starts + timedelta(minutes=minutes + buffer), "status": status},
    )
    db.session.commit()


def test_postgresql_refuses_overlapping_showtimes_cleaning_included(factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema)
    other_screen = factory.screen(cinema)
    movie = factory.movie()
    first = factory.showtime(screen, movie)  # 115 min film + 20 min cleaning

    # starts after the film ends but inside the cleaning buffer
    with pytest.raises(IntegrityError, match="ex_showtimes_screen_no_overlap"):
        _insert_showtime(screen.id, movie.id, cinema.id, first.ends_at + timedelta(minutes=5), 90)
    db.session.rollback()

    # right after cleaning, on another screen at the same time, or cancelled: all fine
    _insert_showtime(screen.id, movie.id, cinema.id, first.blocked_until, 90)
    _insert_showtime(other_screen.id, movie.id, cinema.id, first.starts_at, 90)
    _insert_showtime(screen.id, movie.id, cinema.id, first.starts_at, 90, status="cancelled")


def test_postgresql_refuses_second_active_booking_of_a_seat(factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema)
    showtime = factory.showtime(screen, factory.movie())
    seat = factory.seats(screen)[0]
    buyers = [factory.user(), factory.user()]

    def book(user, reference, active=True):
        booking_id = db.session.execute(
            text(
                "INSERT INTO bookings (reference, user_id, showtime_id, status, currency,"
                " subtotal_minor, discount_minor, total_minor, refund_due_minor, refunded_minor,"
                " version) VALUES (:ref, :u, :s, 'confirmed', 'GBP', 1000, 0, 1000, 0, 0, 1)"
                " RETURNING id"
            ),
            {"ref": reference, "u": user.id, "s": showtime.id},
        ).scalar()
        db.session.execute(
            text(
                "INSERT INTO booking_seats (booking_id, showtime_id, seat_id, category, ticket_type,"
                " price_minor, active, refunded_minor) VALUES (:b, :s, :seat, 'standard', 'adult',"
                " 1000, :active, 0)"
            ),
            {"b": booking_id, "s": showtime.id, "seat": seat.id, "active": active},
        )
        db.session.commit()

    book(buyers[0], "AAA-111")
    with pytest.raises(IntegrityError, match="uq_booking_seats_active"):
        book(buyers[1], "BBB-222")
    db.session.rollback()
    # an inactive (cancelled) line for the same seat does not count
    book(buyers[1], "CCC-333", active=False)


def test_money_and_times_are_typed(app):
    columns = {c["name"]: c for c in inspect(db.engine).get_columns("bookings")}
    assert str(columns["total_minor"]["type"]) == "INTEGER"
    assert columns["expires_at"]["type"].timezone is True
