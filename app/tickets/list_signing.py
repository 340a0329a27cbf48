"""Signatures of offline check-in lists that a scanner can verify on its own.

A scanner that has lost the network must still be sure the list it holds came from us,
unaltered. An HMAC would need the scanner to hold the secret, and a secret on a lost scanner
could sign lists of its own, so the list is signed with Ed25519: the scanner keeps only the
public key (``GET /api/checkin-list-keys``, fetched while online) and can verify, never sign.

The signing key of each key id is derived from that id's ticket secret (HKDF-SHA256 with a label
of its own), so rotating ``TICKET_SIGNING_KEYS`` rotates list keys with it and no second secret
has to be set, kept and rotated. Knowing the public key reveals nothing of the ticket secret.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app

_LABEL = b"cinemaos checkin-list ed25519"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@lru_cache(maxsize=16)
def _private_key(secret: str) -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL).derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def canonical(body: dict) -> bytes:
    """The bytes signed: the JSON of the body with sorted keys and no spaces."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def sign_list(body: dict) -> str:
    """The Ed25519 signature (base64url) of a check-in list's body, by its ``key_id``'s key."""
    secret = current_app.config["TICKET_SIGNING_KEYS"][body["key_id"]]
    return _b64(_private_key(secret).sign(canonical(body)))


def public_keys() -> dict[str, str]:
    """Every listed key id's public list key, raw 32 bytes in base64url."""
    return {kid: _b64(_private_key(secret).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
            for kid, secret in current_app.config["TICKET_SIGNING_KEYS"].items()}


def verify_list(listing: dict, public_key: str) -> bool:
    """What a scanner does: true when ``listing`` (with its ``signature``) is unaltered and
    signed by the holder of ``public_key``."""
    body = {name: value for name, value in listing.items() if name != "signature"}
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public_key)).verify(
            _unb64(listing.get("signature") or ""), canonical(body))
    except (InvalidSignature, ValueError):
        return False
    return True
