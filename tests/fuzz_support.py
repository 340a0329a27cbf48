"""Data for the fuzzer (tests/e2e/test_fuzz_openapi.py): the demo catalogue plus one of each
thing the demo leaves out, made through the API so each starts from a real state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.common import clock
from app.common.clock import now
from app.extensions import db
from app.models import ROLES, Showtime, User
from app.seed import CINEMAS, seed_demo


@dataclass(frozen=True)
class Credentials:
    """What a signed-in caller of a role sends: its access token, and the refresh cookie and
    CSRF value of a session of its own (so a refresh that revokes its family, as reuse does,
    never touches the access token)."""

    access_token: str
    refresh_cookie: str
    csrf_token: str


def seed_fuzz_data(client, factory) -> dict[str, Credentials]:
    """Seed the database and return the credentials of each role.

    After it, id 1 names a cinema, screen, movie, genre, showtime, seat, user, booking (the
    customer's, paid), payment, pricing rule, promo code and closure; most kinds have more.
    """
    _to_the_start_of_the_first_demo_day()
    logins = seed_demo()
    users = {role: db.session.scalar(db.select(User).filter_by(role=role)) for role in ROLES}
    credentials = {role: _credentials(client, factory, users[role], *logins[role]) for role in ROLES}
    bearer = {role: {"Authorization": f"Bearer {c.access_token}"} for role, c in credentials.items()}

    def ok(response, status: int) -> dict:
        assert response.status_code == status, response.get_json()
        return response.get_json()

    # The booking is for the last showtime, so the first ones (small ids) stay free to hold.
    showtime = db.session.scalar(db.select(Showtime).order_by(Showtime.id.desc()))
    seats = ok(client.get(f"/api/showtimes/{showtime.id}/seats"), 200)["seats"]
    hold = ok(client.post("/api/bookings/hold", headers=bearer["customer"], json={
        "showtime_id": showtime.id, "seat_ids": [s["id"] for s in seats[:2]]}), 201)
    booking = ok(client.post("/api/bookings", headers=bearer["customer"],
                             json={"hold_id": hold["hold_id"]}), 201)
    ok(client.post("/api/payments/process", headers=bearer["customer"],
                   json={"booking_id": booking["id"], "payment_method": "pm_card_visa"}), 200)

    ok(client.post("/api/pricing/rules", headers=bearer["admin"], json={
        "name": "Cheap Tuesday", "kind": "weekday", "multiplier": "0.8",
        "conditions": {"weekdays": [1]}}), 201)
    ok(client.post("/api/pricing/promocodes", headers=bearer["admin"], json={
        "code": "WELCOME10", "kind": "percent", "value": 10}), 201)
    closure_day = (now() + timedelta(days=30)).replace(hour=6, minute=0, second=0, microsecond=0)
    ok(client.post(f"/api/screens/{showtime.screen_id}/closures", headers=bearer["admin"], json={
        "starts_at": closure_day.isoformat(), "ends_at": (closure_day + timedelta(hours=2)).isoformat(),
        "reason": "Projector maintenance"}), 201)
    return credentials


def _to_the_start_of_the_first_demo_day() -> None:
    """The demo schedules from 10:30 local today; the ids the fuzzer favours are the first
    showtimes of the first cinema, which would have started later in the day. The clock goes
    back to that cinema's midnight, so they are all ahead (the test's teardown resets it)."""
    zone = ZoneInfo(CINEMAS[0]["timezone"])
    midnight = datetime.combine(now().astimezone(zone).date(), time(0), zone)
    clock.advance(midnight - now())


def _credentials(client, factory, user: User, email: str, password: str) -> Credentials:
    login = client.post("/api/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.get_json()
    refresh = client.get_cookie("refresh_token_cookie", path="/api/auth")
    client.delete_cookie("refresh_token_cookie", path="/api/auth")
    return Credentials(factory.token(user), refresh.value, login.get_json()["refresh_csrf_token"])
