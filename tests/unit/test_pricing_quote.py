"""Rule-based quotes: order of application, each rule kind, rounding, bounds, tax, trace."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal as D
from decimal import localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing_engine import (
    Basket,
    PricingInputError,
    PricingRule,
    Promo,
    PromoKind,
    PromoScope,
    RuleKind,
    SeatRequest,
    ShowtimeContext,
    StepKind,
    Tariff,
    TicketType,
    TimeCondition,
    quote,
)
from pricing_engine.rounding import (
    allocate,
    format_minor,
    round_half_up,
    round_to_step,
    tax_included,
)

TUESDAY = datetime(2025, 3, 4, 20, 0)  # 2025-03-04 is a Tuesday
SATURDAY = datetime(2025, 3, 8, 20, 0)

RULES = (
    PricingRule("cheap-tue", "Cheap Tuesday", RuleKind.WEEKDAY, D("0.7"),
                TimeCondition(weekdays=frozenset({1}), on_holidays=False)),
    PricingRule("weekend", "Weekend", RuleKind.WEEKDAY, D("1.1"),
                TimeCondition(weekdays=frozenset({5, 6}))),
    PricingRule("holiday", "Public holiday", RuleKind.HOLIDAY, D("1.15"),
                TimeCondition(on_holidays=True)),
    PricingRule("matinee", "Matinee", RuleKind.MATINEE, D("0.85"),
                TimeCondition(start_before=time(17))),
    PricingRule("early-bird", "Early bird", RuleKind.MATINEE, D("0.75"),
                TimeCondition(start_before=time(12)), priority=10),
    PricingRule("late", "Late night", RuleKind.LATE_NIGHT, D("0.9"),
                TimeCondition(start_from=time(22), start_before=time(3))),
)  # fmt: skip


SEAT_A1 = SeatRequest("A1", "standard", "adult", 1000)


def make_tariff(**changes: object) -> Tariff:
    tariff = Tariff(
        cinema_id="c1",
        currency="EUR",
        tax_rate=D("0.07"),
        ticket_types=(
            TicketType("adult", "Adult", D("1")),
            TicketType("child", "Child", D("0.7")),
            TicketType("half", "Half price", D("0.5")),
        ),
        format_surcharges={"2D": D("1"), "3D": D("1.2"), "IMAX": D("1.35"), "4DX": D("1.5")},
        rules=RULES,
    )
    return replace(tariff, **changes)


def make_basket(
    start: datetime = TUESDAY,
    fmt: str = "2D",
    dynamic: D = D("1"),
    seats: tuple[tuple[str, int], ...] = (("adult", 1000),),
    tariff: Tariff | None = None,
    holidays: frozenset[date] = frozenset(),
) -> Basket:
    showtime = ShowtimeContext("s1", "m1", start, fmt, dynamic, holidays)
    requests = tuple(
        SeatRequest(f"A{i}", "standard", ticket, base) for i, (ticket, base) in enumerate(seats)
    )
    return Basket(tariff or make_tariff(), showtime, requests)


def one_line(basket: Basket):
    return quote(basket).lines[0]


def test_full_order_of_application_and_trace():
    # Tuesday 11:00, 3D, child, dynamic 1.10: every multiplicative step applies once.
    basket = make_basket(datetime(2025, 3, 4, 11, 0), "3D", D("1.10"), (("child", 1200),))
    line = one_line(basket)
    # 1200 x 0.7 x 1.2 x 0.7 (cheap Tuesday) x 0.75 (early bird beats matinee) x 1.1
    assert line.list_minor == line.final_minor == 582  # 582.12
    kinds = [step.kind for step in line.trace]
    assert kinds == [
        StepKind.BASE, StepKind.TICKET_TYPE, StepKind.FORMAT, StepKind.WEEKDAY,
        StepKind.MATINEE, StepKind.DYNAMIC, StepKind.ROUNDING,
    ]  # fmt: skip
    assert [s.step_id for s in line.trace][3:5] == ["cheap-tue", "early-bird"]
    assert [s.price_after for s in line.trace] == [
        D(1200),
        D("840.0"),
        D("1008.00"),
        D("705.600"),
        D("529.2000"),
        D("582.12000"),
        D(582),
    ]


def test_time_rule_kinds_stack_across_kinds():
    holiday_saturday = datetime(2025, 3, 8, 14, 0)
    basket = make_basket(holiday_saturday, holidays=frozenset({holiday_saturday.date()}))
    line = one_line(basket)
    assert [s.step_id for s in line.trace if s.factor is not None][1:-1] == [
        "weekend", "holiday", "matinee",
    ]  # fmt: skip
    assert line.list_minor == round_half_up(D(1000) * D("1.1") * D("1.15") * D("0.85"))


def test_cheap_tuesday_is_not_offered_on_a_holiday_tuesday():
    assert one_line(make_basket(TUESDAY)).list_minor == 700
    holiday = make_basket(TUESDAY, holidays=frozenset({TUESDAY.date()}))
    assert one_line(holiday).list_minor == 1150


@pytest.mark.parametrize(
    ("start", "late"),
    [(time(21, 59), False), (time(22, 0), True), (time(23, 30), True),
     (time(0, 30), True), (time(2, 59), True), (time(3, 0), False)],
)  # fmt: skip
def test_late_night_window_wraps_midnight(start, late):
    wednesday = datetime.combine(date(2025, 3, 5), start)
    steps = {s.step_id for s in one_line(make_basket(wednesday)).trace}
    assert ("late" in steps) is late


def test_priority_then_id_breaks_ties_within_a_kind_and_inactive_rules_are_ignored():
    always = TimeCondition()
    rules = (
        PricingRule("b", "B", RuleKind.WEEKDAY, D("0.9"), always, priority=1),
        PricingRule("a", "A", RuleKind.WEEKDAY, D("0.8"), always, priority=1),
        PricingRule("z", "Z", RuleKind.WEEKDAY, D("0.5"), always, priority=5, active=False),
    )
    line = one_line(make_basket(tariff=make_tariff(rules=rules)))
    assert [s.step_id for s in line.trace if s.kind == StepKind.WEEKDAY] == ["a"]
    assert line.list_minor == 800


@settings(max_examples=60, deadline=None)
@given(st.permutations(RULES), st.integers(0, 100_000), st.sampled_from(["2D", "3D", "IMAX"]))
def test_price_does_not_depend_on_rule_order(rules, base, fmt):
    start = datetime(2025, 3, 4, 11, 0)
    shuffled = make_basket(start, fmt, seats=(("child", base),), tariff=make_tariff(rules=rules))
    reference = make_basket(start, fmt, seats=(("child", base),))
    assert one_line(shuffled).list_minor == one_line(reference).list_minor


@pytest.mark.parametrize(("base", "expected"), [(1, 1), (3, 2), (1249, 625), (1248, 624)])
def test_half_a_minor_unit_rounds_up(base, expected):
    # half-price Wednesday evening: only the 0.5 factor applies
    wednesday = datetime(2025, 3, 5, 20, 0)
    assert one_line(make_basket(wednesday, seats=(("half", base),))).list_minor == expected


def test_rounding_helpers():
    assert round_half_up(D("2.5")) == 3
    assert round_half_up(D("2.4999")) == 2
    assert round_to_step(D("1815"), 10) == 1820
    assert round_to_step(D("1814.5"), 10) == 1810  # one rounding, not 1815 -> 1820
    assert round_to_step(D("1814.5")) == 1815


def test_callers_decimal_context_does_not_change_prices():
    basket = make_basket(datetime(2025, 3, 4, 11, 0), "3D", D("1.1234"), (("child", 987_654_321),))
    expected = one_line(basket).list_minor
    with localcontext() as coarse:
        coarse.prec = 4
        assert one_line(basket).list_minor == expected


def test_price_step_rounds_once_from_the_exact_value():
    wednesday = datetime(2025, 3, 5, 20, 0)
    basket = make_basket(
        wednesday, seats=(("half", 3629),), tariff=make_tariff(price_step_minor=10)
    )
    line = one_line(basket)
    assert line.list_minor == 1810
    assert line.trace[-1].name == "Round half up to 10 minor units"


def test_zero_decimal_currency_jpy():
    tariff = make_tariff(currency="JPY", price_step_minor=10, tax_rate=D("0.10"))
    late_imax = datetime(2025, 3, 5, 22, 30)
    result = quote(make_basket(late_imax, "IMAX", seats=(("adult", 1800),), tariff=tariff))
    assert result.lines[0].list_minor == 2190  # 1800 x 1.35 x 0.9 = 2187 -> 2190 yen
    assert result.tax_minor == 199  # 2190 x 0.1 / 1.1 = 199.09
    assert format_minor(result.total_minor, "JPY") == "2190 JPY"
    assert format_minor(1250, "EUR") == "12.50 EUR"
    assert format_minor(1250, "BHD") == "1.250 BHD"


def test_floor_and_cap_bound_the_list_price_and_show_in_trace():
    tariff = make_tariff(floor_minor=600, cap_minor=1500)
    cheap = one_line(make_basket(datetime(2025, 3, 4, 11), seats=(("child", 1000),), tariff=tariff))
    assert cheap.list_minor == 600  # 1000 x 0.7 x 0.7 x 0.75 = 367.5
    assert cheap.trace[-1].kind == StepKind.FLOOR and cheap.trace[-1].amount_minor == 600 - 368
    dear = one_line(make_basket(SATURDAY, "4DX", D("1.3"), tariff=tariff))
    assert dear.list_minor == 1500  # 1000 x 1.5 x 1.1 x 1.3 = 2145
    assert dear.trace[-1].kind == StepKind.CAP and dear.trace[-1].amount_minor == -645


def test_promo_is_applied_after_the_floor():
    tariff = make_tariff(floor_minor=600)
    promo = Promo("HALF", PromoKind.PERCENT, PromoScope.TICKET, percent_off=D("50"))
    basket = make_basket(datetime(2025, 3, 4, 11), seats=(("child", 1000),), tariff=tariff)
    line = quote(basket, promo).lines[0]
    assert (line.list_minor, line.discount_minor, line.final_minor) == (600, 300, 300)
    assert line.trace[-1].kind == StepKind.PROMO and line.trace[-1].amount_minor == -300


def test_document_totals_and_tax():
    seats = (("adult", 1000), ("child", 1000), ("adult", 1250))
    promo = Promo("TEN", PromoKind.PERCENT, PromoScope.BASKET, percent_off=D("10"))
    result = quote(make_basket(datetime(2025, 3, 5, 20), seats=seats), promo)
    assert [line.list_minor for line in result.lines] == [1000, 700, 1250]
    assert result.subtotal_minor == 2950
    assert result.discount_minor == 295 == sum(line.discount_minor for line in result.lines)
    assert result.total_minor == 2655 == sum(line.final_minor for line in result.lines)
    assert result.tax_minor == 174  # 2655 x 0.07 / 1.07 = 173.69
    assert result.promo_code == "TEN"


@pytest.mark.parametrize(
    ("total", "rate", "tax"),
    [(3, "0.2", 1), (1000, "0.07", 65), (1070, "0.07", 70), (999, "0", 0), (0, "0.19", 0)],
)
def test_tax_is_included_in_the_total_and_rounded_half_up(total, rate, tax):
    assert tax_included(total, D(rate)) == tax


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**7), st.lists(st.integers(0, 10**5), min_size=1, max_size=12))
def test_allocation_is_exact_and_never_exceeds_a_line(amount, weights):
    amount = min(amount, sum(weights))
    shares = allocate(amount, weights)
    assert sum(shares) == amount
    assert all(0 <= s <= w for s, w in zip(shares, weights, strict=True))


def test_to_dict_is_json_safe():
    promo = Promo("TEN", PromoKind.PERCENT, PromoScope.TICKET, percent_off=D("10"))
    data = quote(make_basket(SATURDAY, "3D", D("1.05")), promo).to_dict()
    text = json.dumps(data)
    assert '"price_after": "1386' in text  # exact Decimal strings, never floats
    assert data["lines"][0]["trace"][-1]["kind"] == "promo"


@pytest.mark.parametrize(
    "build",
    [
        lambda: SeatRequest("A1", "standard", "adult", -1),
        lambda: SeatRequest("A1", "standard", "adult", 10.5),
        lambda: SeatRequest("A1", "standard", "adult", True),
        lambda: TicketType("x", "X", D("0")),
        lambda: TicketType("x", "X", D("-1")),
        lambda: TicketType("x", "X", D("10.01")),
        lambda: TicketType("x", "X", 1.1),
        lambda: TicketType("x", "X", D(1.1)),  # built from a float: 50+ decimals
        lambda: TicketType("x", "X", D("NaN")),
        lambda: make_tariff(currency="EURO"),
        lambda: make_tariff(floor_minor=900, cap_minor=800),
        lambda: make_tariff(tax_rate=D("1.5")),
        lambda: make_tariff(price_step_minor=0),
        lambda: make_tariff(format_surcharges={"3D": D("11")}),
        lambda: make_tariff(rules=RULES + RULES[:1]),
        lambda: TimeCondition(weekdays=frozenset({7})),
        lambda: TimeCondition(start_from=time(12), start_before=time(12)),
        lambda: make_basket(seats=(("unknown", 1000),)),
        lambda: make_basket(fmt="IMAx"),
        lambda: make_basket(seats=()),
        lambda: make_basket(dynamic=D("0")),
        lambda: Basket(make_tariff(), make_basket().showtime, (SEAT_A1, SEAT_A1)),
    ],
)  # fmt: skip
def test_absurd_input_is_rejected(build):
    with pytest.raises(PricingInputError) as excinfo:
        build()
    assert isinstance(excinfo.value, ValueError)
    assert str(excinfo.value)
