"""Data for the fuzzer (tests/e2e/test_fuzz_openapi.py): the demo catalogue plus one of each
thing the demo leaves out, made through the API so each starts from a real state."""

from __future__ import annotations

from datetime import timedelta

from app.common.clock import now
from app.extensions import db
from app.models import ROLES, Showtime, User
from app.seed import seed_demo


def seed_fuzz_data(client, factory) -> dict[str, str]:
    """Seed the database and return an access token per role.

    After it, id 1 names a cinema, screen, movie, genre, showtime, seat, user, booking (the
    customer's, paid), payment, pricing rule, promo code and closure; most kinds have more.
    """
    seed_demo()
    users = {role: db.session.scalar(db.select(User).filter_by(role=role)) for role in ROLES}
    tokens = {role: factory.token(user) for role, user in users.items()}
    bearer = {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}

    def ok(response, status: int) -> dict:
        assert response.status_code == status, response.get_json()
        return response.get_json()

    showtime = db.session.scalar(
        db.select(Showtime).where(Showtime.starts_at > now() + timedelta(hours=2))
        .order_by(Showtime.id))
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
    return tokens
