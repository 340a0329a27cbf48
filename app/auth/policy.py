"""The password policy and e-mail normalisation, shared by registration, reset and the schemas."""

from __future__ import annotations

import re

from app.auth.passwords import MAX_PASSWORD_BYTES

MIN_PASSWORD_LENGTH = 10
# The handful that pass the length rule yet top every breached-password list.
COMMON_PASSWORDS = frozenset({
    "password123", "password1!", "qwerty1234", "1234567890", "123456789a", "iloveyou12",
    "letmein123", "welcome123", "admin12345", "passw0rd12",
})


def normalise_email(email: str) -> str:
    """One spelling per mailbox: surrounding spaces dropped, lower-cased (unique index relies on it)."""
    return email.strip().lower()


def password_problems(password: str, email: str = "") -> list[str]:
    """Every rule the password breaks, in words a user understands; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        problems.append(f"must be at most {MAX_PASSWORD_BYTES} bytes long")
    if not re.search(r"[^\W\d_]", password):
        problems.append("must contain a letter")
    if not re.search(r"[\d\W_]", password):
        problems.append("must contain a digit or a symbol")
    local_part = normalise_email(email).split("@")[0]
    if password.lower() in COMMON_PASSWORDS or (len(local_part) >= 3 and local_part in password.lower()):
        problems.append("is too easy to guess (a common password or your e-mail address)")
    return problems
