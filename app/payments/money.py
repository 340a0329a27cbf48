"""Formatting integer minor units for people (e-mails, invoices); arithmetic stays in integers."""

from __future__ import annotations

# ISO 4217 currencies without minor units (Stripe's list of zero-decimal currencies).
_ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX",
                 "VND", "VUV", "XAF", "XOF", "XPF"}


def format_money(amount_minor: int, currency: str) -> str:
    """``1250, "GBP"`` -> ``"12.50 GBP"``; ``-1250`` -> ``"-12.50 GBP"``."""
    if currency.upper() in _ZERO_DECIMAL:
        return f"{amount_minor} {currency}"
    sign = "-" if amount_minor < 0 else ""
    units, cents = divmod(abs(amount_minor), 100)
    return f"{sign}{units:,}.{cents:02d} {currency}"
