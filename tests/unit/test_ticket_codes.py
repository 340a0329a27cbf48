"""Ticket codes: short, verifiable by any listed key, refused when altered or signed elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from app.tickets.codes import CodeRefused, read_code, ticket_code

VALID_UNTIL = datetime(2026, 12, 5, 21, 45, tzinfo=UTC)


@pytest.fixture
def keys():
    app = Flask(__name__)
    app.config.update(TICKET_SIGNING_KEYS={"k2": "b" * 40, "k1": "a" * 40}, TICKET_SIGNING_KEY_ID="k2")
    with app.app_context():
        yield app.config


def test_a_code_is_short_and_says_what_it_was_signed_with(keys):
    code = ticket_code(1_234_567, 89_012, 345_678, VALID_UNTIL)
    assert len(code) < 70 and code.split(".")[1] == "k2"
    claim = read_code(code)
    assert (claim.ticket_id, claim.showtime_id, claim.seat_id, claim.valid_until, claim.key_id) == (
        1_234_567, 89_012, 345_678, VALID_UNTIL, "k2")


def test_an_older_listed_key_still_verifies_and_a_dropped_one_does_not(keys):
    old = ticket_code(7, 8, 9, VALID_UNTIL, key_id="k1")
    assert read_code(old).key_id == "k1"
    del keys["TICKET_SIGNING_KEYS"]["k1"]
    with pytest.raises(CodeRefused) as refused:
        read_code(old)
    assert refused.value.reason == "unknown_key"


@pytest.mark.parametrize(("change", "reason"), [
    (lambda c: c.replace(".7-", ".8-"), "invalid_signature"),
    (lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"), "invalid_signature"),
    (lambda c: c.replace("CT1.", "CT2."), "invalid_ticket_code"),
    (lambda c: "42", "invalid_ticket_code"),
    (lambda c: c + ".x", "invalid_ticket_code"),
])
def test_altered_codes_are_refused(keys, change, reason):
    with pytest.raises(CodeRefused) as refused:
        read_code(change(ticket_code(7, 8, 9, VALID_UNTIL)))
    assert refused.value.reason == reason
