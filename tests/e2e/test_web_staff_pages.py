"""The staff pages in a real browser (Debian's Chromium, headless), against the same Gunicorn,
PostgreSQL and Redis as tests/e2e/test_web_in_browser.py, whose server and browser it reuses.

A staff member opens a till with a float, sells two seats to a walk-in for cash and sees the
change, prints the tickets; at the door page the first ticket's code is admitted, then refused
with the first scan's time; the scan is undone; the till is cashed up short and the report shows
the difference; a manager's audit log lists the cash-up and the undone scan. A manager gives a
screen its own seat price, creates, edits and deletes a pricing rule and a promo code, freezes a
showtime's price and sets guard rails; and moves a showtime on the dashboard, told of the clash
before saving. Every page: no serious or critical axe-core violation, no request leaving
127.0.0.1, screenshots at 1280 and 390 px.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
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


@pytest.fixture
def pricing_world(server, factory):
    """A cinema with tomorrow's showtimes at 14:00 and 18:00 on one screen, and its manager."""
    cinema = factory.cinema("Pricing Picturehouse", city="London")
    screen = factory.screen(cinema, name="Screen 1", layout=LAYOUT)
    early, late = factory.movie("The Early Show", runtime=100), factory.movie("The Late Show", runtime=100)
    tomorrow = datetime.now(LONDON).date() + timedelta(days=1)
    factory.showtime(screen, early, starts_at=datetime.combine(tomorrow, dt_time(14), LONDON))
    factory.showtime(screen, late, starts_at=datetime.combine(tomorrow, dt_time(18), LONDON))
    manager = factory.user("manager", email=f"pricer-{uuid.uuid4().hex[:6]}@example.org", cinemas=[cinema])
    return {"manager": manager.email, "day": tomorrow.isoformat()}


def test_a_manager_manages_rules_promo_codes_a_price_freeze_and_guard_rails(server, browser, pricing_world):
    manager = Watched(browser, viewport=WIDTHS["desktop"])
    page = manager.page
    _log_in(page, server, pricing_world["manager"])

    # A rule: the form names a wrong multiplier before sending; created, edited, deleted.
    page.get_by_role("link", name="Pricing", exact=True).click()
    rules = page.get_by_test_id("rules-table")
    rules.get_by_text("No rules yet").wait_for()
    check_page(page, "pricing")

    # Seat prices: Screen 1's standard seats get a price of their own; the cinema's stays.
    page.get_by_label("Price of Standard seats at Screen 1").fill("12.5")
    page.get_by_role("button", name="Save the seat prices").click()
    page.get_by_role("status").filter(has_text="The seat prices are saved").wait_for()
    assert page.get_by_label("Price of Standard seats at Screen 1").input_value() == "12.50"
    assert page.get_by_label("Price of Standard seats", exact=True).input_value() == "10.00"

    page.get_by_role("button", name="New pricing rule").click()
    page.get_by_label("Rule name").fill("Cheap Tuesday")
    page.get_by_label("Multiplier").fill("12")
    page.get_by_label("Tuesday").check()
    page.get_by_role("button", name="Create the rule").click()
    page.get_by_role("alert").filter(has_text="The multiplier must be a number above 0").wait_for()
    page.get_by_label("Multiplier").fill("0.8")
    page.get_by_label("Shows starting before").fill("17:00")
    check_page(page, "pricing-rule-form")
    page.get_by_role("button", name="Create the rule").click()
    page.get_by_role("status").filter(has_text="The rule Cheap Tuesday is created.").wait_for()
    rules.get_by_role("cell", name="Tuesday; starting before 17:00").wait_for()
    page.get_by_role("button", name="Edit rule Cheap Tuesday").click()
    page.get_by_label("Multiplier").fill("0.75")
    page.get_by_role("button", name="Save the rule").click()
    page.get_by_role("status").filter(has_text="The rule Cheap Tuesday is saved.").wait_for()
    rules.get_by_role("cell", name=re.compile(r"^×0\.750*$")).wait_for()
    page.get_by_role("button", name="Delete rule Cheap Tuesday").click()
    page.get_by_role("status").filter(has_text="The rule Cheap Tuesday is deleted.").wait_for()
    rules.get_by_text("No rules yet").wait_for()

    # A promo code; the same code again is the API's refusal, as a sentence.
    for attempt in range(2):
        page.get_by_role("button", name="New promo code").click()
        page.get_by_label("Code", exact=True).fill("welcome10")
        page.get_by_label("Percent off").fill("10")
        page.get_by_role("button", name="Create the code").click()
        if attempt == 0:
            page.get_by_role("status").filter(has_text="The promo code WELCOME10 is created.").wait_for()
    page.get_by_role("alert").filter(has_text="A promo code with these letters already exists.").wait_for()
    page.get_by_role("button", name="Cancel", exact=True).click()
    page.get_by_test_id("promos-table").get_by_role("cell", name="10% off the booking").wait_for()
    check_page(page, "pricing-promo-codes")

    # The 18:00 show's price frozen at x1.1: the change is logged.
    page.get_by_role("link", name="Dynamic prices").click()
    picker = page.get_by_role("group", name="Showtime")
    picker.get_by_label("Show day").fill(pricing_world["day"])
    show = picker.get_by_label("Show", exact=True)
    show.locator("option", has_text="The Late Show").wait_for(state="attached")
    show.select_option(label=show.locator("option", has_text="The Late Show").inner_text())
    page.get_by_test_id("price-state").filter(has_text="the pricing job may move it").wait_for()
    page.get_by_label("Freeze at multiplier").fill("1.1")
    page.get_by_role("button", name="Freeze the price").click()
    page.get_by_role("status").filter(has_text="The price is frozen at ×1.100.").wait_for()
    page.get_by_test_id("price-changes").get_by_role("cell", name="×1.000 → ×1.100").wait_for()

    # Guard rails: a floor above its ceiling is named before sending; then saved.
    page.get_by_label("Floor of standard seats").fill("20")
    page.get_by_label("Ceiling of standard seats").fill("15")
    page.get_by_role("button", name="Save the guard rails").click()
    page.get_by_role("alert").filter(has_text="The floor of standard seats is above its ceiling.").wait_for()
    page.get_by_label("Floor of standard seats").fill("5.00")
    page.get_by_label("Largest change of a price in 24 hours").fill("15")
    page.get_by_role("button", name="Save the guard rails").click()
    page.get_by_role("status").filter(has_text="The guard rails are saved").wait_for()
    assert page.get_by_label("Floor of standard seats").input_value() == "5.00"
    check_page(page, "dynamic-prices")
    assert manager.outside_requests() == [] and manager.policy_violations() == []


