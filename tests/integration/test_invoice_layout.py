"""The invoice and credit note PDFs keep every word legible: none drawn over another, none
off the page, a long film title wrapped whole, and a buyer named even without a full name."""

from __future__ import annotations

import io
from itertools import combinations

import pdfplumber
import pytest

from app.extensions import db
from app.models import Invoice
from app.payments.refunds import refund_booking
from tests.payments_support import paid_booking

# 150 characters, with one word longer than any column could hold.
LONG_TITLE = ("The Extraordinarily Long and Winding Chronicle of a Projectionist Who "
              "Never Slept: Director's Cut Remastered Supercalifragilisticexpialidocious")
TOLERANCE = 0.5  # points: glyph boxes that merely touch are not an overlap


def _words(pdf: bytes) -> list[tuple[int, dict, float, float]]:
    """Every word with its page, in the order drawn: a word drawn over another stays a word
    of its own instead of being merged with it by reading order."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [(page.page_number, word, page.width, page.height)
                for page in document.pages
                for word in page.extract_words(use_text_flow=True, keep_blank_chars=False)]


def _overlapping(words) -> list[tuple[str, str]]:
    clashes = []
    for (page_a, a, *_), (page_b, b, *_) in combinations(words, 2):
        if page_a != page_b:
            continue
        wide = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
        high = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
        if wide > TOLERANCE and high > TOLERANCE:
            clashes.append((a["text"], b["text"]))
    return clashes


def _off_page(words) -> list[str]:
    return [word["text"] for _, word, width, height in words
            if word["x0"] < 0 or word["top"] < 0 or word["x1"] > width or word["bottom"] > height]


def _pdf(client, factory, customer, payment, number: str | None = None) -> bytes:
    query = f"?number={number}" if number else ""
    response = client.get(f"/api/payments/{payment.id}/invoice{query}",
                          headers=factory.headers(customer))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


@pytest.fixture
def nameless_booking(client, factory):
    customer = factory.user(email="nameless@example.test")
    customer.full_name = ""  # registration leaves it empty when none is given
    db.session.commit()
    cinema = factory.cinema("Rex Cinema", address_line="1 High Street", city="London",
                            postal_code="N1 9GU", vat_number="GB123456789")
    screen = factory.screen(cinema, rows=5, seats_per_row=8)
    movie = factory.movie(LONG_TITLE)
    showtime = factory.showtime(screen, movie)
    booking, payment = paid_booking(client, factory, customer, seats=3, showtime=showtime)
    return customer, booking, payment


def _assert_legible(pdf: bytes, booking) -> str:
    words = _words(pdf)
    assert _overlapping(words) == []
    assert _off_page(words) == []
    text = " ".join(word["text"] for _, word, *_ in words)
    for seat in ("A1", "A2", "A3"):
        assert seat in text.split()
    # Wrapped, not cut: every word of the title is printed (the longest one maybe split).
    for part in LONG_TITLE.split()[:-1]:
        assert part in text
    billed = [line for line in _lines(pdf) if line.startswith("Billed to")]
    # The e-mail stands for the missing name, not an empty name before it.
    assert billed == [f"Billed to: nameless@example.test, booking {booking.reference}"]
    return text


def _lines(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [line for page in document.pages for line in page.extract_text().splitlines()]


def test_an_invoice_for_a_long_title_and_a_nameless_customer_has_no_overlapping_words(
        client, factory, nameless_booking):
    customer, booking, payment = nameless_booking

    _assert_legible(_pdf(client, factory, customer, payment), booking)


def test_a_credit_note_for_a_long_title_and_a_nameless_customer_has_no_overlapping_words(
        client, factory, nameless_booking):
    customer, booking, payment = nameless_booking
    refund = refund_booking(booking.id, actor=None, reason="showtime_cancelled")
    note = db.session.scalar(db.select(Invoice).where(Invoice.refund_id == refund.id))

    text = _assert_legible(_pdf(client, factory, customer, payment, note.number), booking)

    assert "Credit note" in text and note.number in text
