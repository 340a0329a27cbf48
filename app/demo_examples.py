"""Swagger UI's "Try it out" examples from the demo data (``flask seed-demo``), in development.

The schemas' own field examples are neutral, and are all that production's document carries.
In development (``OPENAPI_DEMO_EXAMPLES``) the served document also gives each operation a
request that works against the demo data as it is at that moment: the demo customer's login,
the next day's first showtime and two of its free seats, dates in the cinema's today, the
If-Match of the row an edit names. It is read from the database each time the document is
served, so ids follow what was created or deleted and dates never go stale: reload /docs
after a step and the next one's example names what it made (your live hold, your booking
awaiting payment, your payment, the rule or promo code you created).

tests/integration/test_documented_examples.py sends every example, as it is, to a freshly
seeded database and expects each operation's documented success.

Over 300 lines because it is one table, an entry per operation of the API, and its small
builders: split by service, the order in which one example names what another made (hold,
booking, payment) would be spread over several modules.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app
from flask import json as flask_json
from sqlalchemy import func, select

from app.auth.schemas import EXAMPLE_PASSWORD
from app.bookings import keys
from app.bookings.seatmap import load_seat_map
from app.common.clock import now
from app.common.etags import if_match
from app.extensions import api, db, redis_client
from app.models import (
    AgeRating,
    Booking,
    BookingFee,
    BoxOfficeShift,
    Cinema,
    Genre,
    Movie,
    OptimisationRun,
    Payment,
    PricingRule,
    PromoCode,
    Screen,
    ScreenClosure,
    SeatCategory,
    Showtime,
    TaxClass,
    TicketCheckin,
    TicketType,
    User,
    movie_genres,
)
from app.seed import DEMO_PASSWORD
from app.tickets.tickets import code_of

DEMO_CUSTOMER = "customer@cinemaos.local"
# Holds and bookings name a showtime a day ahead or more: no refund cut-off or start is near.
SHOWTIME_LEAD = timedelta(days=1)


def serve_document() -> Response:
    """The view of ``/api/openapi.json`` in development: the document with the demo examples."""
    document = add_demo_examples(api.spec.to_dict())
    return current_app.response_class(flask_json.dumps(document, indent=2, sort_keys=False),
                                      mimetype="application/json")


@dataclass
class Demo:
    """What the examples name, read from the database (and Redis, for the live hold)."""

    customer: User
    staff: User
    cinema: Cinema
    today: date
    showtime: Showtime
    seat_ids: list[int]
    newest_screen: Screen
    next_free_start: datetime

    @property
    def movie(self) -> Movie:
        return self.showtime.movie


def add_demo_examples(document: dict) -> dict:
    """Give each operation of ``document`` the demo data's example request (in place)."""
    demo = _read_demo()
    if demo is None:  # no demo data: the neutral examples stay
        return document
    for item in document["paths"].values():
        for operation in item.values():
            example = _EXAMPLES.get(operation.get("operationId")) if isinstance(operation, dict) else None
            if example is not None:
                _apply(document, item, operation, example(demo))
    return document


def _read_demo() -> Demo | None:
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.like("%@cinemaos.local")))}
    customer, staff = users.get(DEMO_CUSTOMER), users.get("staff@cinemaos.local")
    if customer is None or staff is None or not staff.cinema_links:
        return None
    cinema = db.session.get(Cinema, staff.cinema_links[0].cinema_id)
    showtime = db.session.scalars(
        select(Showtime).where(Showtime.cinema_id == cinema.id, Showtime.status == "scheduled",
                               Showtime.starts_at >= now() + SHOWTIME_LEAD)
        .order_by(Showtime.starts_at, Showtime.id).limit(1)).first()
    if showtime is None:
        return None
    zone = ZoneInfo(cinema.timezone)
    last_day = db.session.scalar(select(func.max(Showtime.starts_at)).where(
        Showtime.screen_id == showtime.screen_id, Showtime.status == "scheduled"))
    free_day = last_day.astimezone(zone).date() + timedelta(days=1)
    return Demo(
        customer=customer, staff=staff, cinema=cinema, today=now().astimezone(zone).date(),
        showtime=showtime, seat_ids=_free_pair(showtime.id),
        newest_screen=_newest(Screen, Screen.cinema_id == cinema.id, Screen.archived_at.is_(None)),
        next_free_start=datetime.combine(free_day, time(12, 0), zone),
    )


