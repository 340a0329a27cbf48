"""Demo data for ``flask seed-demo``: safe to run again (it adds only what is missing)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.auth.passwords import hash_password
from app.cinemas.layout import build_layout
from app.cinemas.seat_categories import known_categories
from app.common.clock import now
from app.common.unit_of_work import use_case
from app.demo_schedule import seed_showtimes
from app.extensions import db
from app.models import (
    AgeRating,
    Cinema,
    Genre,
    Movie,
    MovieFormat,
    Screen,
    Seat,
    SeatCategoryPrice,
    User,
    UserCinema,
)

DEMO_PASSWORD = "Demo-pass-2026"

AGE_RATINGS = [
    ("G", "General audiences", 0, True, 1),
    ("PG", "Parental guidance suggested", 0, True, 2),
    ("PG-13", "Parents strongly cautioned", 13, False, 3),
    ("R", "Restricted", 17, False, 4),
    ("NC-17", "Adults only", 18, False, 5),
]
GENRES = ["Action", "Adventure", "Animation", "Comedy", "Drama", "Family", "Horror",
          "Romance", "Science Fiction", "Thriller", "Documentary", "Fantasy"]

# title, original title, runtime, rating, language, formats, genres, days since release
MOVIES = [
    ("Orbit of Ashes", None, 148, "PG-13", "en", ["2D", "3D", "IMAX"], ["Science Fiction", "Action"], 3),
    ("The Lighthouse Keeper's Daughter", None, 112, "PG", "en", ["2D"], ["Drama", "Family"], 10),
    ("Paper Dragons", None, 94, "G", "en", ["2D", "3D"], ["Animation", "Family", "Adventure"], 17),
    ("Midnight at the Cannery", None, 101, "R", "en", ["2D"], ["Horror", "Thriller"], 5),
    ("Le Dernier Métro de Minuit", "Le Dernier Métro de Minuit", 118, "PG-13", "fr", ["2D"],
     ["Romance", "Drama"], 24),
    ("Velocity Protocol", None, 131, "PG-13", "en", ["2D", "IMAX", "4DX"], ["Action", "Thriller"], 1),
    ("Grandma Goes to Mars", None, 89, "G", "en", ["2D", "3D"], ["Animation", "Comedy", "Family"], 31),
    ("Salt and Stone", None, 126, "R", "en", ["2D"], ["Drama"], 45),
    ("Die Stille Stadt", "Die Stille Stadt", 105, "PG-13", "de", ["2D"], ["Thriller", "Drama"], 12),
    ("The Cartographer's Folly", None, 139, "PG", "en", ["2D", "IMAX"], ["Adventure", "Fantasy"], 8),
    ("Laugh Track", None, 97, "PG-13", "en", ["2D"], ["Comedy"], 20),
    ("Deep Blue Silence", None, 92, "G", "en", ["2D", "IMAX"], ["Documentary"], -6),
]

CINEMAS = [
    {
        "name": "CinemaOS Leicester Square", "address_line": "5 Leicester Square", "city": "London",
        "postal_code": "WC2H 7NA", "country": "GB", "timezone": "Europe/London", "currency": "GBP",
        "tax_rate": Decimal("0.2000"), "vat_number": "GB123456789", "cleaning_buffer_minutes": 20,
        "concession_per_visitor_minor": 450,
        "prices": {"standard": 1250, "premium": 1650, "vip": 2200, "wheelchair": 1250, "companion": 1250},
        "screens": [("Screen 1 IMAX", ["2D", "3D", "IMAX"], 14, 24), ("Screen 2", ["2D", "3D"], 10, 16),
                    ("Screen 3", ["2D"], 8, 12)],
    },
    {
        "name": "CinemaOS Brooklyn", "address_line": "445 Albee Square", "city": "New York",
        "postal_code": "11201", "country": "US", "timezone": "America/New_York", "currency": "USD",
        "tax_rate": Decimal("0.0888"), "vat_number": None, "cleaning_buffer_minutes": 15,
        "concession_per_visitor_minor": 600,
        "prices": {"standard": 1600, "premium": 1950, "vip": 2600, "wheelchair": 1600, "companion": 1600},
        "screens": [("Hall A", ["2D", "IMAX", "4DX"], 12, 20), ("Hall B", ["2D", "3D"], 9, 14)],
    },
]

# Film rent in basis points by week of the run: the distributor's share falls as the film ages.
RENT_BY_WEEK_BP = [6000, 5000, 4500, 4000, 3500]

OPENING_HOURS = {day: {"open": "10:00", "close": "23:30"} for day in ("mon", "tue", "wed", "thu", "sun")}
OPENING_HOURS |= {"fri": {"open": "10:00", "close": "01:00"}, "sat": {"open": "09:30", "close": "01:00"}}


@use_case
def seed_demo() -> dict[str, tuple[str, str]]:
    """Create whatever demo data is missing and return the demo credentials per role (one
    transaction: a seed that fails half-way leaves nothing half-made)."""
    _seed_ratings_and_genres()
    movies = _seed_movies()
    cinemas = [_seed_cinema(spec) for spec in CINEMAS]
    credentials = _seed_users(cinemas[0])
    box_office = _walk_in_customer()
    db.session.flush()
    for cinema in cinemas:
        seed_showtimes(cinema, movies, box_office.id)
    return credentials


def _walk_in_customer() -> User:
    """Who the past weeks' box-office sales are booked to (nobody logs in as it)."""
    email = "box-office@cinemaos.local"
    user = db.session.execute(select(User).filter_by(email=email)).scalar_one_or_none()
    if user is None:
        user = User(email=email, full_name="Box office sales", role="customer",
                    password_hash=hash_password(secrets.token_urlsafe(24)))
        db.session.add(user)
    return user


