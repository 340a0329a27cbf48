"""A seat category's floor and ceiling, held against the price a quote actually charges.

Guard rails bound each category's full list price: the price of a ticket at x1 of the base
(``FULL_PRICE``; ticket types are each cinema's own, so none of them is assumed). What the
dynamic multiplier scales is the category's *par price*: its base after format and time rules,
the quote's exact product just before the dynamic step, often fractional (1250 x 0.85 =
1062.5). A quote rounds ``par x m`` once, half up, to the cinema's price step, so

    price >= F  <=>  par x m >= F' - step/2    (F' = F rounded up to the step)
    price <= C  <=>  par x m <  C' + step/2    (C' = C rounded down to the step)

The pricing engine checks ``round_half_up(base x bp / 10000)`` against integer bounds with
an integer base (``pricing_engine.rails.price_band_bp``). The bounds therefore travel
scaled by ``SCALE``: base ``round(par x SCALE)`` and the two limits above, pulled inwards
by ``SLACK`` (more than the base's own rounding can move a product), so every multiplier
the engine allows quotes within the floor and the ceiling, to the minor unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import numpy.typing as npt

from pricing_engine import (
    NO_CEILING,
    Basket,
    SeatRequest,
    ShowtimeContext,
    StepKind,
    Tariff,
    TicketType,
    quote,
)
from pricing_engine.rails import price_band_bp

IntArray = npt.NDArray[np.int64]

SCALE = 1000
# A base rounded to 1/SCALE moves base x m by at most m/2 scaled units (m <= 10), and the
# engine's own half-up rounding by half a unit more.
SLACK = 6
# The largest multiplier a showtime stores (NUMERIC(4, 3)): a floor never asks for more.
MAX_STORED_BP = 99_990
# The ticket the bounds are about; tariffs built for guard rails sell it alone.
FULL_PRICE = TicketType("full", "Full price", Decimal(1))


def par_prices(tariff: Tariff, context: ShowtimeContext, bases: Mapping[str, int]) -> dict[str, Decimal]:
    """Each category's full price at dynamic x1.00, unrounded: the quote's own product after its
    dynamic step, so it follows every rule the quote applies. ``tariff`` sells ``FULL_PRICE``."""
    seats = tuple(SeatRequest(category, category, FULL_PRICE.code, base) for category, base in bases.items())
    if not seats:
        return {}
    priced = quote(Basket(tariff=tariff, showtime=replace(context, dynamic_multiplier=Decimal(1)),
                          seats=seats))
    return {line.category: next(step.price_after for step in line.trace if step.kind is StepKind.DYNAMIC)
            for line in priced.lines}


def scaled_par(par: Decimal) -> int:
    return int((par * SCALE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def engine_bounds(base: npt.ArrayLike, floor: npt.ArrayLike, ceiling: npt.ArrayLike,
                  step: int = 1) -> tuple[IntArray, IntArray, IntArray]:
    """``(base, floor, ceiling)`` for ``pricing_engine.GuardRails``, element-wise.

    ``base`` is ``scaled_par`` (0: the showtime has no such seats, or no bound applies);
    ``floor``/``ceiling`` in minor units, 0 and ``NO_CEILING`` where none is set.
    """
    base = np.asarray(base, dtype=np.int64)
    floor = np.asarray(floor, dtype=np.int64)
    ceiling = np.asarray(ceiling, dtype=np.int64)
    bounded = base > 0
    floor_up = -(-floor // step) * step
    low = SCALE * floor_up - SCALE * step // 2 + SLACK
    # A floor the stored multiplier cannot reach asks for the largest one instead.
    low = np.minimum(low, base * MAX_STORED_BP // 10_000)
    high = SCALE * (ceiling // step * step) + SCALE * step // 2 - SLACK
    has_floor = bounded & (floor > 0)
    has_ceiling = bounded & (ceiling < NO_CEILING)
    return (base, np.where(has_floor, low, 0),
            np.where(has_ceiling, np.minimum(high, NO_CEILING), NO_CEILING))  # fmt: skip


def categories_out_of_bounds(pars: Mapping[str, Decimal], limits: Mapping[str, tuple[int, int]],
                             multiplier_bp: int, step: int = 1) -> list[str]:
    """Categories whose full price at ``multiplier_bp`` would fall outside their (floor, ceiling)."""
    categories = sorted(set(pars) & set(limits))
    if not categories:
        return []
    base, floor, ceiling = engine_bounds([scaled_par(pars[c]) for c in categories],
                                         [limits[c][0] for c in categories],
                                         [limits[c][1] for c in categories], step)  # fmt: skip
    low, high = price_band_bp(base[:, None], floor[:, None], ceiling[:, None])
    return [c for c, lo, hi in zip(categories, low, high, strict=True) if not lo <= multiplier_bp <= hi]