def _free_pair(showtime_id: int) -> list[int]:
    """Two neighbouring free seats at the start of a row with every seat free (no gap left)."""
    rows: dict[str, list[dict]] = {}
    for seat in load_seat_map(showtime_id)["seats"]:
        rows.setdefault(seat["row"], []).append(seat)
    plain_rows_first = sorted(rows.values(), key=lambda row: (row[0]["wheelchair"] or row[0]["companion"],
                                                              row[0]["y"]))
    for seats in plain_rows_first:
        seats.sort(key=lambda seat: seat["number"])
        if len(seats) >= 2 and all(seat["status"] == "available" for seat in seats):
            return [seats[0]["id"], seats[1]["id"]]
    return []


def _newest(model, *where) -> Any:
    return db.session.scalars(select(model).where(*where).order_by(model.id.desc()).limit(1)).first()


def _hold_id(demo: Demo) -> str | None:
    return redis_client.client.get(keys.user_hold_key(demo.showtime.id, demo.customer.id))


def _booking(demo: Demo, *statuses: str) -> Booking | None:
    return _newest(Booking, Booking.user_id == demo.customer.id, Booking.status.in_(statuses))


def _payment(demo: Demo) -> Payment | None:
    return _newest(Payment, Payment.user_id == demo.customer.id, Payment.status == "succeeded")


def _unused_genre() -> Genre | None:
    used = select(movie_genres.c.genre_id)
    return _newest(Genre, Genre.id.not_in(used)) or _newest(Genre)


def _unused_rating() -> str:
    """The mildest-last rating no movie carries (NC-17 in the demo data), or the last rating."""
    ratings = select(AgeRating.code).order_by(AgeRating.sort_order.desc()).limit(1)
    unused = db.session.scalar(ratings.where(AgeRating.code.not_in(select(Movie.age_rating))))
    return unused or db.session.scalar(ratings)


# An example request: values by location ("path", "query", "header"; None takes the neutral
# example away) and the JSON body.
Request = dict[str, Any]


def _movie_request(demo: Demo, movie: Movie | None = None, **body) -> Request:
    movie = movie or demo.movie
    return {"path": {"movie_id": movie.id}, "header": {"If-Match": if_match("movie", movie)}, "body": body}


def _edit_showtime(demo: Demo, **extra) -> Request:
    showtime = _newest(Showtime, Showtime.cinema_id == demo.cinema.id, Showtime.status == "scheduled")
    return {"path": {"showtime_id": showtime.id}, "header": {"If-Match": if_match("showtime", showtime)},
            "body": {"movie_id": showtime.movie_id, "screen_id": showtime.screen_id,
                     "starts_at": showtime.starts_at.isoformat(), "format": showtime.format}, **extra}


def _rule(demo: Demo) -> Request:
    rule = _newest(PricingRule)
    return {"path": {"rule_id": rule.id}, "header": {"If-Match": if_match("rule", rule)},
            "body": _rule_body(demo)} if rule else {}


def _rule_body(demo: Demo) -> dict:
    return {"cinema_id": demo.cinema.id, "name": "Cheap Tuesday", "kind": "weekday", "multiplier": "0.7",
            "conditions": {"weekdays": [1]}, "priority": 10}


def _promo(demo: Demo) -> Request:
    promo = _newest(PromoCode)
    return {"path": {"promo_id": promo.id}, "header": {"If-Match": if_match("promo", promo)},
            "body": {**_promo_body(demo), "code": promo.code}} if promo else {}


def _promo_body(demo: Demo) -> dict:
    return {"code": "WELCOME10", "kind": "percent", "value": 10, "cinema_ids": [demo.cinema.id],
            "valid_from": now().isoformat(), "valid_until": (now() + timedelta(days=30)).isoformat()}


