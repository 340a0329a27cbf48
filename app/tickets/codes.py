"""The code in a ticket's QR: compact, signed, self-describing, and verifiable after key rotation.

``CT1.<kid>.<ticket>-<showtime>-<seat>-<valid until>.<tag>``: the ticket (booked seat), showtime
and seat ids and the end of the show in minutes since the epoch, all in base 36, then the first
16 bytes of an HMAC-SHA256 over everything before it, in base64url (22 characters). About 50
characters: a small QR on a phone screen or a thermal printer. The ids alone admit nobody; any
change to them breaks the tag. ``kid`` names the key that signed it
(``TICKET_SIGNING_KEYS``), so a new key signs new tickets while every listed older key still
verifies the ones already sold.

The code is deterministic: the same ticket gives the same code wherever it is shown (e-mail,
booking page, PDF), so no code has to be stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app

PREFIX = "CT1"
TAG_BYTES = 16


@dataclass(frozen=True)
class TicketClaim:
    """What a code says (trustworthy once :func:`read_code` returned it)."""

    ticket_id: int
    showtime_id: int
    seat_id: int
    valid_until: datetime
    key_id: str


class CodeRefused(Exception):
    """A code that is not ours: ``reason`` is ``invalid_ticket_code`` (not a ticket code at
    all), ``unknown_key`` (signed by a key not listed) or ``invalid_signature`` (altered or forged)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if not number:
            return text


def _tag(secret: str, signed: str) -> str:
    digest = hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest()[:TAG_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def ticket_code(ticket_id: int, showtime_id: int, seat_id: int, valid_until: datetime,
                *, key_id: str | None = None) -> str:
    """The code of a ticket, signed with ``key_id`` (default: the current signing key)."""
    key_id = key_id or current_app.config["TICKET_SIGNING_KEY_ID"]
    minutes = int(valid_until.timestamp()) // 60
    body = "-".join(_b36(n) for n in (ticket_id, showtime_id, seat_id, minutes))
    signed = f"{PREFIX}.{key_id}.{body}"
    return f"{signed}.{_tag(current_app.config['TICKET_SIGNING_KEYS'][key_id], signed)}"


def read_code(code: str) -> TicketClaim:
    """Verify a scanned code and say what it claims; :class:`CodeRefused` when it is not ours."""
    parts = code.strip().split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise CodeRefused("invalid_ticket_code", "This is not a CinemaOS ticket code")
    _, key_id, body, tag = parts
    secret = current_app.config["TICKET_SIGNING_KEYS"].get(key_id)
    if secret is None:
        raise CodeRefused("unknown_key", f"The ticket was signed with key {key_id!r}, which is not "
                                         "(or no longer) listed")
    if not hmac.compare_digest(_tag(secret, f"{PREFIX}.{key_id}.{body}"), tag):
        raise CodeRefused("invalid_signature", "The ticket code was altered or forged")
    try:
        ticket_id, showtime_id, seat_id, minutes = (int(field, 36) for field in body.split("-"))
    except ValueError as exc:  # signed by us, so only a key shared with another system gets here
        raise CodeRefused("invalid_ticket_code", "The ticket code is malformed") from exc
    return TicketClaim(ticket_id, showtime_id, seat_id, datetime.fromtimestamp(minutes * 60, UTC), key_id)


def code_hash(code: str) -> str:
    """How an offline check-in list names a code: a scanner hashes what it reads and looks it up,
    so the list admits exactly the codes we issued without holding a key that could sign more."""
    return hashlib.sha256(code.encode()).hexdigest()[:32]
