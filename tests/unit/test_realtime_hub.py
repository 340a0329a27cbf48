"""The live seat-map service's relay (realtime.server.SeatMapHub), without sockets or Redis:
which group a message goes to, and how a burst is folded into two pushes."""

from __future__ import annotations

import asyncio

import pytest

from realtime import server
from realtime.server import SeatMapHub


@pytest.fixture
def pushed(monkeypatch) -> list[tuple[frozenset, str]]:
    sent: list[tuple[frozenset, str]] = []
    monkeypatch.setattr(server, "broadcast", lambda group, data: sent.append((frozenset(group), data)))
    monkeypatch.setattr(server, "PUSH_WINDOW_SECONDS", 0.05)
    return sent


def test_a_burst_is_pushed_at_once_then_folded_into_its_newest_message(pushed):
    async def scenario() -> None:
        hub = SeatMapHub(redis=None)
        hub.sockets[7].update({"page-1", "page-2"})
        hub.sockets[8].add("page-3")
        for generation in (1, 2, 3):
            hub.relay("seatmap:7", f'{{"showtime_id":7,"generation":{generation}}}')
        hub.relay("seatmap:9", "nobody watches showtime 9")
        hub.relay("seatmap:x", "not a showtime")
        assert pushed == [(frozenset({"page-1", "page-2"}), '{"showtime_id":7,"generation":1}')]
        await asyncio.sleep(0.12)

    asyncio.run(scenario())
    assert pushed[1:] == [(frozenset({"page-1", "page-2"}), '{"showtime_id":7,"generation":3}')]


def test_after_losing_redis_every_page_is_told_to_refetch(pushed):
    hub = SeatMapHub(redis=None)
    hub.sockets[7].add("page-1")
    hub.sockets[8].add("page-2")
    hub.nudge_everyone()
    assert sorted(pushed, key=lambda p: p[1]) == [
        (frozenset({"page-1"}), '{"showtime_id": 7, "generation": null}'),
        (frozenset({"page-2"}), '{"showtime_id": 8, "generation": null}'),
    ]
