"""Promo codes: every refusal reason of check_promo and the discount arithmetic."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from pricing_engine import (
    Basket,
    PricingInputError,
    PricingRule,
    Promo,
    PromoKind,
    PromoReason,
    PromoScope,
    PromoUsage,
    RuleKind,
    SeatRequest,
    ShowtimeContext,
    Tariff,
    TicketType,
    TimeCondition,
    check_promo,
    quote,
)

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
CHEAP_TUESDAY = PricingRule(
    "cheap-tue", "Cheap Tuesday", RuleKind.WEEKDAY, D("0.7"),
    TimeCondition(weekdays=frozenset({1})),
)  # fmt: skip
TARIFF = Tariff(
    cinema_id="c1",
    currency="GBP",
    tax_rate=D("0.2"),
    ticket_types=(TicketType("adult", "Adult", D("1")), TicketType("child", "Child", D("0.6"))),
    format_surcharges={"2D": D("1")},
    rules=(CHEAP_TUESDAY,),
)
WEDNESDAY_SHOW = ShowtimeContext("s1", "m1", datetime(2025, 3, 5, 19, 30), "2D")
TUESDAY_SHOW = replace(WEDNESDAY_SHOW, start_local=datetime(2025, 3, 4, 19, 30))


def basket(
    prices: tuple[int, ...] = (1000, 1000), showtime: ShowtimeContext = WEDNESDAY_SHOW, **kw
) -> Basket:
    seats = tuple(SeatRequest(f"A{i}", "standard", "adult", p) for i, p in enumerate(prices))
    return Basket(TARIFF, showtime, seats, **kw)


def promo(**changes: object) -> Promo:
    base = Promo("SPRING", PromoKind.PERCENT, PromoScope.TICKET, percent_off=D("20"))
    return replace(base, **changes)


NO_USAGE = PromoUsage()


def reason(p: Promo, b: Basket | None = None, usage: PromoUsage = NO_USAGE) -> PromoReason:
    return check_promo(p, b or basket(customer_id="cust-1"), NOW, usage).reason


def test_valid_promo_applies():
    result = check_promo(promo(), basket(), NOW, PromoUsage())
    assert result.applies and result.reason == PromoReason.OK
    assert result.message == "Code applied."


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"active": False}, PromoReason.INACTIVE),
        ({"valid_from": NOW.replace(hour=13)}, PromoReason.NOT_YET_VALID),
        ({"valid_from": NOW}, PromoReason.OK),  # start inclusive
        ({"valid_until": NOW}, PromoReason.EXPIRED),  # end exclusive
        ({"valid_until": NOW.replace(hour=11)}, PromoReason.EXPIRED),
        ({"cinema_ids": frozenset({"c2"})}, PromoReason.WRONG_CINEMA),
        ({"cinema_ids": frozenset({"c1", "c2"})}, PromoReason.OK),
        ({"movie_ids": frozenset({"m9"})}, PromoReason.WRONG_MOVIE),
        ({"min_tickets": 3}, PromoReason.TOO_FEW_TICKETS),
        ({"min_tickets": 2}, PromoReason.OK),
        ({"max_uses": 100}, PromoReason.USED_UP),
        ({"max_uses": 101}, PromoReason.OK),
        ({"max_uses_per_customer": 2}, PromoReason.CUSTOMER_LIMIT_REACHED),
        ({"max_uses_per_customer": 3}, PromoReason.OK),
    ],
)
def test_each_refusal_reason(changes, expected):
    usage = PromoUsage(total_uses=100, customer_uses=2)
    assert reason(promo(**changes), usage=usage) == expected


def test_wrong_currency_for_fixed_amount_promo():
    euro = promo(kind=PromoKind.FIXED, percent_off=None, amount_off_minor=500, currency="EUR")
    result = check_promo(euro, basket(), NOW, PromoUsage())
    assert result.reason == PromoReason.WRONG_CURRENCY
    assert "EUR" in result.message and "GBP" in result.message


def test_per_customer_limit_needs_a_known_customer():
    limited = promo(max_uses_per_customer=1)
    assert reason(limited, basket(customer_id=None)) == PromoReason.CUSTOMER_REQUIRED


def test_not_combinable_with_other_codes_or_with_offers():
    exclusive = promo(combinable=False)
    assert reason(exclusive, basket(other_promo_codes=("MEMBER",))) == PromoReason.NOT_COMBINABLE
    result = check_promo(exclusive, basket(showtime=TUESDAY_SHOW), NOW, PromoUsage())
    assert result.reason == PromoReason.NOT_COMBINABLE and "Cheap Tuesday" in result.message
    assert reason(exclusive, basket()) == PromoReason.OK
    assert reason(promo(), basket(showtime=TUESDAY_SHOW)) == PromoReason.OK  # combinable


def test_first_failing_check_wins():
    both = promo(active=False, cinema_ids=frozenset({"elsewhere"}))
    assert reason(both) == PromoReason.INACTIVE


def test_naive_and_aware_datetimes_are_not_mixed():
    naive = promo(valid_until=datetime(2025, 12, 31))
    with pytest.raises(PricingInputError, match="timezone"):
        check_promo(naive, basket(), NOW, PromoUsage())


def discounts(p: Promo, prices: tuple[int, ...]) -> list[int]:
    return [line.discount_minor for line in quote(basket(prices), p).lines]


def test_percent_per_ticket_rounds_each_line_half_up():
    assert discounts(promo(percent_off=D("12.5")), (1000, 1004, 1)) == [125, 126, 0]


def test_fixed_per_ticket_never_makes_a_line_negative():
    fixed = promo(kind=PromoKind.FIXED, percent_off=None, amount_off_minor=300, currency="GBP")
    assert discounts(fixed, (1000, 250)) == [300, 250]


def test_basket_percent_is_computed_once_and_spread_exactly():
    basket_pct = promo(scope=PromoScope.BASKET, percent_off=D("10"))
    assert discounts(basket_pct, (333, 333, 333)) == [34, 33, 33]  # 99.9 -> 100


def test_basket_fixed_is_capped_at_the_subtotal():
    fixed = promo(kind=PromoKind.FIXED, scope=PromoScope.BASKET, percent_off=None,
                  amount_off_minor=1000, currency="GBP")  # fmt: skip
    result = quote(basket((600, 399)), fixed)
    assert [line.final_minor for line in result.lines] == [0, 0]
    assert (result.discount_minor, result.total_minor, result.tax_minor) == (999, 0, 0)
    partial = quote(basket((600, 400)), replace(fixed, amount_off_minor=500))
    assert [line.discount_minor for line in partial.lines] == [300, 200]


def test_quote_refuses_a_promo_in_another_currency():
    euro = promo(kind=PromoKind.FIXED, percent_off=None, amount_off_minor=500, currency="EUR")
    with pytest.raises(PricingInputError, match="EUR"):
        quote(basket(), euro)


@pytest.mark.parametrize(
    "changes",
    [
        {"percent_off": D("0")},
        {"percent_off": D("100.01")},
        {"percent_off": 20.0},
        {"amount_off_minor": 100},  # percent promo with an amount too
        {"currency": "GBP"},
        {"kind": PromoKind.FIXED, "percent_off": None, "amount_off_minor": -5, "currency": "GBP"},
        {"kind": PromoKind.FIXED, "percent_off": None, "amount_off_minor": 500},
        {"kind": PromoKind.FIXED, "percent_off": None, "amount_off_minor": 5, "currency": "XXX"},
        {"valid_from": NOW, "valid_until": NOW},
        {"valid_from": NOW, "valid_until": datetime(2026, 1, 1)},  # aware vs naive
        {"max_uses": 0},
        {"min_tickets": 0},
        {"code": ""},
        {"scope": "everything"},
    ],
)
def test_invalid_promos_are_rejected(changes):
    with pytest.raises(PricingInputError):
        promo(**changes)


def test_hundred_percent_promo_makes_tickets_free():
    free = quote(basket((1000,)), promo(percent_off=D("100")))
    assert (free.total_minor, free.lines[0].final_minor) == (0, 0)


def test_customer_facing_messages_name_the_limit():
    result = check_promo(promo(min_tickets=4), basket(), NOW, PromoUsage())
    assert "at least 4 tickets" in result.message
    result = check_promo(promo(valid_from=datetime(2025, 4, 1, tzinfo=UTC)), basket(), NOW,
                         PromoUsage())  # fmt: skip
    assert "2025-04-01T00:00" in result.message


def test_promo_validity_is_judged_on_purchase_time_not_showtime():
    late = promo(valid_until=datetime(2025, 3, 4, tzinfo=UTC))
    evening = replace(WEDNESDAY_SHOW, start_local=datetime(2025, 3, 5, 23, 0))
    assert reason(late, basket(showtime=evening)) == PromoReason.OK