def _seats(demo: Demo) -> list[dict]:
    return [{"seat_id": seat_id, "ticket_type": "adult"} for seat_id in demo.seat_ids]


def _screen(demo: Demo, **body) -> Request:
    screen = demo.newest_screen
    return {"path": {"screen_id": screen.id}, "header": {"If-Match": if_match("screen", screen)},
            "body": body}


def _closure(demo: Demo) -> Request:
    closure = _newest(ScreenClosure, ScreenClosure.screen_id == demo.newest_screen.id)
    return {"path": {"screen_id": demo.newest_screen.id, "closure_id": closure.id}} if closure else {}


def _payment_request(demo: Demo) -> Request:
    payment = _payment(demo)
    return {"path": {"payment_id": payment.id}, "query": {"number": None}} if payment else {}


def _pay(demo: Demo) -> Request:
    booking = _booking(demo, "pending_payment")
    return {"header": {"Idempotency-Key": str(uuid.uuid4())},
            "body": {"booking_id": booking.id, "payment_method": "pm_card_visa"}} if booking else {}


def _refund(demo: Demo) -> Request:
    booking = _booking(demo, "confirmed")
    return {"header": {"Idempotency-Key": str(uuid.uuid4())},
            "body": {"booking_id": booking.id, "reason": "requested_by_customer"}} if booking else {}


def _one_booking(demo: Demo) -> Request:
    booking = _booking(demo, "pending_payment", "confirmed", "cancelled")
    return {"path": {"booking_id": booking.id}} if booking else {}


def _cancel(demo: Demo) -> Request:
    booking = _booking(demo, "pending_payment", "confirmed")
    return {"path": {"booking_id": booking.id}} if booking else {}


def _door(demo: Demo, body: Callable[[str], dict]) -> Request:
    """At the door of the demo customer's paid booking's showtime, ``body`` of its first ticket's
    code (the show is a day away or more: a live scan overrides ``too_early``)."""
    booking = _booking(demo, "confirmed")
    return {"path": {"showtime_id": booking.showtime_id},
            "body": body(code_of(booking.seats[0]))} if booking else {}


def _admitted(demo: Demo) -> Request:
    checkin = _newest(TicketCheckin)
    return {"path": {"ticket_id": checkin.booking_seat_id}} if checkin else {}


def _hold(demo: Demo) -> Request:
    hold_id = _hold_id(demo)
    return {"path": {"hold_id": hold_id}, "body": {"hold_id": hold_id}} if hold_id else {}


def _schedule_job(demo: Demo) -> Request:
    run = _newest(OptimisationRun, OptimisationRun.cinema_id == demo.cinema.id)
    return {"path": {"job_id": run.id}} if run else {}


def _cinema(demo: Demo, cinema: Cinema | None = None, **body) -> Request:
    cinema = cinema or demo.cinema
    return {"path": {"cinema_id": cinema.id}, "header": {"If-Match": if_match("cinema", cinema)},
            "body": body}


