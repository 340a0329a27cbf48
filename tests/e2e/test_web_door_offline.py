"""The door page without the network, in a real browser (Debian's Chromium, headless) against the
same Gunicorn, PostgreSQL and Redis as the other page tests.

Issue 20: a scanner that loses the network uses the showtime's signed check-in list. The usher
downloads it (the page checks its Ed25519 signature with the public key alone), the browser goes
offline, a ticket is admitted on the device and refused the second time; meanwhile another door,
still online, admits a ticket this device then admits too. Back online, the upload reconciles:
one admission recorded, and the double scan reported with the online scan as the winner.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from app.extensions import db
from app.models import Showtime
from tests.e2e import test_web_in_browser as web
from tests.e2e import test_web_staff_pages as staff
from tests.e2e.test_web_in_browser import LONDON, WIDTHS, Watched, check_page
from tests.factories import PASSWORD
from tests.payments_support import pending_booking

pytestmark = pytest.mark.slow
server = web.server
browser = web.browser
door_world = staff.door_world


def test_an_offline_door_admits_on_the_device_and_the_upload_reports_the_double_scan(
        server, browser, door_world, factory):
    customer = factory.user()
    booking = pending_booking(factory, customer, seats=2, showtime=db.session.get(
        Showtime, door_world["showtime_id"]))
    booking.status, booking.confirmed_at, booking.expires_at = "confirmed", datetime.now(UTC), None
    db.session.commit()
    login = httpx.post(f"{server}/api/auth/login",
                       json={"email": door_world["cashier"], "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    first, second = (t["code"] for t in httpx.get(f"{server}/api/bookings/{booking.id}/tickets",
                                                   headers=headers).json())

    usher = Watched(browser, viewport=WIDTHS["phone"])
    page = usher.page
    staff._log_in(page, server, door_world["cashier"])
    page.get_by_role("link", name="Door").click()
    staff._choose_show(page, door_world["day"], door_world["title"])
    page.get_by_role("button", name="Download the list to scan offline").click()
    page.get_by_role("status").filter(
        has_text="Offline: 2 tickets on the list, its signature checked.").wait_for()
    check_page(page, "door-offline")

    usher.context.set_offline(True)
    code_input, outcome = page.get_by_label("Ticket code"), page.get_by_test_id("scan-outcome")
    for expected in ("Admitted: Seat", "Refused: Already scanned at"):
        code_input.fill(first)
        code_input.press("Enter")
        outcome.filter(has_text=expected).wait_for()
    check_page(page, "door-offline-refused")
    # Another door, still online, lets the second ticket in; this one does not know and admits it too.
    online = httpx.post(f"{server}/api/showtimes/{door_world['showtime_id']}/checkin", headers=headers,
                        json={"code": second, "device": "door-2"})
    assert online.status_code == 201, online.text
    code_input.fill(second)
    code_input.press("Enter")
    page.get_by_role("button", name="Upload 2 offline scans").wait_for()

    usher.context.set_offline(False)
    page.reload()  # the scans were kept on the device
    staff._choose_show(page, door_world["day"], door_world["title"])
    with page.expect_response(lambda r: r.url.endswith("/offline-scans")) as uploaded:
        page.get_by_role("button", name="Upload 2 offline scans").click()
    report = uploaded.value.json()
    assert len(report["admitted"]) == 1 and report["refused"] == []
    [conflict] = report["conflicts"]
    went_in = datetime.fromisoformat(online.json()["admitted_at"]).astimezone(LONDON)
    status = page.get_by_role("status").filter(has_text="Uploaded: 1 admitted, 0 refused; scanned twice:")
    status.wait_for()
    assert f"ticket {conflict['ticket_id']} went in at {went_in:%H:%M}" in status.inner_text()
    assert status.inner_text().endswith("on web-door-offline.")
    page.get_by_test_id("admission-counts").filter(has_text="2 admitted of 2 sold").wait_for()
    check_page(page, "door-offline-uploaded")
    assert usher.outside_requests() == [] and usher.policy_violations() == []
