"""Booking fees of an order and a document's tax per rate (pricing_engine.charges), as tables."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D

import pytest

from pricing_engine import (
    Basket,
    Fee,
    FeePer,
    PricingInputError,
    SeatRequest,
    ShowtimeContext,
    Tariff,
    TicketType,
    order_fees,
    quote,
    tax_by_rate,
)

FEES = (
    Fee("1", "Online booking fee", 75, FeePer.ORDER, "online"),
    Fee("2", "Card fee", 20, FeePer.TICKET, "online", tax_class="7"),
    Fee("3", "Counter fee", 50, FeePer.TICKET, "box_office"),
    Fee("4", "Restoration levy", 10, FeePer.TICKET, "any"),
)

FEE_CASES = [
    # channel, tickets -> (fee id, quantity, amount) of each fee charged
    ("online", 1, [("1", 1, 75), ("2", 1, 20), ("4", 1, 10)]),
    ("online", 3, [("1", 1, 75), ("2", 3, 60), ("4", 3, 30)]),
    ("box_office", 1, [("3", 1, 50), ("4", 1, 10)]),
    ("box_office", 4, [("3", 4, 200), ("4", 4, 40)]),
    ("kiosk", 2, [("4", 2, 20)]),
]


@pytest.mark.parametrize(("channel", "tickets", "expected"), FEE_CASES)
def test_order_fees(channel, tickets, expected):
    lines = order_fees(FEES, tickets=tickets, channel=channel)
    assert [(line.fee_id, line.quantity, line.amount_minor) for line in lines] == expected


def test_a_fee_keeps_its_tax_class_and_no_fees_charge_nothing():
    assert order_fees(FEES, tickets=2, channel="online")[1].tax_class == "7"
    assert order_fees((), tickets=2, channel="online") == ()


@pytest.mark.parametrize("bad", [
    lambda: order_fees(FEES, tickets=0, channel="online"),
    lambda: order_fees(FEES, tickets=True, channel="online"),
    lambda: Fee("9", "Free", 0, FeePer.ORDER, "online"),
    lambda: Fee("9", "Float", 1.5, FeePer.ORDER, "online"),
    lambda: Fee("9", "Per what", 10, "month", "online"),
])
def test_invalid_fees_and_orders_are_refused(bad):
    with pytest.raises(PricingInputError):
        bad()


TAX_CASES = [
    # (amount, rate) lines -> (rate, gross, tax) per rate, lowest rate first
    ([(1200, D("0.2"))], [("0.2000", 1200, 200)]),
    ([(1000, D("0.2")), (75, D("0.2000"))], [("0.2000", 1075, 179)]),
    ([(1000, D("0.2")), (800, D("0.05")), (75, D("0.2"))], [("0.0500", 800, 38), ("0.2000", 1075, 179)]),
    ([(-800, D("0.05")), (-1075, D("0.2"))], [("0.0500", -800, -38), ("0.2000", -1075, -179)]),
    ([(999, D("0"))], [("0.0000", 999, 0)]),
    ([], []),
]


@pytest.mark.parametrize(("lines", "expected"), TAX_CASES)
def test_tax_by_rate(lines, expected):
    assert [(str(t.rate), t.gross_minor, t.tax_minor) for t in tax_by_rate(lines)] == expected


@pytest.mark.parametrize("rate", [D("1"), D("-0.1"), D("0.20001"), 0.2])
def test_impossible_rates_are_refused(rate):
    with pytest.raises(PricingInputError):
        tax_by_rate([(100, rate)])


TICKET_CASES = [
    # base price of the seat's category, ticket type multiplier -> seat price
    (1000, D("1"), 1000),
    (1000, D("0.8"), 800),
    (1250, D("0.85"), 1063),  # 1062.5 rounds half up, once
    (999, D("0.75"), 749),
]


@pytest.mark.parametrize(("base", "multiplier", "expected"), TICKET_CASES)
def test_a_ticket_type_prices_a_seat_as_a_multiple_of_its_category(base, multiplier, expected):
    tariff = Tariff(cinema_id="1", currency="GBP", tax_rate=D("0.2"),
                    ticket_types=(TicketType("member", "Member", multiplier),),
                    format_surcharges={"2D": D("1")})
    basket = Basket(tariff=tariff, showtime=ShowtimeContext("1", "1", datetime(2030, 1, 8, 19), "2D"),
                    seats=(SeatRequest("1", "standard", "member", base),))
    assert quote(basket).lines[0].final_minor == expected
