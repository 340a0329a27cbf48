"""Seat categories as rows admins keep: layouts and price bounds name them, used ones stay."""

from __future__ import annotations

from app.extensions import db
from app.models import SEAT_CATEGORIES, AuditEntry, Seat


def test_admins_add_a_seat_category_layouts_then_use_which_stays_while_seats_name_it(client, factory):
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=1, seats_per_row=4)
    admin, manager = factory.user("admin"), factory.user("manager", cinemas=[cinema])
    listed = client.get("/api/seat-categories").json  # public
    assert [c["code"] for c in listed] == list(SEAT_CATEGORIES)

    body = {"code": "recliner", "name": "Recliner", "sort_order": 10}
    assert client.post("/api/seat-categories", json=body, headers=factory.headers(manager)).status_code == 403
    created = client.post("/api/seat-categories", json=body, headers=factory.headers(admin))
    assert created.status_code == 201 and created.json == body
    again = client.post("/api/seat-categories", json=body, headers=factory.headers(admin))
    assert again.status_code == 409 and again.json["reason"] == "code_taken"

    layout = {"rows": [{"label": "A", "seats": 4, "categories": {"2": "recliner", "3": "recliner"}}]}
    put = client.put(f"/api/screens/{screen.id}/seats", json=layout, headers=factory.headers(manager))
    assert put.status_code == 200, put.json
    assert sorted(db.session.scalars(db.select(Seat.category).where(Seat.screen_id == screen.id,
                                                                    Seat.active))) == [
        "recliner", "recliner", "standard", "standard"]
    recliner_seat = db.session.scalar(db.select(Seat.id).where(Seat.screen_id == screen.id, Seat.active,
                                                                Seat.category == "recliner").limit(1))
    showtime = factory.showtime(screen, factory.movie())
    quote = {"showtime_id": showtime.id, "seats": [{"seat_id": recliner_seat}]}
    assert client.post("/api/pricing/calculate", json=quote).json["reason"] == "price_missing"
    priced = client.put(f"/api/cinemas/{cinema.id}/seat-prices/recliner", json={"amount_minor": 1800},
                        headers=factory.headers(manager))
    assert priced.status_code == 200 and priced.json == {"category": "recliner", "screen_id": None,
                                                         "amount_minor": 1800}
    assert client.post("/api/pricing/calculate", json=quote).json["total_minor"] == 1800
    unknown = client.put(f"/api/screens/{screen.id}/seats", headers=factory.headers(manager),
                         json={"rows": [{"label": "A", "seats": 4, "category": "hammock"}]})
    assert unknown.status_code == 422 and "hammock" in unknown.json["message"]
    bounds = client.put(f"/api/pricing/guard-rails/{cinema.id}", headers=factory.headers(manager), json={
        "category_bounds": [{"category": "hammock", "floor_minor": 500}]})
    assert bounds.status_code == 422 and bounds.json["errors"]["category_bounds"]["0"]["category"]

    assert client.delete(f"/api/cinemas/{cinema.id}/seat-prices/recliner",
                         headers=factory.headers(manager)).status_code == 204
    in_use = client.delete("/api/seat-categories/recliner", headers=factory.headers(admin))
    assert in_use.status_code == 409 and in_use.json["reason"] == "seat_category_in_use"
    structural = client.delete("/api/seat-categories/wheelchair", headers=factory.headers(admin))
    assert structural.status_code == 409
    renamed = client.patch("/api/seat-categories/recliner", json={"name": "Recliner seat"},
                           headers=factory.headers(admin))
    assert renamed.status_code == 200 and renamed.json["name"] == "Recliner seat"
    spare = client.post("/api/seat-categories", json={"code": "sofa", "name": "Sofa"},
                        headers=factory.headers(admin))
    assert spare.status_code == 201
    assert client.delete("/api/seat-categories/sofa", headers=factory.headers(admin)).status_code == 204
    assert client.get("/api/seat-categories/sofa").status_code == 404
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)
                                 .where(AuditEntry.subject_type == "seat_category")).all()
    assert actions == ["seat_category.created", "seat_category.updated", "seat_category.created",
                       "seat_category.deleted"]
