"""Live seat maps: a small asyncio WebSocket service beside the API.

A seat-map page opens ``/ws/seatmaps/<showtime id>`` here instead of holding a Gunicorn thread.
The API's hold, release, sale and invalidation steps PUBLISH on ``seatmap:<showtime id>``
(``app.bookings.lua``); one pattern subscription relays each message to that showtime's sockets,
which then refetch the map from the API. The service shares no code with ``app`` (it needs no
Flask, database or settings module): only Redis and the channel's name.
"""
