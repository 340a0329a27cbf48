"""Dynamic multipliers as int basis points (10000 = x1.00), the unit they travel in arrays and columns."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

from pricing_engine.models import require_multiplier

BP_ONE = 10_000
MAX_BP = 10 * BP_ONE  # same x10 ceiling as quote multipliers


def multiplier_from_bp(bp: int) -> Decimal:
    """Basis points -> the Decimal multiplier used by quotes (11000 -> Decimal('1.1000'))."""
    return require_multiplier(Decimal(int(bp)).scaleb(-4), "basis points")


def bp_from_multiplier(multiplier: Decimal) -> int:
    """Decimal multiplier (<= 4 decimal places) -> basis points (Decimal('1.1') -> 11000)."""
    return int(require_multiplier(multiplier, "multiplier").scaleb(4))


def price_at_bp(base_minor: npt.ArrayLike, bp: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Integer price charged at a multiplier: round_half_up(base * bp / 10000), vectorised."""
    return (np.asarray(base_minor, dtype=np.int64) * bp + BP_ONE // 2) // BP_ONE
