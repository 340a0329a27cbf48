"""The web client in a real browser: Debian's Chromium (never a downloaded one), headless, driven
by Playwright, against a real Gunicorn on PostgreSQL and Redis serving the built export.

A customer registers, picks two adjacent seats on the drawn map with the keyboard, holds them,
sees the countdown the API set, pays with the sandbox card and downloads the invoice, while a
second browser that has the map open sees the seats sold without reloading; a seat taken by
someone else between choosing and holding gives a sentence and a fresh map; the manager's
report shows tickets just sold; a manager optimises a day, compares the proposal and applies
it, and the timeline shows the new shows. Every page: no serious or critical axe-core violation, no
Content Security Policy violation, no request leaving 127.0.0.1, and a screenshot at desktop and
phone widths in artifacts/web/ (WEB_ARTIFACTS_DIR), kept for the CI run.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright import sync_api as playwright_api
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, plain_api_server
from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
LONDON = ZoneInfo("Europe/London")
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("WEB_ARTIFACTS_DIR", ROOT / "artifacts" / "web"))
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LAYOUT = {"rows": [
    {"label": "A", "seats": 8, "aisles_after": [4], "wheelchair": [1], "companion": [2]},
    {"label": "B", "seats": 8, "aisles_after": [4]},
    {"label": "C", "seats": 8, "aisles_after": [4], "category": "premium"},
]}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    # The export the server serves: built now if missing or stale (a no-op after `make test`'s).
    subprocess.run(["make", "--no-print-directory", "web"], cwd=ROOT, check=True, timeout=900,
                   capture_output=True)
    with plain_api_server(tmp_path_factory.mktemp("web-server"), "web") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM,
                                          args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


class Watched:
    """A browser context whose every request and console message is kept, to check after."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(accept_downloads=True, timezone_id="Europe/London", **options)
        self.requests: list[str] = []
        self.console: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.on("console", lambda message: self.console.append(message.text))

    def outside_requests(self) -> list[str]:
        network = [urlsplit(url) for url in self.requests]
        network = [url for url in network if url.scheme in ("http", "https", "ws", "wss")]
        return [url.geturl() for url in network if url.hostname != "127.0.0.1"]

    def policy_violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line]


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (axe from web/node_modules)."""
    page.evaluate(AXE.read_text())
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`);
    }""")
    return found


