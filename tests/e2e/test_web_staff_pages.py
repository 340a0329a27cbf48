"""The staff pages in a real browser (Debian's Chromium, headless), against the same Gunicorn,
PostgreSQL and Redis as tests/e2e/test_web_in_browser.py, whose server and browser it reuses.

A staff member opens a till with a float, sells two seats to a walk-in for cash and sees the
change, prints the tickets; at the door page the first ticket's code is admitted, then refused
with the first scan's time; the scan is undone; the till is cashed up short and the report shows
the difference; a manager's audit log lists the cash-up and the undone scan. Every page: no
serious or critical axe-core violation, no request leaving 127.0.0.1, screenshots at 1280 and
390 px.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.e2e import test_web_in_browser as web
from tests.e2e.test_web_in_browser import LAYOUT, LONDON, WIDTHS, Watched, check_page, seat
from tests.factories import PASSWORD

pytestmark = pytest.mark.slow
# The built site's Gunicorn and Chromium, shared with the customer's and manager's pages.
server = web.server
browser = web.browser


def _amount(minor: int) -> str:
    """Minor units as the cashier types them, "27.30"."""
    return f"{minor // 100}.{minor % 100:02d}"


def _log_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")


def _choose_show(page, day: str, title: str) -> None:
    page.get_by_label("Show day").fill(day)
    show = page.get_by_label("Show", exact=True)
    show.locator("option", has_text=title).wait_for(state="attached")
    show.select_option(label=show.locator("option", has_text=title).inner_text())


@pytest.fixture
def door_world(server, factory):
    """A cinema whose show starts in twenty minutes (its doors are open), a cashier and a manager."""
    cinema = factory.cinema("Door Picturehouse", city="London")
    movie = factory.movie("The Scanned Ticket")
    screen = factory.screen(cinema, name="Screen 1", layout=LAYOUT)
    starts = (datetime.now(UTC) + timedelta(minutes=20)).replace(second=0, microsecond=0)
    showtime = factory.showtime(screen, movie, starts_at=starts)
    cashier = factory.user("staff", email=f"cashier-{uuid.uuid4().hex[:6]}@example.org", cinemas=[cinema])
    manager = factory.user("manager", email=f"auditor-{uuid.uuid4().hex[:6]}@example.org", cinemas=[cinema])
    return {"showtime_id": showtime.id, "day": starts.astimezone(LONDON).date().isoformat(),
            "title": movie.title, "cashier": cashier.email, "manager": manager.email}


def test_a_cashier_sells_scans_and_cashes_up_and_the_audit_log_shows_it(server, browser, door_world):
    cashier = Watched(browser, viewport=WIDTHS["desktop"])
    page = cashier.page
    _log_in(page, server, door_world["cashier"])
    page.get_by_role("link", name="Door").wait_for()

    # Open a shift with a float of £100.00.
    page.get_by_role("link", name="Box office").click()
    page.get_by_role("button", name="Open the shift").wait_for()
    check_page(page, "box-office-open")
    page.get_by_label("Opening float").fill("100.00")
    page.get_by_role("button", name="Open the shift").click()
    page.get_by_role("status").filter(has_text="The shift is open.").wait_for()

    # Two seats for a walk-in, paid in cash: the change shows before and after the sale.
    _choose_show(page, door_world["day"], door_world["title"])
    for label in ("Row B seat 3, standard, PRICE", "Row B seat 4, standard, PRICE"):
        with page.expect_response(lambda r: r.url.endswith("/api/pricing/calculate")) as priced:
            seat(page, label).click()
    total_minor = priced.value.json()["total_minor"]  # both seats' quote, not the first one's
    page.get_by_test_id("sale-total").filter(has_text=f"£{_amount(total_minor)}").wait_for()
    tendered = total_minor + 730
    page.get_by_label("Cash tendered").fill(_amount(tendered))
    page.get_by_test_id("change-due").filter(has_text="Change due: £7.30").wait_for()
    check_page(page, "box-office-sale")
    with page.expect_response(lambda r: r.url.endswith("/sales") and r.request.method == "POST") as sold:
        page.get_by_role("button", name="Sell 2 tickets").click()
    assert sold.value.status == 201, sold.value.text()
    booking_id = sold.value.json()["booking"]["id"]
    assert page.get_by_test_id("sale-change").inner_text() == "£7.30"
    with page.expect_download() as download:
        page.get_by_role("link", name="Print the tickets (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    check_page(page, "box-office-sold")

    # At the door: the first ticket goes in, then is refused with the first scan's time.
    credentials = {"email": door_world["cashier"], "password": PASSWORD}
    login = httpx.post(f"{server}/api/auth/login", json=credentials)
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    code = httpx.get(f"{server}/api/bookings/{booking_id}/tickets", headers=headers).json()[0]["code"]
    page.get_by_role("link", name="Door").click()
    _choose_show(page, door_world["day"], door_world["title"])
    code_input = page.get_by_label("Ticket code")
    counts = page.get_by_test_id("admission-counts")
    counts.filter(has_text="0 admitted of 2 sold").wait_for()
    check_page(page, "door")
    with page.expect_response(lambda r: r.url.endswith("/checkin") and r.request.method == "POST") as first:
        code_input.fill(code)
        code_input.press("Enter")
    admitted_at = datetime.fromisoformat(first.value.json()["admitted_at"]).astimezone(LONDON)
    outcome = page.get_by_test_id("scan-outcome")
    outcome.filter(has_text="Admitted").wait_for()
    counts.filter(has_text="1 admitted of 2 sold").wait_for()
    check_page(page, "door-admitted")
    code_input.fill(code)
    code_input.press("Enter")
    outcome.filter(has_text="Refused").wait_for()
    assert f"Already scanned at {admitted_at:%H:%M} by user" in outcome.inner_text(), outcome.inner_text()
    assert outcome.inner_text().endswith("on web-door.")
    check_page(page, "door-refused")
    page.get_by_role("button", name="Undo the last scan").click()
    page.get_by_role("status").filter(has_text="The last scan is undone").wait_for()
    counts.filter(has_text="0 admitted of 2 sold").wait_for()

    # Cash-up £2.50 short: the difference in the sentence and in the report.
    page.get_by_role("link", name="Box office").click()
    counted = 10000 + total_minor - 250
    page.get_by_label("Cash counted in the drawer").fill(_amount(counted))
    page.get_by_role("button", name="Cash up and close the shift").click()
    page.get_by_role("status").filter(has_text="short by £2.50").wait_for()
    assert page.get_by_test_id("report-difference").inner_text() == "-£2.50"
    check_page(page, "box-office-report")
    assert cashier.outside_requests() == [] and cashier.policy_violations() == []

    # The manager's audit log lists the cash-up's difference and the undone scan.
    manager = Watched(browser, viewport=WIDTHS["phone"])
    _log_in(manager.page, server, door_world["manager"])
    manager.page.get_by_role("link", name="Audit log").click()
    table = manager.page.get_by_test_id("audit-table")
    table.get_by_role("cell", name="box_office.cash_up_difference").wait_for()
    table.get_by_role("cell", name="checkin.undone").wait_for()
    check_page(manager.page, "audit-log")
    manager.page.get_by_label("Action").fill("checkin.")
    manager.page.get_by_role("button", name="Show").click()
    manager.page.get_by_text("1 entries, page 1 of 1.").wait_for()
    assert manager.outside_requests() == [] and manager.policy_violations() == []
