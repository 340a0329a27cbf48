"""The repricing job in a real RQ worker: prices follow bookings and the seat map shows them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import create_app
from app.common.clock import now
from app.extensions import db
from app.models import Booking, BookingSeat, PriceChange
from tests.conftest import settings_for_tests
from tests.workers_support import start_worker
from workers import jobs
from workers.queues import enqueue


@pytest.mark.slow
def test_the_pricing_worker_reprices_and_the_seat_map_shows_it_at_once(app, client, factory, tmp_path):
    cinema = factory.cinema()
    screen = factory.screen(cinema, rows=4, seats_per_row=10)
    movie = factory.movie(release_date=now().date())
    showtime = factory.showtime(screen, movie,
                                starts_at=(now() + timedelta(hours=20)).replace(second=0, microsecond=0))
    seat_map = client.get(f"/api/showtimes/{showtime.id}/seats").json["seats"]
    before = {s["id"]: s["price_minor"] for s in seat_map}

    buyer = factory.user()
    booking = Booking(reference="PACE-01", user_id=buyer.id, showtime_id=showtime.id, currency="GBP",
                      status="confirmed")
    db.session.add(booking)
    db.session.flush()
    db.session.add_all(BookingSeat(booking_id=booking.id, showtime_id=showtime.id, seat_id=seat.id,
                                   category=seat.category, price_minor=1000)
                       for seat in factory.seats(screen)[:34])
    db.session.commit()

    with create_app(settings_for_tests(RQ_ASYNC=True)).app_context():
        job = enqueue("pricing", jobs.reprice_upcoming_showtimes)
    worker = start_worker("pricing", burst=True, log=tmp_path / "worker.log")
    assert worker.wait(timeout=120) == 0
    db.session.expire_all()
    assert db.session.query(PriceChange).filter_by(showtime_id=showtime.id).count() == 1, \
        (tmp_path / "worker.log").read_text()[-2000:]
    with create_app(settings_for_tests(RQ_ASYNC=True)).app_context():
        job.refresh()
        assert job.get_status().value == "finished" and job.return_value()["changed"] == 1

    after = client.get(f"/api/showtimes/{showtime.id}/seats").json["seats"]
    free = [s for s in after if s["status"] == "available"]
    assert free and all(s["price_minor"] > before[s["id"]] for s in free)