def snapshot(page, name: str) -> None:
    """Screenshots at desktop and phone widths, then back to the width the page had."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(before)


def check_page(page, name: str) -> None:
    assert serious_violations(page) == [], name
    snapshot(page, name)


def seat(page, label: str):
    """A seat by its announced label; its price may have moved since (sales reprice showtimes)."""
    pattern = re.escape(label).replace(re.escape("PRICE"), r"\d+\.\d\d")
    return page.get_by_role("checkbox", name=re.compile(f"^{pattern}$"))


@pytest.fixture
def world(server, factory):
    """A cinema with one drawn screen and a showtime (every test's tables are emptied after it)."""
    cinema = factory.cinema("Browser Picturehouse", city="London", refund_cutoff_hours=2)
    movie = factory.movie("The Drawn Map")
    screen = factory.screen(cinema, name="Screen 1", layout=LAYOUT)
    # Tomorrow evening in the cinema's zone (and the browser's): the second day of "What's on".
    tomorrow = datetime.now(LONDON).date() + timedelta(days=1)
    showtime = factory.showtime(screen, movie, starts_at=datetime.combine(tomorrow, dt_time(18), LONDON))
    manager = factory.user("manager", email=f"manager-{uuid.uuid4().hex[:6]}@example.org", cinemas=[cinema])
    return {"cinema_id": cinema.id, "showtime_id": showtime.id, "manager": manager.email,
            "day": tomorrow.isoformat()}


def test_a_customer_books_two_seats_with_the_keyboard_and_pays(server, browser, world):
    showtime_url = f"{server}/showtime?id={world['showtime_id']}"
    customer = Watched(browser, viewport=WIDTHS["desktop"])
    watcher = Watched(browser, viewport=WIDTHS["phone"])
    page = customer.page

    # Browse, then register (the site logs the new account in).
    page.goto(server + "/")
    page.get_by_label("Cinema").select_option(label="Browser Picturehouse, London")
    page.get_by_role("group", name="Day").get_by_role("button").nth(1).click()
    page.get_by_role("link", name="The Drawn Map").first.wait_for()
    check_page(page, "whats-on")
    page.goto(server + "/films")
    page.get_by_role("link", name="The Drawn Map").wait_for()
    check_page(page, "films")
    page.goto(f"{server}/register?next=/showtime%3Fid%3D{world['showtime_id']}")
    check_page(page, "register")
    page.get_by_label("Your name").fill("Ada Browser")
    page.get_by_label("E-mail address").fill(f"browser-{uuid.uuid4().hex[:8]}@example.org")
    page.get_by_label("Password").fill("Browser-pass-2026")
    page.get_by_role("button", name="Create the account").click()
    page.wait_for_url(showtime_url)

    # The second browser opens the same map and keeps it open.
    watcher.page.goto(showtime_url)
    seat(watcher.page, "Row B seat 2, standard, 10.00").wait_for()

    # Keyboard only: the map's one tab stop is the first free seat (A1, a wheelchair space).
    first = seat(page, "Row A seat 1, wheelchair, 10.00, wheelchair space")
    first.wait_for()
    assert first.get_attribute("tabindex") == "0"
    check_page(page, "seat-map")
    first.focus()
    for key in ("ArrowDown", "ArrowRight", "Enter", "ArrowRight", "Enter"):
        page.keyboard.press(key)
    for label in ("Row B seat 2, standard, 10.00", "Row B seat 3, standard, 10.00"):
        assert seat(page, label).get_attribute("aria-checked") == "true"
    expect(page.get_by_test_id("quote-total")).to_contain_text("£20.00")  # two seats at £10.00

    # Hold: the countdown runs from the API's expiry.
    is_hold = lambda r: r.url.endswith("/api/bookings/hold") and r.request.method == "POST"  # noqa: E731
    with page.expect_response(is_hold) as held:
        page.get_by_role("button", name="Hold these 2 seats").click()
    expires_at = datetime.fromisoformat(held.value.json()["expires_at"]).timestamp()
    timer = page.get_by_role("timer")
    timer.wait_for()
    page.wait_for_timeout(1100)
    shown = int(timer.get_attribute("data-seconds-left"))
    assert abs(shown - (expires_at - time.time())) <= 2, (shown, expires_at - time.time())
    assert 200 < shown <= 300
    check_page(page, "hold")

    # Pay with the sandbox card; the booking and its invoice.
    page.get_by_label("Card").select_option("pm_card_visa")
    page.get_by_role("button", name="Pay now").click()
    reference = page.get_by_test_id("booking-reference")
    reference.wait_for()
    booked = reference.inner_text()
    assert len(booked) >= 6
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the invoice (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    check_page(page, "booked")

    # The open map in the other browser shows them sold, with no reload.
    for label in ("Row B seat 2, standard, PRICE, sold", "Row B seat 3, standard, PRICE, sold"):
        seat(watcher.page, label).wait_for(timeout=15000)

    page.goto(server + "/bookings")
    page.get_by_role("button", name=f"Cancel booking {booked}").wait_for()
    check_page(page, "my-bookings")

    for browser_context in (customer, watcher):
        assert browser_context.outside_requests() == []
        assert browser_context.policy_violations() == []


def test_a_seat_taken_before_the_hold_gives_a_sentence_and_a_fresh_map(server, browser, world):
    token = _customer_token(server)
    customer = Watched(browser, viewport=WIDTHS["phone"])
    page = customer.page
    page.goto(server + "/login")
    check_page(page, "login")
    email, password = _register(server)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server + "/")
    page.goto(f"{server}/showtime?id={world['showtime_id']}")
    seat(page, "Row C seat 5, premium, PRICE").click()
    seat(page, "Row C seat 6, premium, PRICE").click()

    seat_map = httpx.get(f"{server}/api/showtimes/{world['showtime_id']}/seats").json()
    taken = next(s["id"] for s in seat_map["seats"] if s["label"] == "C6")
    rival = httpx.post(f"{server}/api/bookings/hold", headers={"Authorization": f"Bearer {token}"},
                       json={"showtime_id": world["showtime_id"], "seat_ids": [taken]})
    assert rival.status_code == 201, rival.text

    page.get_by_role("button", name="Hold these 2 seats").click()
    page.get_by_role("alert").filter(has_text="Someone else has just taken one of these seats").wait_for()
    seat(page, "Row C seat 6, premium, PRICE, held").wait_for()
    assert seat(page, "Row C seat 5, premium, PRICE").get_attribute("aria-checked") == "false"
    check_page(page, "seat-taken")
    assert customer.outside_requests() == [] and customer.policy_violations() == []


def test_the_managers_report_shows_the_tickets_just_sold(server, browser, world):
    _buy_two_seats(server, world["showtime_id"])
    manager = Watched(browser, viewport=WIDTHS["desktop"])
    page = manager.page
    page.goto(server + "/login")
    page.get_by_label("E-mail address").fill(world["manager"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server + "/")
    page.goto(server + "/manage")
    page.get_by_label("Day", exact=True).fill(world["day"])
    page.get_by_role("img", name=f"Schedule of {world['day']}: Screen 1, 1 showtimes").wait_for()
    check_page(page, "dashboard")
    page.goto(server + "/manage/reports")
    page.get_by_label("From").fill(world["day"])
    page.get_by_label("Days", exact=True).fill("1")
    row = page.get_by_test_id("sales-table").locator("tbody tr").first
    row.filter(has_text="2").wait_for()
    cells = row.locator("td").all_inner_texts()
    assert cells[1] == "2", cells  # tickets sold
    page.get_by_test_id("occupancy-chart").locator(".recharts-bar-rectangle").first.wait_for()
    check_page(page, "reports")
    assert manager.outside_requests() == [] and manager.policy_violations() == []


def _register(server: str) -> tuple[str, str]:
    email, password = f"web-{uuid.uuid4().hex[:8]}@example.org", "Another-pass-2026"
    answer = httpx.post(f"{server}/api/auth/register", json={"email": email, "password": password})
    assert answer.status_code == 201, answer.text
    return email, password


def _customer_token(server: str) -> str:
    email, password = _register(server)
    login = httpx.post(f"{server}/api/auth/login", json={"email": email, "password": password})
    return login.json()["access_token"]


def _buy_two_seats(server: str, showtime_id: int) -> None:
    headers = {"Authorization": f"Bearer {_customer_token(server)}"}
    seats = httpx.get(f"{server}/api/showtimes/{showtime_id}/seats").json()["seats"]
    wanted = [s["id"] for s in seats if s["label"] in ("B5", "B6")]
    hold = httpx.post(f"{server}/api/bookings/hold", headers=headers,
                      json={"showtime_id": showtime_id, "seat_ids": wanted}).json()
    booking = httpx.post(f"{server}/api/bookings", headers=headers, json={"hold_id": hold["hold_id"]}).json()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    paid = httpx.post(f"{server}/api/payments/process", headers={**headers, **key},
                      json={"booking_id": booking["id"], "payment_method": "pm_card_visa"}, timeout=30)
    assert paid.json()["booking_status"] == "confirmed", paid.text


def test_a_manager_optimises_a_day_compares_and_applies_it(server, browser, factory):
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    hours = {d: {"open": "10:00", "close": "23:30"} for d in days}
    cinema = factory.cinema("Optimised House", opening_hours=hours)
    factory.screen(cinema, name="Main", layout=LAYOUT)
    factory.movie("First Feature", runtime=95)
    factory.movie("Second Feature", runtime=110)
    manager = factory.user("manager", email=f"optimiser-{uuid.uuid4().hex[:6]}@example.org", cinemas=[cinema])
    day = (datetime.now(LONDON).date() + timedelta(days=2)).isoformat()

    watched = Watched(browser, viewport=WIDTHS["desktop"])
    page = watched.page
    page.goto(server + "/login")
    page.get_by_label("E-mail address").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server + "/")
    page.goto(server + "/manage")
    # The page sets today once it runs (hydrated): choose the day after that, or it is overwritten.
    page.get_by_role("img", name=re.compile(r"^Schedule of .*: Main, ")).wait_for()
    page.get_by_label("Day", exact=True).fill(day)
    page.get_by_role("img", name=f"Schedule of {day}: Main, 0 showtimes").wait_for()

    page.get_by_role("button", name="Queue an optimisation").click()
    comparison = page.get_by_role("table", name="The proposal against the current schedule")
    comparison.wait_for(timeout=90000)
    assert "£" in comparison.inner_text() and "gap" in comparison.inner_text()
    proposed = page.locator(".timeline .proposed").count()
    assert proposed > 0
    check_page(page, "optimisation-proposal")

    page.get_by_role("button", name="Apply the proposal").click()
    page.get_by_role("status").filter(has_text="The proposal is applied").wait_for(timeout=90000)
    timeline = page.get_by_role("img", name=re.compile(f"^Schedule of {day}: Main, [1-9][0-9]* showtimes$"))
    timeline.wait_for()
    applied = int(re.search(r"Main, (\d+) showtimes", timeline.get_attribute("aria-label")).group(1))
    check_page(page, "optimisation-applied")

    # A show added on top of another is refused with a sentence; cancelling one takes it away.
    first = page.get_by_role("button", name=re.compile("^Cancel ")).first
    starts = first.get_attribute("aria-label").split()[1]
    page.get_by_label("Starts at").fill(starts)
    page.get_by_role("button", name="Add the showtime").click()
    refusal = page.get_by_role("alert").filter(has_text=re.compile(r"\w"))  # not Next's empty announcer
    refusal.wait_for()
    assert refusal.inner_text().endswith("."), refusal.inner_text()
    first.click()
    page.get_by_role("status").filter(has_text="is cancelled").wait_for()
    page.get_by_role("img", name=f"Schedule of {day}: Main, {applied - 1} showtimes").wait_for()
    assert watched.outside_requests() == [] and watched.policy_violations() == []