def _get_or_add(model, lookup: dict, **values):
    found = db.session.execute(select(model).filter_by(**lookup)).scalar_one_or_none()
    if found is not None:
        return found
    row = model(**lookup, **values)
    db.session.add(row)
    return row


def _seed_ratings_and_genres() -> None:
    for code, name, min_age, family, order in AGE_RATINGS:
        _get_or_add(AgeRating, {"code": code}, name=name, min_age=min_age,
                    family_friendly=family, sort_order=order)
    for name in GENRES:
        _get_or_add(Genre, {"slug": name.lower().replace(" ", "-")}, name=name)
    db.session.flush()


def _seed_movies() -> list[Movie]:
    genres = {g.name: g for g in db.session.scalars(select(Genre))}
    today = now().date()
    movies = []
    for title, original, runtime, rating, language, formats, genre_names, age_days in MOVIES:
        movie = db.session.execute(select(Movie).filter_by(title=title)).scalar_one_or_none()
        if movie is None:
            movie = Movie(
                title=title, original_title=original, runtime_minutes=runtime, trailer_minutes=15,
                release_date=today - timedelta(days=age_days), language=language, age_rating=rating,
                synopsis=f"{title}: a demo film of the CinemaOS catalogue.",
                genres=[genres[name] for name in genre_names],
                format_rows=[MovieFormat(format=f) for f in formats], rent_by_week_bp=RENT_BY_WEEK_BP,
                trailer_url="https://example.com/trailers/" + title.lower().replace(" ", "-"),
            )
            db.session.add(movie)
        movies.append(movie)
    db.session.flush()
    return movies


def _demo_layout(rows: int, seats_per_row: int) -> dict:
    """Standard seats in front, premium in the back third, wheelchair spaces in the front row."""
    aisles = [seats_per_row // 4, seats_per_row - seats_per_row // 4]
    layout = []
    for index in range(rows):
        row = {"label": chr(ord("A") + index), "seats": seats_per_row, "aisles_after": aisles,
               "category": "premium" if index >= rows - rows // 3 else "standard"}
        if index == 0:
            row |= {"wheelchair": [1, seats_per_row], "companion": [2, seats_per_row - 1]}
        layout.append(row)
    return {"rows": layout}


def _seed_cinema(spec: dict) -> Cinema:
    cinema = db.session.execute(select(Cinema).filter_by(name=spec["name"])).scalar_one_or_none()
    if cinema is not None:
        return cinema
    fields = {k: v for k, v in spec.items() if k not in ("prices", "screens")}
    cinema = Cinema(**fields, opening_hours=OPENING_HOURS)
    db.session.add(cinema)
    db.session.flush()
    for category, amount in spec["prices"].items():
        db.session.add(SeatCategoryPrice(cinema_id=cinema.id, category=category, amount_minor=amount))
    for name, formats, rows, per_row in spec["screens"]:
        screen = Screen(cinema_id=cinema.id, name=name, formats=formats, hearing_loop=True)
        db.session.add(screen)
        db.session.flush()
        specs = build_layout(_demo_layout(rows, per_row), known_categories())
        db.session.add_all(Seat(screen_id=screen.id, **vars(s)) for s in specs)
        screen.capacity = sum(1 for s in specs if not s.is_blocked)
    return cinema


def _seed_users(home_cinema: Cinema) -> dict[str, tuple[str, str]]:
    credentials = {}
    for role in ("customer", "staff", "manager", "admin"):
        email = f"{role}@cinemaos.local"
        user = db.session.execute(select(User).filter_by(email=email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, full_name=f"Demo {role.title()}", role=role,
                        password_hash=hash_password(DEMO_PASSWORD), email_verified_at=now())
            if role in ("staff", "manager"):
                user.cinema_links = [UserCinema(cinema_id=home_cinema.id)]
            db.session.add(user)
        credentials[role] = (email, DEMO_PASSWORD)
    return credentials
