"""Invoices and credit notes are private: only their authorised endpoint or a short-lived signed link
serves them; /media serves posters to anyone and private files only with a valid signature."""

from __future__ import annotations

import time
import urllib.request
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from app.common import clock
from app.common.storage import StorageError, public_url
from app.extensions import db
from app.models import Invoice
from app.payments.refunds import refund_booking
from tests.integration.test_movies_posters import BUCKET, s3, s3_endpoint  # noqa: F401 - fixtures
from tests.payments_support import paid_booking


def _invoice_url(payment) -> str:
    return f"/api/payments/{payment.id}/invoice"


def _stored_invoice(client, factory, customer, **kwargs):
    """A paid booking whose invoice PDF is stored (its owner has fetched it once)."""
    booking, payment = paid_booking(client, factory, customer, **kwargs)
    assert client.get(_invoice_url(payment), headers=factory.headers(customer)).status_code == 200
    invoice = db.session.scalar(db.select(Invoice).where(Invoice.payment_id == payment.id))
    return booking, payment, invoice


def _link(client, factory, user, payment, **query):
    suffix = f"?{urlencode(query)}" if query else ""
    return client.get(f"{_invoice_url(payment)}/link{suffix}", headers=factory.headers(user))


def test_an_invoice_file_is_not_served_at_its_media_path(client, factory):
    customer, stranger = factory.user(), factory.user()
    _, payment, invoice = _stored_invoice(client, factory, customer)
    # The path an attacker walks: sequential numbers under a predictable folder.
    guessed = f"/media/invoices/{invoice.cinema_id}/{invoice.year}/{invoice.number}.pdf"

    for path in (f"/media/{invoice.storage_key}", guessed):
        anonymous = client.get(path)
        assert anonymous.status_code == 404, path
        assert anonymous.json["reason"] == "not_found"
        assert client.get(path, headers=factory.headers(stranger)).status_code == 404
        assert client.get(path, headers=factory.headers(customer)).status_code == 404

    owner = client.get(_invoice_url(payment), headers=factory.headers(customer))
    assert owner.status_code == 200 and owner.mimetype == "application/pdf"
    assert client.get(_invoice_url(payment)).status_code == 401
    assert client.get(_invoice_url(payment), headers=factory.headers(stranger)).status_code == 404


def test_the_stored_key_cannot_be_guessed_from_the_invoice_number(client, factory):
    _, _, invoice = _stored_invoice(client, factory, factory.user())
    assert invoice.storage_key.startswith(f"invoices/{invoice.cinema_id}/{invoice.year}/{invoice.number}-")
    assert len(invoice.storage_key.rsplit("-", 1)[1]) >= len("0123456789abcdef0123456789abcdef.pdf")


def test_a_dot_dot_under_the_public_folder_does_not_reach_a_private_file(client, factory):
    _, _, invoice = _stored_invoice(client, factory, factory.user())
    for path in (f"/media/posters/../{invoice.storage_key}", f"/media/posters/%2e%2e/{invoice.storage_key}"):
        assert client.get(path).status_code == 404, path


def test_the_owner_and_staff_of_the_cinema_get_a_signed_link_others_do_not(client, factory):
    customer, stranger = factory.user(), factory.user()
    cinema, elsewhere = factory.cinema(), factory.cinema()
    _, payment, invoice = _stored_invoice(client, factory, customer, cinema=cinema)
    own_staff = factory.user("staff", cinemas=[cinema])
    other_staff = factory.user("staff", cinemas=[elsewhere])

    before = clock.now()
    link = _link(client, factory, customer, payment)
    assert link.status_code == 200, link.json
    assert link.headers["Cache-Control"] == "no-store"
    expires_at = datetime.fromisoformat(link.json["expires_at"])
    assert before + timedelta(seconds=299) <= expires_at <= clock.now() + timedelta(seconds=300)
    served = client.get(link.json["url"])  # no token: the signature is the authority
    assert served.status_code == 200 and served.mimetype == "application/pdf"
    assert served.data == client.get(_invoice_url(payment), headers=factory.headers(customer)).data
    assert "no-store" in served.headers["Cache-Control"]

    assert _link(client, factory, own_staff, payment).status_code == 200
    assert _link(client, factory, stranger, payment).status_code == 404
    assert _link(client, factory, other_staff, payment).status_code == 403
    assert client.get(f"{_invoice_url(payment)}/link").status_code == 401
    assert invoice.storage_key in link.json["url"]


