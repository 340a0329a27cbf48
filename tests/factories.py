"""Builders for test data, written straight to the database (services are tested elsewhere)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_jwt_extended import create_access_token

from app.auth.passwords import hash_password
from app.cinemas.layout import build_layout
from app.common.clock import now
from app.extensions import db
from app.models import (
    SEAT_CATEGORIES,
    AgeRating,
    Cinema,
    Genre,
    Movie,
    MovieFormat,
    Screen,
    Seat,
    SeatCategoryPrice,
    Showtime,
    User,
    UserCinema,
)

PASSWORD = "Correct-horse-9"
_counter = itertools.count(1)


class Factory:
    def user(self, role: str = "customer", *, email: str | None = None, cinemas=(),
             password: str = PASSWORD, **fields) -> User:
        n = next(_counter)
        user = User(
            email=email or f"{role}{n}@example.test", role=role, full_name=f"{role.title()} {n}",
            password_hash=hash_password(password), **fields,
        )
        user.cinema_links = [UserCinema(cinema_id=c.id if hasattr(c, "id") else c) for c in cinemas]
        db.session.add(user)
        db.session.commit()
        return user

    def token(self, user: User) -> str:
        return create_access_token(identity=str(user.id), additional_claims={"role": user.role})

    def headers(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}

    def rating(self, code: str = "PG-13", *, family: bool = False) -> AgeRating:
        rating = db.session.get(AgeRating, code)
        if rating is None:
            rating = AgeRating(code=code, name=code, min_age=0, family_friendly=family)
            db.session.add(rating)
            db.session.commit()
        return rating

    def genre(self, name: str = "Drama") -> Genre:
        genre = Genre(name=name, slug=name.lower().replace(" ", "-"))
        db.session.add(genre)
        db.session.commit()
        return genre

    def movie(self, title: str | None = None, *, formats=("2D",), rating: str = "PG-13",
              release_date: date | None = None, runtime: int = 100, genres=(), **fields) -> Movie:
        self.rating(rating)
        movie = Movie(
            title=title or f"Movie {next(_counter)}", runtime_minutes=runtime, trailer_minutes=15,
            release_date=release_date or now().date() - timedelta(days=7), age_rating=rating,
            format_rows=[MovieFormat(format=f) for f in formats], genres=list(genres), **fields,
        )
        db.session.add(movie)
        db.session.commit()
        return movie

    def cinema(self, name: str | None = None, *, timezone: str = "Europe/London",
               currency: str = "GBP", **fields) -> Cinema:
        hours = {d: {"open": "00:00", "close": "24:00"}
                 for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        fields.setdefault("opening_hours", hours)
        fields.setdefault("tax_rate", Decimal("0.2"))
        cinema = Cinema(name=name or f"Cinema {next(_counter)}", timezone=timezone,
                        currency=currency, **fields)
        db.session.add(cinema)
        db.session.flush()
        for category, amount in (("standard", 1000), ("premium", 1400), ("vip", 2000),
                                 ("wheelchair", 1000), ("companion", 1000), ("love_seat", 2400)):
            db.session.add(SeatCategoryPrice(cinema_id=cinema.id, category=category,
                                             amount_minor=amount))
        db.session.commit()
        return cinema

    def screen(self, cinema: Cinema, *, name: str | None = None, rows: int = 5,
               seats_per_row: int = 10, formats=("2D",), layout: dict | None = None) -> Screen:
        screen = Screen(cinema_id=cinema.id, name=name or f"Screen {next(_counter)}",
                        formats=list(formats))
        db.session.add(screen)
        db.session.flush()
        layout = layout or {"rows": [
            {"label": chr(ord("A") + r), "seats": seats_per_row} for r in range(rows)
        ]}
        specs = build_layout(layout, SEAT_CATEGORIES)
        db.session.add_all(Seat(screen_id=screen.id, **vars(s)) for s in specs)
        screen.capacity = sum(1 for s in specs if not s.is_blocked)
        db.session.commit()
        return screen

    def showtime(self, screen: Screen, movie: Movie, *, starts_at: datetime | None = None,
                 **fields) -> Showtime:
        starts_at = starts_at or (now() + timedelta(days=1)).replace(second=0, microsecond=0)
        ends_at = starts_at + timedelta(minutes=movie.trailer_minutes + movie.runtime_minutes)
        buffer = timedelta(minutes=screen.cinema.cleaning_buffer_minutes)
        showtime = Showtime(
            movie_id=movie.id, screen_id=screen.id, cinema_id=screen.cinema_id,
            starts_at=starts_at, ends_at=ends_at, blocked_until=ends_at + buffer,
            format=fields.pop("format", screen.formats[0]), **fields,
        )
        db.session.add(showtime)
        db.session.commit()
        return showtime

    def seats(self, screen: Screen) -> list[Seat]:
        return list(db.session.scalars(
            db.select(Seat).where(Seat.screen_id == screen.id, Seat.active).order_by(Seat.id)
        ))
