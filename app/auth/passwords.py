"""bcrypt password hashing with the cost from config (10 rounds in production)."""

from __future__ import annotations

import bcrypt
from flask import current_app

# bcrypt only looks at the first 72 bytes; longer passwords are refused by the policy.
MAX_PASSWORD_BYTES = 72


def hash_password(password: str) -> str:
    rounds = current_app.config["BCRYPT_ROUNDS"]
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    encoded = password.encode()
    if len(encoded) > MAX_PASSWORD_BYTES:
        return False
    return bcrypt.checkpw(encoded, password_hash.encode())
