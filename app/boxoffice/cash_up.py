"""What a till should hold and what its shift took: the one home of the cash-up arithmetic.

Cash in the drawer = opening float + cash sales - cash refunds - cash voids. A cash sale puts
its price in the drawer whatever was tendered: the change went straight back out. Other
tenders (card terminal, online gateway) never touch the drawer, but the report counts them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from app.payments.gateways.counter import CASH

# What each kind of entry does to the drawer: a sale adds, a refund or a void takes out.
_DRAWER_SIGN = {"sale": 1, "refund": -1, "void": -1}


class Entry(Protocol):
    kind: str
    tender: str
    amount_minor: int
    change_minor: int | None


@dataclass
class Totals:
    count: int = 0
    amount_minor: int = 0


@dataclass
class ShiftSummary:
    expected_cash_minor: int
    change_given_minor: int
    # kind (sale, refund, void) -> tender (cash, terminal, gateway) -> totals
    by_kind: dict[str, dict[str, Totals]] = field(default_factory=dict)


def summarise(opening_float_minor: int, entries: Iterable[Entry]) -> ShiftSummary:
    """The expected cash in the drawer, the change handed out, and totals by kind and tender."""
    expected, change = opening_float_minor, 0
    by_kind: dict[str, dict[str, Totals]] = {kind: {} for kind in _DRAWER_SIGN}
    for entry in entries:
        totals = by_kind[entry.kind].setdefault(entry.tender, Totals())
        totals.count += 1
        totals.amount_minor += entry.amount_minor
        if entry.tender == CASH:
            expected += _DRAWER_SIGN[entry.kind] * entry.amount_minor
            change += entry.change_minor or 0
    return ShiftSummary(expected_cash_minor=expected, change_given_minor=change, by_kind=by_kind)


def change_due(total_minor: int, tendered_minor: int) -> int | None:
    """The change for a cash sale, or None when what was tendered does not cover it."""
    return tendered_minor - total_minor if tendered_minor >= total_minor else None
