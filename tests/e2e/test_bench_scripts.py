"""The bench scripts still run: each, in its smallest setting, prints its figures and ends with
one JSON line (they are not part of the suite's timing, but a change to the app must not leave
them broken, as a layout change once did to bench/holds.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL
from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.slow


def _last_json(arguments: list[str]) -> dict:
    done = subprocess.run([sys.executable, *arguments], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# It empties and fills the test Redis database with keys of its own showtimes, whose ids the
# suite's showtimes reuse: through the app fixture, the suite's clean-up empties it after.
@pytest.mark.usefixtures("app")
def test_the_holds_bench_runs_and_sells_no_seat_twice():
    database = TEST_DATABASE_URL.rsplit("/", 1)[0] + "/cinemaos_bench_smoke"
    figures = _last_json(["bench/holds.py", "--seconds", "0.5", "--rounds", "1", "--clients", "2",
                          "--processes", "1", "--workers", "1", "--threads", "2",
                          "--database-url", database, "--redis-url", TEST_REDIS_URL])
    assert figures["double_sales"] == 0 and figures["server_errors"] == 0
    assert figures["healthz_per_s"] > 0 and figures["holds_per_s"] > 0


def test_the_optimizer_bench_runs():
    figures = _last_json(["bench/optimizer.py", "--seeds", "1", "--screens", "6", "--time-limit", "2",
                          "--workers", "1"])
    [week] = figures["instances"]
    assert week["status"] in ("optimal", "feasible") and week["revenue"] > week["greedy_revenue"]


def test_the_pricing_bench_runs():
    assert _last_json(["bench/pricing.py", "--quick"])
