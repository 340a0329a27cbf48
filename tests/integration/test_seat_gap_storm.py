"""Many customers race for the seats of one gap-guarded screen at once: whatever the
interleaving, no hold strands a single seat and no seat is held twice."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from app.bookings import keys
from app.bookings.gaps import PlacedSeat, stranded_seats
from app.common.clock import now
from app.extensions import redis_client

CUSTOMERS = 48
ROUNDS = 3


def test_racing_holds_never_strand_a_seat(app, factory):
    cinema = factory.cinema(prevent_single_seat_gaps=True)
    layout = {"rows": [{"label": label, "seats": 12, "aisles_after": [6]} for label in "AB"]}
    screen = factory.screen(cinema, layout=layout)
    seats = [(s.id, s.grid_row, s.grid_col) for s in factory.seats(screen)]
    runs = [[seat_id for seat_id, row, col in seats if row == r and (col < 7) == left]
            for r in {row for _, row, _ in seats} for left in (True, False)]
    showtimes = [factory.showtime(screen, factory.movie(), starts_at=now() + timedelta(days=day)).id
                 for day in range(1, ROUNDS + 1)]
    headers = [factory.headers(factory.user()) for _ in range(CUSTOMERS)]
    rng = random.Random(15)
    for showtime_id in showtimes:
        wishes = []
        for _ in range(CUSTOMERS):
            run, size = rng.choice(runs), rng.choice((1, 2))
            start = rng.randrange(len(run) - size + 1)
            wishes.append(run[start:start + size])
        start_together = threading.Barrier(CUSTOMERS)

        def attempt(i: int, showtime_id=showtime_id, wishes=wishes, start_together=start_together):
            with app.test_client() as client:
                start_together.wait()
                return client.post("/api/bookings/hold", headers=headers[i],
                                   json={"showtime_id": showtime_id, "seat_ids": wishes[i]})

        with ThreadPoolExecutor(max_workers=CUSTOMERS) as pool:
            answers = list(pool.map(attempt, range(CUSTOMERS)))
        assert {a.status_code for a in answers} <= {201, 409}, [a.json for a in answers]
        assert "single_seat_gap" in {a.json.get("reason") for a in answers}  # the rule was put to the test
        held = {a.json["hold_id"]: [seat["seat_id"] for seat in a.json["seats"]]
                for a in answers if a.status_code == 201}
        owners = {seat_id: hold_id for hold_id, seat_ids in held.items() for seat_id in seat_ids}
        assert len(owners) == sum(len(seat_ids) for seat_ids in held.values())  # none held twice
        locks = redis_client.client.mget([keys.lock_key(showtime_id, seat_id) for seat_id, _, _ in seats])
        locked = {seat_id: owner for (seat_id, _, _), owner in zip(seats, locks, strict=True) if owner}
        assert locked == owners
        for hold_id, seat_ids in held.items():
            others = [PlacedSeat(id=seat_id, row=row, col=col, taken=owners.get(seat_id, hold_id) != hold_id)
                      for seat_id, row, col in seats]
            assert stranded_seats(others, set(seat_ids)) == [], f"hold {hold_id} strands a seat"
