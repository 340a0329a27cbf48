"""Booking references for the box office: short, spoken easily, never misread."""

from __future__ import annotations

import re
import secrets

# No 0/O or 1/I: a reference is read aloud and typed by people.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """e.g. ``K7Q-4MZ``: 32^6 ≈ 10^9 codes; the unique index catches the rare repeat."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{code[:3]}-{code[3:]}"


def normalise_reference(text: str) -> str:
    """Accept what a cashier types: any case, with or without the dash or spaces."""
    compact = re.sub(r"[\s-]", "", text.upper())
    return f"{compact[:3]}-{compact[3:]}" if len(compact) == 6 else compact
