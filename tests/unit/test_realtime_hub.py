"""The live seat-map service's hub (realtime.server.SeatMapHub), without Redis: which group a
message goes to, how a burst is folded into two pushes, and how many sockets one client may hold."""

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


def test_one_client_holds_at_most_its_share_of_sockets():
    """Over a real loopback socket, no Redis: the third socket of a client allowed two is closed
    with 1008 at once, and a place freed is a place for the next."""
    from websockets.asyncio.client import connect
    from websockets.asyncio.server import serve
    from websockets.exceptions import ConnectionClosed

    async def scenario() -> None:
        hub = SeatMapHub(redis=None, max_per_client=2)
        async with serve(hub.handle, "127.0.0.1", 0, process_request=hub.check_request) as listening:
            url = f"ws://127.0.0.1:{listening.sockets[0].getsockname()[1]}/ws/seatmaps/7"
            first, second = await connect(url), await connect(url)
            third = await connect(url)
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(third.recv(), 5)
            assert closed.value.rcvd.code == 1008
            assert hub.per_client == {"127.0.0.1": 2}
            await first.close()
            await asyncio.sleep(0.05)
            fourth = await connect(url)
            await asyncio.sleep(0.05)
            assert len(hub.sockets[7]) == 2 and hub.per_client == {"127.0.0.1": 2}
            await second.close()
            await fourth.close()
            await asyncio.sleep(0.05)
            assert hub.per_client == {} and 7 not in hub.sockets

    asyncio.run(scenario())


@pytest.mark.parametrize(("hops", "forwarded", "client"), [
    (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header is anyone's to forge
    (1, "203.0.113.9", "203.0.113.9"),
    (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # what the client wrote itself is not trusted
    (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
    (2, "203.0.113.9", "10.0.0.2"),  # fewer hops than trusted: the peer
])
def test_the_client_is_the_address_the_trusted_proxies_saw(hops, forwarded, client):
    from types import SimpleNamespace

    connection = SimpleNamespace(request=SimpleNamespace(headers={"X-Forwarded-For": forwarded}),
                                 remote_address=("10.0.0.2", 50000))
    assert SeatMapHub(redis=None, trusted_proxy_hops=hops).client_of(connection) == client
