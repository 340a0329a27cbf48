"""A client generated from the served OpenAPI document drives the whole customer journey.

openapi-python-client (a third-party generator, pinned in requirements-dev.txt) turns
``/api/openapi.json`` into a Python package, without a warning; the test imports it and, through
its generated methods and models only, registers, logs in, browses, reads the seat map, holds,
books, pays with the sandbox's test card, reads the invoice and cancels, against a real Gunicorn.
A refusal comes back as the generated ``Error`` model, its ``reason`` a member of the enum.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import uuid

import httpx
import pytest

from tests.e2e.conftest import BIN, plain_api_server

PASSWORD = "Generated-pass-2026"
PACKAGE = "cinemaos_client"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    with plain_api_server(tmp_path_factory.mktemp("server"), "client") as base:
        yield base


@pytest.fixture(scope="module")
def generated(server, tmp_path_factory):
    """The package openapi-python-client generates from the served document, imported."""
    tmp_path = tmp_path_factory.mktemp("client")
    document = tmp_path / "openapi.json"
    document.write_bytes(httpx.get(f"{server}/api/openapi.json").content)
    config = tmp_path / "generator.yaml"
    # No formatter run over the generated code; a PDF-only answer (printable tickets) is bytes.
    config.write_text("post_hooks: []\n"
                      "content_type_overrides:\n  application/pdf: application/octet-stream\n")
    run = subprocess.run(
        [BIN / "openapi-python-client", "generate", "--path", document, "--meta", "none",
         "--config", config, "--output-path", tmp_path / PACKAGE],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # The generator names every part of the document it could not turn into code.
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.mark.xfail(strict=True, raises=UnboundLocalError, reason=(
    "openapi-python-client 0.29.1 names the movie's `cast` property `cast`, shadowing the typing.cast "
    "its Movie.from_dict calls: a generator bug no document change avoids short of renaming the field"))
def test_a_generated_client_reads_a_movie(server, generated, factory):
    movie_id = factory.movie("The Generated Way", cast=["First Actor"]).id
    with generated.Client(base_url=server, timeout=httpx.Timeout(20)) as anonymous:
        movie = _module(generated, "api.movies.get_movie").sync(movie_id, client=anonymous)
    assert movie.title == "The Generated Way" and movie.cast == ["First Actor"]


def _module(package, dotted: str):
    return importlib.import_module(f"{package.__name__}.{dotted}")


def test_customer_journey_through_a_generated_client(server, generated, factory):
    api = lambda name: _module(generated, f"api.{name}")  # noqa: E731
    models = _module(generated, "models")
    cinema = factory.cinema("Generated Picturehouse", refund_cutoff_hours=2)
    movie = factory.movie("The Generated Way")
    showtime = factory.showtime(factory.screen(cinema, rows=3, seats_per_row=8), movie)
    showtime_id, movie_id = showtime.id, movie.id
    address = f"client-{uuid.uuid4().hex[:8]}@example.org"

    with generated.Client(base_url=server, timeout=httpx.Timeout(20)) as anonymous:
        registered = api("auth.register").sync_detailed(client=anonymous, body=models.Register(
            email=address, password=PASSWORD, full_name="Ada Generated"))
        assert registered.status_code == 201, registered.content
        assert registered.parsed.email == address
        tokens = api("auth.login").sync(client=anonymous, body=models.Login(email=address, password=PASSWORD))
        assert isinstance(tokens, models.Token), tokens

        # Browse: the film's showtimes, one of them, its seat map (the film itself: below).
        listed = api("scheduling.list_showtimes").sync(client=anonymous, movie_id=movie_id)
        assert [item.id for item in listed] == [showtime_id]
        assert api("scheduling.get_showtime").sync(showtime_id, client=anonymous).movie_id == movie_id
        seat_map = api("bookings.get_seat_map").sync(showtime_id, client=anonymous)
        wanted = [seat.id for seat in seat_map.seats if seat.status == "available"][:2]

    with generated.AuthenticatedClient(base_url=server, token=tokens.access_token,
                                       timeout=httpx.Timeout(20)) as customer:
        assert api("auth.get_current_user").sync(client=customer).email == address

        # Hold, book, pay with the sandbox's test card.
        hold = api("bookings.hold_seats").sync(client=customer, body=models.HoldRequest(
            showtime_id=showtime_id, seat_ids=wanted))
        assert isinstance(hold, models.Hold), hold
        booking = api("bookings.create_booking").sync(client=customer, body=models.BookingRequest(
            hold_id=hold.hold_id))
        assert isinstance(booking, models.Booking), booking
        assert booking.status == "pending_payment"
        paid = api("payments.process_payment").sync(
            client=customer, idempotency_key=f"generated-{uuid.uuid4()}",
            body=models.ProcessPayment(booking_id=booking.id, payment_method="pm_card_visa"))
        assert isinstance(paid, models.ProcessedPayment), paid
        assert paid.booking_status == "confirmed" and paid.amount_minor == hold.total_minor
        assert api("bookings.get_booking").sync(booking.id, client=customer).status == "confirmed"

        # The invoice: its figures as JSON (the PDF is the answer to any other Accept), and a
        # short-lived link to the PDF.
        invoice = api("payments.get_payment_invoice").sync(
            paid.id, client=customer.with_headers({"Accept": "application/json"}))
        assert isinstance(invoice, models.Invoice), invoice
        assert invoice.total_minor == paid.amount_minor
        link = api("payments.get_payment_invoice_link").sync(paid.id, client=customer)
        pdf = httpx.get(link.url if link.url.startswith("http") else server + link.url)
        assert pdf.headers["content-type"] == "application/pdf"

        # Someone else's hold of the same seats is refused, in the generated Error model.
        other = f"other-{uuid.uuid4().hex[:8]}@example.org"
        with generated.Client(base_url=server, timeout=httpx.Timeout(20)) as anonymous:
            api("auth.register").sync(client=anonymous, body=models.Register(email=other, password=PASSWORD))
            other_token = api("auth.login").sync(
                client=anonymous, body=models.Login(email=other, password=PASSWORD)).access_token
        with generated.AuthenticatedClient(base_url=server, token=other_token) as rival:
            refused = api("bookings.hold_seats").sync(client=rival, body=models.HoldRequest(
                showtime_id=showtime_id, seat_ids=wanted))
        assert isinstance(refused, models.Error), refused
        assert refused.reason == models.ErrorReason.SEATS_TAKEN and refused.code == models.ErrorCode.VALUE_409

        # Cancel: the booking is cancelled and the payment refunded by itself.
        cancelled = api("bookings.cancel_booking").sync(booking.id, client=customer)
        assert isinstance(cancelled, models.Booking), cancelled
        assert cancelled.status == "cancelled"
        payment = api("payments.get_payment").sync(paid.id, client=customer)
        assert payment.status == "refunded" and payment.refunded_minor == paid.amount_minor