def test_a_manager_moves_a_showtime_told_of_the_clash_before_saving(server, browser, pricing_world):
    manager = Watched(browser, viewport=WIDTHS["phone"])
    page = manager.page
    writes: list[str] = []
    page.on("request", lambda r: writes.append(f"{r.method} {r.url}") if r.method in ("POST", "PUT", "DELETE")
            and "/api/schedule/showtime" in r.url and not r.url.endswith("/check") else None)
    _log_in(page, server, pricing_world["manager"])
    day = pricing_world["day"]
    page.goto(server + "/manage")
    # The page sets today once it runs (hydrated): choose the day after that, or it is overwritten.
    page.get_by_role("img", name=re.compile(r"^Schedule of .*: Screen 1, ")).wait_for()
    page.get_by_label("Day", exact=True).fill(day)
    page.get_by_role("img", name=f"Schedule of {day}: Screen 1, 2 showtimes").wait_for()

    # 18:00 moved to 15:00 would run into the 14:00 show and its cleaning: said before saving.
    page.get_by_role("button", name="Move 18:00 The Late Show").click()
    page.get_by_role("heading", name="Move the 18:00 showing of The Late Show").wait_for()
    page.get_by_label("Starts at").fill("15:00")
    verdict = page.get_by_test_id("slot-check")
    verdict.filter(has_text="Saving would be refused").wait_for()
    assert "It overlaps The Early Show at 14:00 on this screen" in verdict.inner_text(), verdict.inner_text()
    page.locator(".timeline .pending.would-clash").wait_for(state="attached")
    assert writes == []
    check_page(page, "dashboard-move-clash")

    # 20:30 is free: said so, then saved.
    page.get_by_label("Starts at").fill("20:30")
    verdict.filter(has_text="The slot is free").wait_for()
    page.get_by_role("button", name="Move the showtime").click()
    page.get_by_role("status").filter(has_text="The Late Show now starts at 20:30 on Screen 1.").wait_for()
    page.get_by_role("button", name="Move 20:30 The Late Show").wait_for()
    assert len(writes) == 1 and writes[0].startswith("PUT "), writes
    check_page(page, "dashboard-moved")
    assert manager.outside_requests() == [] and manager.policy_violations() == []