def _new_cinema_body() -> dict:
    return {"name": "CinemaOS Soho", "address": "5 Dean St", "city": "London", "postal_code": "W1D 3RQ",
            "country": "GB", "timezone": "Europe/London", "currency": "GBP", "tax_rate": "0.2",
            "opening_hours": {day: {"open": "10:00", "close": "23:30"}
                              for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}


def _cinema_row(demo: Demo, model, name: str, **request) -> Request:
    """The demo cinema's newest row of ``model`` (a ticket type, fee or tax class)."""
    row = _newest(model, model.cinema_id == demo.cinema.id)
    return {"path": {"cinema_id": demo.cinema.id, name: row.id}, **request} if row else {}


def _newest_seat_category() -> Request:
    """The category added last (the demo's own come first): deleting it leaves the six."""
    code = db.session.scalar(select(SeatCategory.code).order_by(SeatCategory.sort_order.desc(),
                                                                SeatCategory.code.desc()).limit(1))
    return {"path": {"category_code": code}}


def _screen_seat_price(demo: Demo) -> dict:
    """The newest category's price at the demo showtime's screen."""
    category = _newest_seat_category()["path"]
    return {"cinema_id": demo.cinema.id, "screen_id": demo.showtime.screen_id, **category}


def _free_seat_category() -> str:
    taken = set(db.session.scalars(select(SeatCategory.code)))
    return next(code for code in ("recliner", *(f"recliner_{n}" for n in range(2, 1000)))
                if code not in taken)


def _free_code(model, demo: Demo, code: str) -> str:
    """``code``, or ``code_2``... when the demo cinema has it already (a second try creates again)."""
    taken = set(db.session.scalars(select(model.code).where(model.cinema_id == demo.cinema.id)))
    return next(candidate for candidate in (code, *(f"{code}_{n}" for n in range(2, 1000)))
                if candidate not in taken)


def _shift(demo: Demo, **request) -> Request:
    shift = _newest(BoxOfficeShift, BoxOfficeShift.cinema_id == demo.cinema.id)
    return {"path": {"shift_id": shift.id}, **request} if shift else {}


def _walk_in_sale(demo: Demo) -> Request:
    return _shift(demo, header={"Idempotency-Key": str(uuid.uuid4())},
                  body={"showtime_id": demo.showtime.id, "seat_ids": demo.seat_ids,
                        "customer_email": "guest@example.com",
                        "tender": {"method": "cash", "tendered_minor": 5000}})


def _counter_booking(demo: Demo) -> Request:
    booking = _newest(Booking, Booking.sales_channel == "box_office", Booking.status == "confirmed")
    return _shift(demo, header={"Idempotency-Key": str(uuid.uuid4())},
                  body={"booking_id": booking.id}) if booking else {}


_EXAMPLES: dict[str, Callable[[Demo], Request]] = {
    # auth and users
    "register": lambda d: {"body": {"email": "new.customer@example.com", "password": EXAMPLE_PASSWORD,
                                    "full_name": "New Customer"}},
    "login": lambda d: {"body": {"email": DEMO_CUSTOMER, "password": DEMO_PASSWORD}},
    "forgotPassword": lambda d: {"body": {"email": DEMO_CUSTOMER}},
    "listUsers": lambda d: {"query": {"role": "staff", "is_active": True, "search": "demo",
                                      "cinema_id": d.cinema.id}},
    "getUser": lambda d: {"path": {"user_id": d.staff.id}},
    "updateUser": lambda d: {"path": {"user_id": d.staff.id},
                             "body": {"role": "staff", "is_active": True, "cinema_ids": [d.cinema.id]}},
    # catalogue
    "listMovies": lambda d: {"query": {
        "q": d.movie.title, "genre": None, "age_rating": None, "suitable_for_age": None,
        "language": None, "format": None, "released_from": (d.today - timedelta(days=90)).isoformat(),
        "released_to": d.today.isoformat(), "showing": "now_showing", "cinema_id": d.cinema.id,
        "date": d.showtime.starts_at.astimezone(ZoneInfo(d.cinema.timezone)).date().isoformat()}},
    "createMovie": lambda d: {"body": {
        "title": "The Projectionist", "runtime_minutes": 104,
        "release_date": (d.today + timedelta(days=14)).isoformat(),
        "end_of_run": (d.today + timedelta(days=70)).isoformat(), "language": "en", "age_rating": "PG",
        "genre_ids": [g.id for g in d.movie.genres], "formats": ["2D"],
        "synopsis": "A night projectionist keeps a small cinema running."}},
    "getMovie": lambda d: {"path": {"movie_id": d.movie.id}},
    "updateMovie": lambda d: _movie_request(d, synopsis=d.movie.synopsis),
    "deleteMovie": lambda d: _movie_request(d, _newest(Movie, Movie.archived_at.is_(None))),
    "deleteMoviePoster": lambda d: {"path": {"movie_id": d.movie.id}},
    "getGenre": lambda d: {"path": {"genre_id": d.movie.genres[0].id}},
    "createGenre": lambda d: {"body": {"name": "Musical"}},
    "updateGenre": lambda d: {"path": {"genre_id": d.movie.genres[0].id},
                              "body": {"name": d.movie.genres[0].name}},
    "deleteGenre": lambda d: {"path": {"genre_id": _unused_genre().id}},
    "createAgeRating": lambda d: {"body": {"code": "12A", "name": "Twelve and over, or accompanied",
                                           "min_age": 12, "family_friendly": False, "sort_order": 6}},
    "getAgeRating": lambda d: {"path": {"code": d.movie.age_rating}},
    "updateAgeRating": lambda d: {"path": {"code": d.movie.age_rating},
                                  "body": {"code": d.movie.age_rating}},
    "deleteAgeRating": lambda d: {"path": {"code": _unused_rating()}},
    # venues
    "listCinemas": lambda d: {"query": {"city": d.cinema.city}},
    "createCinema": lambda d: {"body": _new_cinema_body()},
    "getCinema": lambda d: {"path": {"cinema_id": d.cinema.id}},
    "updateCinema": lambda d: _cinema(d, city=d.cinema.city),
    "deleteCinema": lambda d: _cinema(d, _newest(Cinema, Cinema.archived_at.is_(None))),
    "listCinemaScreens": lambda d: {"path": {"cinema_id": d.cinema.id}},
    "createCinemaScreen": lambda d: {"path": {"cinema_id": d.cinema.id},
                                     "body": {"name": "Screen 9", "formats": ["2D"], "hearing_loop": True}},
    "getScreen": lambda d: {"path": {"screen_id": d.showtime.screen_id}},
    "updateScreen": lambda d: _screen(d, hearing_loop=True),
    "deleteScreen": lambda d: _screen(d),
    "getSeatLayout": lambda d: {"path": {"screen_id": d.showtime.screen_id}},
    "replaceSeatLayout": lambda d: {"path": {"screen_id": d.newest_screen.id}, "header": {"If-Match": None},
                                    "body": {"rows": [
                                        {"label": "A", "seats": 10, "aisles_after": [5],
                                         "wheelchair": [1], "companion": [2]},
                                        {"label": "B", "seats": 10, "aisles_after": [5]},
                                        {"label": "C", "seats": 10, "aisles_after": [5],
                                         "category": "premium"}]}},
    # scheduling
    "scheduleShowtime": lambda d: {"body": {
        "movie_id": d.showtime.movie_id, "screen_id": d.showtime.screen_id,
        "starts_at": d.next_free_start.isoformat(), "format": d.showtime.format}},
    "checkShowtimeSlot": lambda d: {"body": {
        "movie_id": d.showtime.movie_id, "screen_id": d.showtime.screen_id,
        "starts_at": d.next_free_start.isoformat(), "format": d.showtime.format, "showtime_id": None}},
    "getScheduledShowtime": lambda d: _edit_showtime(d),
    "updateShowtime": lambda d: _edit_showtime(d),
    "cancelShowtime": lambda d: _edit_showtime(d),
    "getCinemaSchedule": lambda d: {"path": {"cinema_id": d.cinema.id},
                                    "query": {"date": d.today.isoformat()}},
    # reports
    "getSalesReport": lambda d: {"query": {"cinema_id": d.cinema.id, "start_date": d.today.isoformat(),
                                           "days": 7, "group_by": "day"}},
    "listShowtimes": lambda d: {"query": {
        "movie_id": d.showtime.movie_id, "cinema_id": d.cinema.id,
        "date": d.showtime.starts_at.astimezone(ZoneInfo(d.cinema.timezone)).date().isoformat()}},
    "getShowtime": lambda d: {"path": {"showtime_id": d.showtime.id}},
    "listScreenClosures": lambda d: {"path": {"screen_id": d.newest_screen.id}},
    "createScreenClosure": lambda d: {"path": {"screen_id": d.newest_screen.id}, "body": {
        "starts_at": (d.next_free_start + timedelta(days=1)).isoformat(),
        "ends_at": (d.next_free_start + timedelta(days=1, hours=4)).isoformat(),
        "reason": "Projector maintenance"}},
    "deleteScreenClosure": _closure,
    "generateSchedule": lambda d: {"body": {
        "cinema_id": d.cinema.id, "start_date": d.next_free_start.date().isoformat(), "days": 1,
        "movie_ids": [d.showtime.movie_id], "dry_run": True}},
    "getScheduleJob": _schedule_job,
    # seats, holds and bookings
    "getSeatMap": lambda d: {"path": {"showtime_id": d.showtime.id}},
    "holdSeats": lambda d: {"body": {"showtime_id": d.showtime.id, "seat_ids": d.seat_ids}},
    "releaseHold": _hold,
    "createBooking": _hold,
    "listBookings": lambda d: {"query": {"showtime_id": d.showtime.id, "status": None, "reference": None}},
    "getBooking": _one_booking,
    "cancelBooking": _cancel,
    # pricing
    "calculatePrices": lambda d: {"body": {"showtime_id": d.showtime.id, "seats": _seats(d)}},
    "validatePromoCode": lambda d: {"body": {"showtime_id": d.showtime.id, "seats": _seats(d),
                                             "promo_code": "WELCOME10"}},
    "listPricingRules": lambda d: {"query": {"cinema_id": d.cinema.id}},
    "createPricingRule": lambda d: {"body": _rule_body(d)},
    "getPricingRule": _rule,
    "updatePricingRule": _rule,
    "deletePricingRule": _rule,
    "createPromoCode": lambda d: {"body": _promo_body(d)},
    "getPromoCode": _promo,
    "updatePromoCode": _promo,
    "deletePromoCode": _promo,
    "getPriceHistory": lambda d: {"path": {"showtime_id": d.showtime.id}},
    "getCinemaGuardRails": lambda d: {"path": {"cinema_id": d.cinema.id}},
    "updateCinemaGuardRails": lambda d: {"path": {"cinema_id": d.cinema.id}, "body": {
        "category_bounds": [], "max_daily_change_bp": 1500, "no_rise_hours": 4, "only_fall": False}},
    "freezePrice": lambda d: {"path": {"showtime_id": d.showtime.id}, "body": {"frozen": False}},
    # seat categories, and a cinema's ticket types, booking fees and tax classes
    "createSeatCategory": lambda d: {"body": {"code": _free_seat_category(), "name": "Recliner",
                                              "sort_order": 10}},
    "getSeatCategory": lambda d: _newest_seat_category(),
    "updateSeatCategory": lambda d: {**_newest_seat_category(), "body": {"name": "Recliner seat"}},
    "deleteSeatCategory": lambda d: _newest_seat_category(),
    "listSeatPrices": lambda d: {"path": {"cinema_id": d.cinema.id}},
    "updateSeatPrice": lambda d: {"path": {"cinema_id": d.cinema.id, **_newest_seat_category()["path"]},
                                  "body": {"amount_minor": 1800}},
    "deleteSeatPrice": lambda d: {"path": {"cinema_id": d.cinema.id, **_newest_seat_category()["path"]}},
    "updateScreenSeatPrice": lambda d: {"path": _screen_seat_price(d), "body": {"amount_minor": 1900}},
    "deleteScreenSeatPrice": lambda d: {"path": _screen_seat_price(d)},
    "listTicketTypes": lambda d: {"path": {"cinema_id": d.cinema.id}},
    "createTicketType": lambda d: {"path": {"cinema_id": d.cinema.id}, "body": {
        "code": _free_code(TicketType, d, "member"), "name": "Member", "multiplier": "0.8",
        "proof_required": "Membership card", "channels": ["online"]}},
    "getTicketType": lambda d: _cinema_row(d, TicketType, "ticket_type_id"),
    "updateTicketType": lambda d: _cinema_row(d, TicketType, "ticket_type_id", body={"multiplier": "0.75"}),
    "deleteTicketType": lambda d: _cinema_row(d, TicketType, "ticket_type_id"),
    "listBookingFees": lambda d: {"path": {"cinema_id": d.cinema.id}},
    "createBookingFee": lambda d: {"path": {"cinema_id": d.cinema.id}, "body": {
        "name": "Online booking fee", "amount_minor": 75, "per": "order", "channel": "online"}},
    "getBookingFee": lambda d: _cinema_row(d, BookingFee, "fee_id"),
    "updateBookingFee": lambda d: _cinema_row(d, BookingFee, "fee_id", body={"amount_minor": 80}),
    "deleteBookingFee": lambda d: _cinema_row(d, BookingFee, "fee_id"),
    "listTaxClasses": lambda d: {"path": {"cinema_id": d.cinema.id}},
    "createTaxClass": lambda d: {"path": {"cinema_id": d.cinema.id}, "body": {
        "code": _free_code(TaxClass, d, "reduced"), "name": "Reduced rate", "rate": "0.0500"}},
    "getTaxClass": lambda d: _cinema_row(d, TaxClass, "tax_class_id"),
    "updateTaxClass": lambda d: _cinema_row(d, TaxClass, "tax_class_id", body={"rate": "0.0550"}),
    "deleteTaxClass": lambda d: _cinema_row(d, TaxClass, "tax_class_id"),
    # payments
    "processPayment": _pay,
    "getPayment": _payment_request,
    "getPaymentInvoice": _payment_request,
    "getPaymentInvoiceLink": _payment_request,
    "refundPayment": _refund,
    # tickets and the door
    "listBookingTickets": _one_booking,
    "getBookingTicketsPdf": _one_booking,
    "checkInTicket": lambda d: _door(d, lambda code: {"code": code, "device": "door-1",
                                                      "override_too_early": True}),
    "uploadOfflineScans": lambda d: _door(d, lambda code: {"scans": [
        {"code": code, "scanned_at": now().isoformat(), "device": "door-2"}]}),
    "getShowtimeAdmissions": lambda d: {"path": {"showtime_id": d.showtime.id}},
    "getShowtimeCheckinList": lambda d: {"path": {"showtime_id": d.showtime.id}},
    "undoCheckin": _admitted,
    # the audit trail
    "listAuditEntries": lambda d: {"query": {
        "cinema_id": d.cinema.id, "action": None, "actor_id": None, "subject_type": None,
        "subject_id": None, "since": None, "until": None}},
    # box office
    "openShift": lambda d: {"body": {"cinema_id": d.cinema.id, "opening_float_minor": 10000}},
    "listShifts": lambda d: {"query": {"cinema_id": d.cinema.id, "status": "open"}},
    "getShift": _shift,
    "sellToWalkIn": _walk_in_sale,
    "voidSale": _counter_booking,
    "refundAtCounter": _counter_booking,
    "cashUpShift": lambda d: _shift(d, body={"counted_cash_minor": 14950}),
    "getShiftReport": _shift,
}


def _apply(document: dict, item: dict, operation: dict, request: Request) -> None:
    """Write ``request`` into ``operation``: parameter examples, and its JSON body's example."""
    for location in ("path", "query", "header"):
        for name, value in request.get(location, {}).items():
            _set_parameter_example(document, item, operation, location, name, value)
    if "body" in request and request["body"]:
        content = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if content is not None:
            content["example"] = request["body"]


def _set_parameter_example(document: dict, item: dict, operation: dict, location: str, name: str,
                           value: Any) -> None:
    """Give the parameter its example on this operation alone (a path's parameters are shared by
    its operations, a component's by many: the operation gets its own copy, which wins)."""
    def named(parameter: dict) -> bool:
        resolved = _resolve(document, parameter)
        return resolved["in"] == location and resolved["name"] == name

    parameters = operation.setdefault("parameters", [])
    index = next((i for i, parameter in enumerate(parameters) if named(parameter)), None)
    if index is None:
        shared = [parameter for parameter in item.get("parameters", []) if named(parameter)]
        if not shared:
            return
        parameters.append(shared[0])
        index = len(parameters) - 1
    own = {**_resolve(document, parameters[index])}
    own["schema"] = {key: val for key, val in own.get("schema", {}).items() if key != "example"}
    own.pop("example", None)
    if value is not None:
        own["example"] = value
    parameters[index] = own


def _resolve(document: dict, node: dict) -> dict:
    if "$ref" not in node:
        return node
    target: Any = document
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return target
