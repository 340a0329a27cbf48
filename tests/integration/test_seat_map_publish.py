"""Every change to a seat map is published on ``seatmap:<showtime id>`` with the map's new
generation, for the live seat-map service (``realtime/``) to push to open pages.

Pub/sub ignores Redis's database number, so another test run on the same Redis may publish on
the same channel: the checks look for this test's messages among whatever arrives.
"""

from __future__ import annotations

import json
import time

import pytest

from app.bookings import keys
from app.bookings.seatmap import invalidate_seat_map, rewarm_seat_maps
from app.extensions import db, redis_client
from app.models import Cinema


@pytest.fixture
def showtime(factory):
    screen = factory.screen(factory.cinema(), rows=2, seats_per_row=4)
    return factory.showtime(screen, factory.movie()), factory.seats(screen)


@pytest.fixture
def published(showtime):
    """The messages published on the showtime's channel, read on demand."""
    pubsub = redis_client.client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(f"seatmap:{showtime[0].id}")
    pubsub.get_message(timeout=1)  # the subscription's confirmation

    def read() -> list[dict]:
        messages, deadline = [], time.monotonic() + 0.3
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=0.1)
            if message:
                messages.append(json.loads(message["data"]))
        return messages

    yield read
    pubsub.close()


def _generation(showtime_id: int) -> int:
    return int(redis_client.client.get(keys.seat_map_generation_key(showtime_id)))


def test_a_hold_and_its_release_are_published_with_the_new_generation(client, factory, showtime, published):
    screening, seats = showtime
    customer = factory.user()
    held = client.post("/api/bookings/hold", json={"showtime_id": screening.id, "seat_ids": [seats[0].id]},
                       headers=factory.headers(customer))
    assert held.status_code == 201
    after_hold = _generation(screening.id)
    client.delete(f"/api/bookings/hold/{held.json['hold_id']}", headers=factory.headers(customer))
    after_release = _generation(screening.id)

    messages = published()
    assert {"showtime_id": screening.id, "generation": after_hold} in messages
    assert {"showtime_id": screening.id, "generation": after_release} in messages
    assert after_release > after_hold


def test_changes_made_outside_the_hold_scripts_are_published_too(app, showtime, published):
    screening, _ = showtime
    with app.app_context():
        invalidate_seat_map(screening.id)
        first = _generation(screening.id)
        rewarm_seat_maps([screening.id])  # a price change
        second = _generation(screening.id)
    messages = published()
    assert {"showtime_id": screening.id, "generation": first} in messages
    assert {"showtime_id": screening.id, "generation": second} in messages


def test_a_price_freeze_is_published_once_committed(client, factory, showtime, published):
    screening, _ = showtime
    manager = factory.user("manager", cinemas=[db.session.get(Cinema, screening.cinema_id)])
    frozen = client.put(f"/api/pricing/showtimes/{screening.id}/freeze",
                        json={"frozen": True, "multiplier": "1.2"}, headers=factory.headers(manager))
    assert frozen.status_code == 200, frozen.json
    assert {"showtime_id": screening.id, "generation": _generation(screening.id)} in published()