def test_a_signed_link_expires(client, factory):
    customer = factory.user()
    _, payment, _ = _stored_invoice(client, factory, customer)
    url = _link(client, factory, customer, payment).json["url"]
    expires = datetime.fromtimestamp(int(parse_qs(urlparse(url).query)["expires"][0]), UTC)

    # Up to the second before its expiry (the clock runs on in real time: a second to spare).
    clock.advance(expires - clock.now() - timedelta(seconds=1))
    assert client.get(url).status_code == 200
    clock.advance(timedelta(seconds=1))
    expired = client.get(url)
    assert expired.status_code == 403
    assert expired.json["reason"] == "link_expired"


@pytest.mark.parametrize("tamper", ["signature", "expires", "expires_not_a_number", "key"])
def test_a_tampered_link_is_refused(client, factory, tamper):
    customer = factory.user()
    _, payment, invoice = _stored_invoice(client, factory, customer)
    _, other_payment, other = _stored_invoice(client, factory, customer)
    url = urlparse(_link(client, factory, customer, payment).json["url"])
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    path = url.path
    if tamper == "signature":
        query["signature"] = query["signature"][:-2] + ("AA" if query["signature"][-2:] != "AA" else "BB")
    elif tamper == "expires":
        query["expires"] = str(int(query["expires"]) + 3600)
    elif tamper == "expires_not_a_number":
        query["expires"] = "1e99"
    else:  # the next invoice's file, with this one's signature
        path = f"/media/{other.storage_key}"

    refused = client.get(f"{path}?{urlencode(query)}")

    assert refused.status_code == 404
    assert refused.json["reason"] == "not_found"


def test_a_credit_note_has_a_link_of_its_own(client, factory):
    customer = factory.user()
    booking, payment = paid_booking(client, factory, customer, seats=2)
    refund = refund_booking(booking.id, actor=None, reason="showtime_cancelled")
    note = db.session.scalar(db.select(Invoice).where(Invoice.refund_id == refund.id))

    link = _link(client, factory, customer, payment, number=note.number)

    assert link.status_code == 200, link.json
    served = client.get(link.json["url"])
    assert served.status_code == 200 and served.mimetype == "application/pdf"
    db.session.expire_all()
    assert db.session.get(Invoice, note.id).storage_key in link.json["url"]
    assert client.get(f"/media/{db.session.get(Invoice, note.id).storage_key}").status_code == 404


def test_posters_stay_public_and_only_public_keys_get_a_public_url(app):
    assert public_url("posters/42/abc.jpg") == "/media/posters/42/abc.jpg"
    for key in ("invoices/1/2026/INV-2026-001-000001.pdf", "posters/../invoices/x.pdf", "other/x"):
        with pytest.raises(StorageError):
            public_url(key)


def test_with_a_bucket_the_link_is_presigned_for_five_minutes(client, factory, s3):  # noqa: F811
    customer = factory.user()
    _, payment, invoice = _stored_invoice(client, factory, customer)

    link = _link(client, factory, customer, payment)

    assert link.status_code == 200, link.json
    url = urlparse(link.json["url"])
    assert url.path == f"/{BUCKET}/{invoice.storage_key}"
    query = parse_qs(url.query)
    if "X-Amz-Expires" in query:  # SigV4 states the lifetime, SigV2 the moment (real time)
        assert query["X-Amz-Expires"] == ["300"]
    else:
        assert 295 < int(query["Expires"][0]) - time.time() <= 301
    with urllib.request.urlopen(link.json["url"]) as response:  # noqa: S310 - moto on 127.0.0.1
        assert response.read()[:5] == b"%PDF-"
    # No bucket key is served by the app, signed or not.
    assert client.get(f"/media/{invoice.storage_key}").status_code == 404
