"""CinemaOS pricing: rule-based quotes and vectorised dynamic pricing.

Pure library (stdlib + numpy): no Flask, SQL or Redis. Money is always int minor units
plus an ISO 4217 code. Quote multipliers are ``Decimal``; dynamic-pricing multipliers are
int basis points (10000 = x1.00) because they travel in numpy arrays.
"""

from pricing_engine.charges import Fee, FeeLine, FeePer, TaxLine, order_fees, tax_by_rate
from pricing_engine.demand import (
    DEFAULT_BOOKING_TAU_HOURS,
    default_booking_fraction,
    default_elasticity,
)
from pricing_engine.dynamic import (
    Reason,
    RepricePolicy,
    RepriceResult,
    ShowtimeBatch,
    bp_from_multiplier,
    multiplier_from_bp,
    reprice,
)
from pricing_engine.errors import PricingInputError
from pricing_engine.learning import DemandEstimate, advance_exposure, expected_remaining_demand
from pricing_engine.models import (
    Basket,
    PricingRule,
    RuleKind,
    SeatRequest,
    ShowtimeContext,
    Tariff,
    TicketType,
    TimeCondition,
)
from pricing_engine.promo import (
    Promo,
    PromoCheck,
    PromoKind,
    PromoReason,
    PromoScope,
    PromoUsage,
    check_promo,
)
from pricing_engine.quote import Quote, QuoteLine, StepKind, TraceStep, quote
from pricing_engine.rails import NO_CEILING, GuardRails
from pricing_engine.rounding import format_minor
from pricing_engine.why import Driver, Why

__all__ = [
    "DEFAULT_BOOKING_TAU_HOURS",
    "NO_CEILING",
    "Basket",
    "DemandEstimate",
    "Driver",
    "Fee",
    "FeeLine",
    "FeePer",
    "GuardRails",
    "PricingInputError",
    "PricingRule",
    "Promo",
    "PromoCheck",
    "PromoKind",
    "PromoReason",
    "PromoScope",
    "PromoUsage",
    "Quote",
    "QuoteLine",
    "Reason",
    "RepricePolicy",
    "RepriceResult",
    "RuleKind",
    "SeatRequest",
    "ShowtimeBatch",
    "ShowtimeContext",
    "StepKind",
    "Tariff",
    "TaxLine",
    "TicketType",
    "TimeCondition",
    "TraceStep",
    "Why",
    "advance_exposure",
    "bp_from_multiplier",
    "check_promo",
    "default_booking_fraction",
    "default_elasticity",
    "expected_remaining_demand",
    "format_minor",
    "multiplier_from_bp",
    "order_fees",
    "quote",
    "reprice",
    "tax_by_rate",
]
