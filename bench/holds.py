"""Seat-hold benchmark: Gunicorn on PostgreSQL + Redis, many concurrent clients, over loopback.

Builds its own database (``cinemaos_bench``, dropped and re-created) with ``flask db upgrade``,
seeds a cinema with a 300-seat screen (seat map and holds) and a 2,000-seat screen
(confirmations, which sell seats for good), customers, starts Gunicorn, then drives,
each for ``--seconds`` with the same client pool:

1. ``GET /healthz`` (the yardstick: the cheapest request the server answers),
2. ``GET /api/showtimes/{id}/seats`` (the seat map),
3. ``POST /api/bookings/hold`` (two neighbouring seats; a user's new hold replaces the old one),
4. hold then ``POST /api/bookings`` (confirmations, over fresh showtimes).

The first three phases run in ``--rounds`` interleaved rounds (healthz, seat map, hold, then
again), so a drift in the machine's load (other tenants, a CPU frequency change) weighs on
each endpoint alike instead of skewing their ratio. It prints throughput, p50/p99 latency per
endpoint, double sales found in PostgreSQL (must be 0), the ratio of seat-map and hold
throughput to ``/healthz`` throughput, and the CPU time Gunicorn and Redis spent per answer in
each phase (read from ``/proc``): on a machine shared with other tenants the throughput moves
from run to run, the CPU cost of a request much less.
The last line is one JSON object of the figures. (Over 300 lines: one script, seed, drive and
report, kept in one file so it runs with nothing but the app beside it.)

    .venv/bin/python bench/holds.py [--seconds 6] [--rounds 3] [--clients 32] [--processes 2] [--workers 4]

Redis database 13 of 127.0.0.1 is emptied and used unless ``--redis-url`` says otherwise; give it
a database nothing else uses while it runs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # allow `python bench/holds.py`

BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cinemaos_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
MAP_ROWS, MAP_SEATS_PER_ROW = 15, 20
SALE_ROWS, SALE_SEATS_PER_ROW = 50, 40
CONFIRM_SHOWTIMES = 4
COMPARED_PHASES = ("healthz", "seatmap", "hold")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="duration of each phase")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the compared phases")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (threads, all processes)")
    parser.add_argument("--processes", type=int, default=2, help="client processes (spreads the GIL)")
    parser.add_argument("--workers", type=int, default=4, help="Gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per Gunicorn worker")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    args = parser.parse_args()

    env = _server_env(args)
    os.environ.update(env)
    _recreate_database(args.database_url)
    _run([BIN / "flask", "db", "upgrade"], env)
    fixture = _seed(args.clients)
    port = int(env["PORT"])
    server = subprocess.Popen([BIN / "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        meter = _CpuMeter(server.pid, _redis_pid(args.redis_url))
        results: dict[str, dict] = {}
        for _ in range(args.rounds):
            for phase in COMPARED_PHASES:
                run = meter.measure(_drive, phase, base, fixture, args, args.seconds / args.rounds)
                earlier = results.get(phase)
                results[phase] = run if earlier is None else _combine(
                    [earlier, run], elapsed=earlier["elapsed"] + run["elapsed"])
        results["confirm"] = meter.measure(_drive, "confirm", base, fixture, args, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures = _figures(results, args)
    figures["double_sales"] = _double_sales()
    _report(figures, results)


def _server_env(args) -> dict[str, str]:
    # The fair-sales limits stay checked on every hold but never refuse: 32 customers confirming
    # for seconds on end would otherwise measure refusals, not confirmations.
    return {**os.environ, "MAX_UNPAID_SEATS_PER_SHOWTIME": "1000000", "MAX_UNPAID_CHECKOUTS": "1000000",
            "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
            "APP_ENV": "development", "SECRET_KEY": "bench-secret-key", "FLASK_APP": "wsgi",
            "JWT_SECRET_KEY": "bench-jwt-secret-key-of-sufficient-length", "RATELIMIT_ENABLED": "false",
            "LOG_LEVEL": "WARNING", "WEB_CONCURRENCY": str(args.workers),
            "GUNICORN_THREADS": str(args.threads), "PORT": str(_free_port()),
            "DB_POOL_SIZE": str(args.threads + 1)}


def _recreate_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _seed(clients: int) -> dict:
    """A cinema open around the clock, one big screen, showtimes from tomorrow, customers."""
    from datetime import timedelta

    from flask_jwt_extended import create_access_token

    from app import create_app
    from app.auth.passwords import hash_password
    from app.cinemas.layout import build_layout
    from app.cinemas.seat_categories import known_categories
    from app.common.clock import now
    from app.extensions import db, redis_client
    from app.models import (
        AgeRating,
        Cinema,
        Movie,
        MovieFormat,
        Screen,
        Seat,
        SeatCategoryPrice,
        Showtime,
        User,
    )

    app = create_app()
    with app.app_context():
        redis_client.client.flushdb()
        hours = {day: {"open": "00:00", "close": "24:00"}
                 for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        cinema = Cinema(name="Bench Cinema", timezone="UTC", currency="EUR", opening_hours=hours)
        db.session.add_all([cinema, AgeRating(code="PG", name="PG", min_age=0)])
        db.session.flush()
        db.session.add(SeatCategoryPrice(cinema_id=cinema.id, category="standard", amount_minor=1100))
        movie = Movie(title="Bench Movie", runtime_minutes=100, trailer_minutes=15, age_rating="PG",
                      release_date=now().date(), format_rows=[MovieFormat(format="2D")])
        db.session.add(movie)
        first = (now() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)

        def screen_with_showtimes(name: str, rows: int, per_row: int, count: int) -> tuple[list, list]:
            screen = Screen(cinema_id=cinema.id, name=name, formats=["2D"])
            db.session.add(screen)
            db.session.flush()
            specs = build_layout({"rows": [{"label": f"R{r}", "seats": per_row} for r in range(rows)]},
                                 known_categories())
            seats = [Seat(screen_id=screen.id, **vars(spec)) for spec in specs]
            db.session.add_all(seats)
            screen.capacity = len(seats)
            showtimes = []
            for day in range(count):
                starts = first + timedelta(days=day)
                ends = starts + timedelta(minutes=115)
                showtimes.append(Showtime(movie_id=movie.id, screen_id=screen.id, cinema_id=cinema.id,
                                          starts_at=starts, ends_at=ends,
                                          blocked_until=ends + timedelta(minutes=20)))
            db.session.add_all(showtimes)
            db.session.flush()
            by_row: dict[int, list[int]] = {}
            for seat in seats:
                by_row.setdefault(seat.grid_row, []).append(seat.id)
            return showtimes, list(by_row.values())

        map_showtimes, map_rows = screen_with_showtimes("Screen 1", MAP_ROWS, MAP_SEATS_PER_ROW, 1)
        sale_showtimes, sale_rows = screen_with_showtimes(
            "Screen 2", SALE_ROWS, SALE_SEATS_PER_ROW, CONFIRM_SHOWTIMES)
        password = hash_password("Bench-pass-2026")
        users = [User(email=f"bench{i}@example.test", role="customer", password_hash=password)
                 for i in range(clients)]
        db.session.add_all(users)
        db.session.commit()
        return {
            "map_showtime": map_showtimes[0].id, "map_rows": map_rows,
            "confirm_showtimes": [s.id for s in sale_showtimes], "sale_rows": sale_rows,
            "tokens": [create_access_token(identity=str(u.id), additional_claims={"role": "customer"})
                       for u in users],
        }


def _drive(phase: str, base: str, fixture: dict, args, seconds: float) -> dict:
    """Run ``phase`` for ``seconds`` from ``args.clients`` threads over ``args.processes`` processes."""
    slices = [list(range(p, args.clients, args.processes)) for p in range(args.processes)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(args.processes) as pool:
        parts = pool.starmap(_client_process, [(phase, base, fixture, ids, seconds) for ids in slices])
    return _combine(parts, elapsed=max(p["elapsed"] for p in parts))


def _combine(runs: list[dict], *, elapsed: float) -> dict:
    """Pool the answers, latencies and CPU times of ``runs`` that took ``elapsed`` seconds together."""
    merged: dict = {"elapsed": elapsed, "latency": {}, "status": {}, "cpu": {}}
    for run in runs:
        for part, seconds in run.get("cpu", {}).items():
            merged["cpu"][part] = merged["cpu"].get(part, 0.0) + seconds
        for kind, values in run["latency"].items():
            merged["latency"].setdefault(kind, []).extend(values)
        for key, count in run["status"].items():
            merged["status"][key] = merged["status"].get(key, 0) + count
    return merged


def _client_process(phase: str, base: str, fixture: dict, client_ids: list[int], seconds: float) -> dict:
    import httpx

    latency: dict[str, list[float]] = {}
    status: dict[str, int] = {}
    lock = threading.Lock()
    start_gate = threading.Barrier(len(client_ids) + 1)

    def record(kind: str, started: float, response: httpx.Response | None) -> httpx.Response | None:
        elapsed = time.perf_counter() - started
        key = f"{kind} {response.status_code if response is not None else 'error'}"
        with lock:
            latency.setdefault(kind, []).append(elapsed)
            status[key] = status.get(key, 0) + 1
        return response

    def call(http: httpx.Client, kind: str, method: str, url: str, **kwargs) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            return record(kind, started, http.request(method, url, **kwargs))
        except httpx.HTTPError:
            return record(kind, started, None)

    def client(i: int, deadline_box: list[float]) -> None:
        rng = random.Random(i)
        headers = {"Authorization": f"Bearer {fixture['tokens'][i]}"}
        seat_map_url = f"/api/showtimes/{fixture['map_showtime']}/seats"
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            # Open the connection (and warm the seat-map cache) before the clock starts.
            http.get(seat_map_url if phase == "seatmap" else "/healthz")
            start_gate.wait()
            while time.perf_counter() < deadline_box[0]:
                if phase == "healthz":
                    call(http, "healthz", "GET", "/healthz")
                elif phase == "seatmap":
                    call(http, "seatmap", "GET", seat_map_url)
                elif phase == "hold":
                    hold_pair(http, rng, fixture["map_showtime"], fixture["map_rows"])
                else:
                    showtime = rng.choice(fixture["confirm_showtimes"])
                    held = hold_pair(http, rng, showtime, fixture["sale_rows"])
                    if held is not None and held.status_code == 201:
                        call(http, "confirm", "POST", "/api/bookings",
                             json={"hold_id": held.json()["hold_id"]})

    def hold_pair(http: httpx.Client, rng: random.Random, showtime: int, rows: list[list[int]]):
        row = rng.choice(rows)
        first = rng.randrange(len(row) - 1)
        return call(http, "hold", "POST", "/api/bookings/hold",
                    json={"showtime_id": showtime, "seat_ids": row[first:first + 2]})

    deadline_box = [float("inf")]
    threads = [threading.Thread(target=client, args=(i, deadline_box)) for i in client_ids]
    for thread in threads:
        thread.start()
    start_gate.wait()
    started = time.perf_counter()
    deadline_box[0] = started + seconds
    for thread in threads:
        thread.join()
    return {"elapsed": time.perf_counter() - started, "latency": latency, "status": status}


class _CpuMeter:
    """CPU seconds (user + system) that Gunicorn (master and workers) and Redis spend in a phase."""

    def __init__(self, gunicorn_pid: int, redis_pid: int) -> None:
        self.gunicorn_pid, self.redis_pid = gunicorn_pid, redis_pid
        self.tick = os.sysconf("SC_CLK_TCK")

    def measure(self, drive: Callable[..., dict], *args) -> dict:
        before = self._sample()
        run = drive(*args)
        after = self._sample()
        run["cpu"] = {part: (after[part] - before[part]) / self.tick for part in after}
        return run

    def _sample(self) -> dict[str, int]:
        server = [self.gunicorn_pid, *_children(self.gunicorn_pid)]
        return {"server": sum(_cpu_ticks(pid) for pid in server), "redis": _cpu_ticks(self.redis_pid)}


def _cpu_ticks(pid: int) -> int:
    """User + system CPU ticks of ``pid``; 0 when it is not visible here (it ended, or Redis runs
    in another PID namespace such as a container, where its CPU then reads as 0)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # a process that ended between listing and reading
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def _children(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except FileNotFoundError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                children.append(int(entry.name))
    return children


def _redis_pid(url: str) -> int:
    import redis

    return int(redis.Redis.from_url(url).info("server")["process_id"])


def _figures(results: dict, args) -> dict:
    def rate(phase: str, key: str) -> float:
        return results[phase]["status"].get(key, 0) / results[phase]["elapsed"]

    def pct(phase: str, kind: str, q: float) -> float:
        values = sorted(results[phase]["latency"].get(kind, [0.0]))
        return round(1000 * values[min(len(values) - 1, int(q * len(values)))], 2)

    def cpu_ms(phase: str, part: str) -> float:
        answers = sum(results[phase]["status"].values())
        return round(1000 * results[phase]["cpu"].get(part, 0.0) / answers, 3) if answers else 0.0

    healthz = rate("healthz", "healthz 200")
    seatmap = rate("seatmap", "seatmap 200")
    hold_answers = rate("hold", "hold 201") + rate("hold", "hold 409")
    errors = sum(count for phase in results.values() for key, count in phase["status"].items()
                 if key.endswith("error") or key.split()[-1].startswith("5"))
    return {
        "clients": args.clients, "gunicorn_workers": args.workers, "seconds_per_phase": args.seconds,
        "rounds": args.rounds,
        "healthz_per_s": round(healthz, 1),
        "seatmap_per_s": round(seatmap, 1),
        "holds_per_s": round(rate("hold", "hold 201"), 1),
        "hold_requests_per_s": round(hold_answers, 1),
        "holds_refused_per_s": round(rate("hold", "hold 409"), 1),
        "confirmations_per_s": round(rate("confirm", "confirm 201"), 1),
        "confirm_refused": results["confirm"]["status"].get("confirm 409", 0),
        "healthz_p50_ms": pct("healthz", "healthz", 0.5), "healthz_p99_ms": pct("healthz", "healthz", 0.99),
        "seatmap_p50_ms": pct("seatmap", "seatmap", 0.5), "seatmap_p99_ms": pct("seatmap", "seatmap", 0.99),
        "hold_p50_ms": pct("hold", "hold", 0.5), "hold_p99_ms": pct("hold", "hold", 0.99),
        "confirm_p50_ms": pct("confirm", "confirm", 0.5), "confirm_p99_ms": pct("confirm", "confirm", 0.99),
        "hold_to_healthz_ratio": round(hold_answers / healthz, 3) if healthz else None,
        "seatmap_to_healthz_ratio": round(seatmap / healthz, 3) if healthz else None,
        **{f"{phase}_{part}_cpu_ms": cpu_ms(phase, part)
           for phase in (*COMPARED_PHASES, "confirm") for part in ("server", "redis")},
        "server_errors": errors,
    }


def _double_sales() -> int:
    """Seats sold twice in PostgreSQL (active booking seats sharing showtime and seat)."""
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    with create_app().app_context():
        return db.session.execute(text(
            "SELECT count(*) FROM (SELECT 1 FROM booking_seats WHERE active "
            "GROUP BY showtime_id, seat_id HAVING count(*) > 1) AS doubles"
        )).scalar_one()


def _report(figures: dict, results: dict) -> None:
    print(f"{'phase':<10}{'answers':>20}")
    for phase, result in results.items():
        answers = ", ".join(f"{k} x{v}" for k, v in sorted(result["status"].items()))
        print(f"{phase:<10}{answers}")
    print()
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(command: list, env: dict[str, str]) -> None:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{done.stderr}")


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited:\n{server.stderr.read().decode()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start within 60 s")


if __name__ == "__main__":
    main()
