"""Money arithmetic on integer minor units.

Every amount the library accepts or returns is an ``int`` of minor units (cents, pence,
yen...) together with an ISO 4217 code. Intermediate products (base x multipliers) are
exact ``Decimal`` values and are rounded exactly once per seat line, so the result does
not depend on how many multipliers were stacked or in which order.

Rounding rule everywhere: ROUND_HALF_UP (half a minor unit rounds away from zero; all
our amounts are non-negative, so "up"). That is the rule customers expect from a till
receipt, unlike banker's rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from pricing_engine.errors import PricingInputError

# ISO 4217 minor-unit exponents for currencies a cinema chain plausibly sells in. The
# exponent does not change any arithmetic (amounts are already minor units); it is
# needed to render amounts for humans and to reject unknown codes early.
CURRENCY_EXPONENTS: dict[str, int] = {
    "AED": 2, "AUD": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2, "CLP": 0, "CNY": 2,
    "CZK": 2, "DKK": 2, "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2,
    "INR": 2, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3, "MXN": 2, "NOK": 2,
    "NZD": 2, "OMR": 3, "PLN": 2, "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TND": 3,
    "TRY": 2, "TWD": 2, "USD": 2, "VND": 0, "ZAR": 2,
}  # fmt: skip

_ONE = Decimal(1)


def currency_exponent(currency: str) -> int:
    """Return the ISO 4217 exponent; unknown codes are rejected so typos fail loudly."""
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise PricingInputError(f"unknown or unsupported currency code {currency!r}") from None


def round_half_up(amount: Decimal) -> int:
    """Round an exact Decimal amount of minor units to an int, half away from zero."""
    return int(amount.quantize(_ONE, rounding=ROUND_HALF_UP))


def round_to_step(amount: Decimal, step: int = 1) -> int:
    """Round an exact amount of minor units to the nearest multiple of ``step``, half up.

    One rounding straight from the exact value (never round-then-round-again, which would
    turn 1814.5 into 1815 and then 1820 with a step of 10). ``step`` > 1 lets a cinema
    price in whole 10 or 50 minor units (12.30 EUR, 1,820 JPY).
    """
    if step == 1:
        return round_half_up(amount)
    return round_half_up(amount / step) * step


def tax_included(total: int, rate: Decimal) -> int:
    """Tax contained in a tax-inclusive ``total``: total x rate / (1 + rate), half up.

    Computed once per document (not per line), so the tax shown equals what the tax
    authority would compute from the document total.
    """
    return round_half_up(Decimal(total) * rate / (_ONE + rate))


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split ``amount`` in proportion to ``weights`` with the largest-remainder method.

    Used to spread a basket-level discount over seat lines so each line shows its own net
    price (needed for single-seat refunds) and the parts sum exactly to ``amount``.
    Ties in the remainder go to the earlier line, which keeps the result deterministic.
    """
    total_weight = sum(weights)
    if total_weight == 0:
        return [0] * len(weights)
    shares = [amount * w // total_weight for w in weights]
    remainders = [amount * w % total_weight for w in weights]
    leftover = amount - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:leftover]:
        shares[i] += 1
    return shares


def format_minor(amount: int, currency: str) -> str:
    """Render minor units for humans, e.g. ``format_minor(1250, "EUR") == "12.50 EUR"``."""
    exponent = currency_exponent(currency)
    major = Decimal(amount).scaleb(-exponent)
    return f"{major:.{exponent}f} {currency}"
