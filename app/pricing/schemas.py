"""Request and response schemas of the pricing service (every field documented).

Over 300 lines because every service keeps its wire shapes in one ``schemas.py`` (rules,
quotes, promo codes, price history, guard rails), each field with its description and
example; the bounds shared between them (multipliers, prices) are defined once above them.
"""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
from marshmallow import validate

from app.cinemas.seat_schemas import category_code
from app.common.fields import (
    AwareDateTime,
    Boolean,
    Choice,
    Date,
    Id,
    Integer,
    List,
    QueryArgsSchema,
    Text,
)
from app.common.fields import Decimal as DecimalField
from app.models import FORMATS, SALES_CHANNELS
from app.models.pricing import DAILY_CHANGE_BP_RANGE, NO_RISE_HOURS_MAX, RULE_KINDS

HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="use HH:MM, 24-hour clock")
# Seats priced by one request, counted before any is read.
MAX_SEATS_PER_QUOTE = 50
# Films or cinemas one promo code names (more: leave the list empty for all).
MAX_PROMO_TARGETS = 200
# A guard rail's price: far above any ticket in any currency, small enough for the engine's scaled
# integer arithmetic (app.pricing.price_bounds).
MAX_PRICE_MINOR = 100_000_000


def _multiplier(places: int, **kwargs) -> DecimalField:
    """A price multiplier: above 0, at most 10 (the columns' check constraint)."""
    return DecimalField(places=places, minimum=Decimal(0), min_inclusive=False,
                        maximum=Decimal(10), **kwargs)


def _hhmm(description: str, example: str) -> Text:
    return Text(max_length=5, validate=HHMM, metadata={"description": description, "example": example})


# A ticket type's code: lower-case letters, digits and underscores ("adult", "member", "under_12").
_CODE = ma.validate.Regexp(r"^[a-z][a-z0-9_]*$", error="Use lower-case letters, digits and _, from a letter")


def ticket_type_code(**kwargs) -> Text:
    """A field naming one of a cinema's ticket types by its code (which exist is the cinema's say)."""
    return Text(min_length=1, max_length=20, validate=_CODE, **kwargs)


class RuleConditionsSchema(ma.Schema):
    format = Choice(FORMATS, metadata={
        "description": "format rules: the format whose surcharge this sets", "example": "IMAX"})
    weekdays = List(Integer(minimum=0, maximum=6), max_items=7, metadata={
        "description": "Time rules: local weekdays it applies on, 0 = Monday", "example": [1]})
    start_from = _hhmm("Time rules: local start time from (inclusive)", "10:00")
    start_before = _hhmm("Time rules: local start time before (exclusive); may wrap midnight", "17:00")
    on_holidays = Boolean(allow_none=True, metadata={
        "description": "Time rules: true = only on holidays, false = never on holidays, null = either"})
    dates = List(Date(), max_items=366, metadata={
        "description": "holiday rules: the public-holiday dates (cinema local dates)",
        "example": ["2026-12-25"]})


class PricingRuleSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True, metadata={"description": "Rule id"})
    cinema_id = Id(allow_none=True, load_default=None, metadata={
        "description": "Cinema the rule belongs to; null = every cinema (admins only)", "example": 1})
    name = Text(required=True, min_length=1, max_length=80, metadata={
        "description": "Name shown in price traces", "example": "Cheap Tuesday"})
    kind = Choice(RULE_KINDS, required=True, metadata={
        "description": "format sets a format's multiplier; weekday, holiday, matinee, late_night "
                       "are time rules (in each kind the highest-priority matching rule applies); "
                       "ticket types have their own endpoints (/api/cinemas/{cinema_id}/ticket-types)",
        "example": "weekday"})
    multiplier = _multiplier(4, required=True, metadata={
        "description": "Factor applied to the price (0-10]", "example": "0.7"})
    conditions = ma.fields.Nested(RuleConditionsSchema, load_default=dict, metadata={
        "description": "When the rule applies (fields depend on kind)"})
    priority = Integer(load_default=0, metadata={
        "description": "Higher wins among matching rules of one kind", "example": 10})
    active = Boolean(load_default=True, metadata={"description": "Inactive rules are ignored"})
    valid_from = AwareDateTime(allow_none=True, load_default=None, metadata={
        "description": "Rule applies from this instant (inclusive)"})
    valid_until = AwareDateTime(allow_none=True, load_default=None, metadata={
        "description": "Rule applies until this instant (exclusive)"})
    version = ma.fields.Integer(dump_only=True, metadata={"description": "Optimistic-lock version (ETag)"})

    @ma.post_load
    def conditions_as_json(self, data: dict, **_kwargs) -> dict:
        conditions = data.get("conditions")
        if conditions and "dates" in conditions:
            conditions["dates"] = [d.isoformat() for d in conditions["dates"]]
        return data


class RuleQueryArgsSchema(QueryArgsSchema):
    cinema_id = Id(metadata={"description": "Rules of this cinema plus global rules"})
    kind = Choice(RULE_KINDS, metadata={"description": "Only this kind"})


class SeatChoiceSchema(ma.Schema):
    seat_id = Id(required=True, metadata={"description": "Seat id", "example": 17})
    ticket_type = ticket_type_code(load_default=None, metadata={
        "description": "Code of one of the cinema's ticket types (GET /api/cinemas/{cinema_id}/"
                       "ticket-types); its first one (adult) when left out", "example": "adult"})


class CalculateRequestSchema(ma.Schema):
    showtime_id = Id(required=True, metadata={"description": "Showtime", "example": 1})
    seats = List(ma.fields.Nested(SeatChoiceSchema), required=True, min_items=1,
                 max_items=MAX_SEATS_PER_QUOTE, metadata={"description": "Seats to price"})
    promo_code = Text(load_default=None, allow_none=True, min_length=1, max_length=40,
                      metadata={"description": "Promo code to apply", "example": "WELCOME10"})
    sales_channel = Choice(SALES_CHANNELS, load_default="online", metadata={
        "description": "Where the order is sold: its booking fees are that channel's", "example": "online"})


class TraceStepSchema(ma.Schema):
    step_id = ma.fields.String(metadata={"description": "Rule id or step name"})
    name = ma.fields.String(metadata={"description": "What was applied", "example": "Cheap Tuesday"})
    kind = ma.fields.String(metadata={"description": "Step kind: base, ticket_type, format, time rule, "
                                                     "dynamic, rounding, floor, cap, promo"})
    factor = ma.fields.String(allow_none=True, metadata={"description": "Multiplier applied (decimal)"})
    amount_minor = ma.fields.Integer(allow_none=True, metadata={"description": "Amount added/removed"})
    price_after = ma.fields.String(metadata={"description": "Exact price after this step, minor units"})


class QuoteLineSchema(ma.Schema):
    seat_id = ma.fields.Integer(metadata={"description": "Seat id"})
    category = ma.fields.String(metadata={"description": "Seat category", "example": "premium"})
    ticket_type = ma.fields.String(metadata={"description": "Ticket type", "example": "adult"})
    base_minor = ma.fields.Integer(metadata={"description": "Category base price, minor units"})
    list_minor = ma.fields.Integer(metadata={"description": "Price before promo, minor units"})
    discount_minor = ma.fields.Integer(metadata={"description": "Promo discount on this seat"})
    final_minor = ma.fields.Integer(metadata={"description": "Price charged, tax included"})
    trace = ma.fields.List(ma.fields.Nested(TraceStepSchema), metadata={
        "description": "Every step applied, in order"})


class PromoResultSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "Normalised code", "example": "WELCOME10"})
    applies = ma.fields.Boolean(metadata={"description": "Whether the code applies to this basket"})
    reason = ma.fields.String(metadata={"description": "ok, unknown, expired, not_yet_valid, used_up, "
                                                      "customer_limit_reached, wrong_movie, wrong_cinema, "
                                                      "too_few_tickets, not_combinable, inactive ..."})
    message = ma.fields.String(metadata={"description": "Human explanation"})


class FeeLineSchema(ma.Schema):
    fee_id = ma.fields.Integer(metadata={"description": "Booking fee id", "example": 3})
    name = ma.fields.String(metadata={"description": "Fee name", "example": "Online booking fee"})
    quantity = ma.fields.Integer(metadata={"description": "Tickets it is charged for (1: per order)",
                                           "example": 1})
    amount_minor = ma.fields.Integer(metadata={"description": "Amount for all of them, tax included",
                                               "example": 75})
    tax_class_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "Its tax class; null = the cinema's standard rate"})


class TaxLineSchema(ma.Schema):
    rate = ma.fields.String(metadata={"description": "Tax rate (fraction)", "example": "0.2000"})
    gross_minor = ma.fields.Integer(metadata={"description": "Amount taxed at this rate, tax included"})
    tax_minor = ma.fields.Integer(metadata={"description": "Tax included in it"})


class QuoteSchema(ma.Schema):
    showtime_id = ma.fields.Integer(metadata={"description": "Showtime"})
    currency = ma.fields.String(metadata={"description": "ISO 4217 currency", "example": "GBP"})
    subtotal_minor = ma.fields.Integer(metadata={"description": "Sum of list prices and fees, minor units"})
    discount_minor = ma.fields.Integer(metadata={"description": "Total promo discount, minor units"})
    fees_minor = ma.fields.Integer(metadata={"description": "Booking fees (never discounted), minor units"})
    total_minor = ma.fields.Integer(metadata={"description": "Amount to pay, tax and fees included"})
    tax_minor = ma.fields.Integer(metadata={"description": "Tax included in the total (sum of taxes)"})
    tax_rate = ma.fields.String(metadata={"description": "Cinema standard tax rate (fraction)",
                                          "example": "0.2000"})
    taxes = ma.fields.List(ma.fields.Nested(TaxLineSchema), metadata={
        "description": "Tax per rate: each ticket type and fee is taxed at its tax class's rate"})
    fees = ma.fields.List(ma.fields.Nested(FeeLineSchema), metadata={
        "description": "Booking fees of the order on its sales channel"})
    promo_code = ma.fields.String(allow_none=True, metadata={"description": "Code applied, if any"})
    promo = ma.fields.Nested(PromoResultSchema, allow_none=True, metadata={
        "description": "Outcome of the promo code, when one was given"})
    lines = ma.fields.List(ma.fields.Nested(QuoteLineSchema), metadata={"description": "One line per seat"})


class PromoValidateRequestSchema(CalculateRequestSchema):
    promo_code = Text(required=True, min_length=1, max_length=40, metadata={
        "description": "Code to check", "example": "WELCOME10"})


class PromoValidationSchema(PromoResultSchema):
    discount_minor = ma.fields.Integer(metadata={"description": "Discount it gives on this basket"})
    total_minor = ma.fields.Integer(metadata={"description": "Basket total with the code (if it applies)"})
    currency = ma.fields.String(metadata={"description": "ISO 4217 currency"})


class PromoCodeSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True, metadata={"description": "Promo id"})
    code = Text(required=True, max_length=40, validate=validate.Regexp(r"^[A-Za-z0-9_-]{3,40}$"), metadata={
        "description": "The code customers type (stored upper-case)", "example": "WELCOME10"})
    description = Text(load_default="", max_length=200, multiline=True,
                       metadata={"description": "Internal description"})
    kind = Choice(("percent", "fixed"), required=True, metadata={
        "description": "percent off or a fixed amount off", "example": "percent"})
    scope = Choice(("basket", "ticket"), load_default="basket", metadata={
        "description": "basket: once per order; ticket: on every ticket"})
    value = Integer(required=True, minimum=1, metadata={
        "description": "Percent (1-100) or amount in minor units", "example": 10})
    currency = Text(allow_none=True, load_default=None, min_length=3, max_length=3,
                    metadata={"description": "Currency of a fixed amount"})
    valid_from = AwareDateTime(allow_none=True, load_default=None, metadata={
        "description": "Valid from (inclusive)"})
    valid_until = AwareDateTime(allow_none=True, load_default=None, metadata={
        "description": "Valid until (exclusive)"})
    max_uses = Integer(allow_none=True, load_default=None, minimum=1,
                       metadata={"description": "Total redemptions allowed (null = unlimited)"})
    max_uses_per_customer = Integer(allow_none=True, load_default=None, minimum=1,
                                    metadata={"description": "Redemptions per customer"})
    uses_count = ma.fields.Integer(dump_only=True, metadata={"description": "Redemptions so far"})
    min_tickets = Integer(load_default=1, minimum=1, maximum=50, metadata={
        "description": "Minimum tickets in the basket"})
    movie_ids = List(Id(), load_default=list, max_items=MAX_PROMO_TARGETS, metadata={
        "description": "Movies it applies to (empty = all)"})
    cinema_ids = List(Id(), load_default=list, max_items=MAX_PROMO_TARGETS, metadata={
        "description": "Cinemas it applies to (empty = all; admins only)"})
    combinable = Boolean(load_default=False, metadata={
        "description": "May be combined with other offers"})
    active = Boolean(load_default=True, metadata={"description": "Inactive codes never apply"})
    version = ma.fields.Integer(dump_only=True, metadata={"description": "Optimistic-lock version (ETag)"})


def _in_details(name: str) -> dict:
    """Field options reading ``name`` from a change's ``details``: null where it has none."""
    return {"attribute": f"details.{name}", "dump_default": None, "allow_none": True}


class PriceChangeSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "Change id"})
    old_multiplier = _multiplier(3, metadata={"description": "Multiplier before", "example": "1.000"})
    new_multiplier = _multiplier(3, metadata={"description": "Multiplier after", "example": "1.200"})
    reason = ma.fields.String(metadata={"description": "dynamic (pricing job) or manual"})
    driver = ma.fields.String(**_in_details("driver"), metadata={
        "description": "The signal that moved a dynamic price: `pace` (this showtime's bookings "
                       "against the booking curve), `appeal` (the film's across its showtimes), "
                       "`time_to_show`, `occupancy`, `forecast` (the slot's demand model), `floor`, "
                       "`ceiling` (a guard rail) or `grid` (the cinema's multiplier range); null for "
                       "manual changes", "example": "pace"})
    why = ma.fields.String(**_in_details("why"), metadata={
        "description": "The change in words, with the guard rails that held it; null for manual changes",
        "example": "Raised x1.00 -> x1.10: bookings run at 1.80x the expected pace (12 sold, 7 expected "
                   "by now)."})
    appeal = ma.fields.Float(**_in_details("appeal"), metadata={
        "description": "The film's learned demand against its forecast (1 = as forecast)",
        "example": 1.25})
    pace = ma.fields.Float(**_in_details("pace"), metadata={
        "description": "This showtime's learned demand on top of its film's (1 = as its film)",
        "example": 1.4})
    target_multiplier = _multiplier(3, **_in_details("target_multiplier"), metadata={
        "description": "The best multiplier the demand model saw before step limits and guard rails",
        "example": "1.150"})
    flags = ma.fields.String(**_in_details("flags"), metadata={
        "description": "The engine's flags, `|`-separated: CHANGED, STEP_CAPPED, FLOOR, CEILING, "
                       "DAILY_LIMIT, NO_RISE_WINDOW, ONLY_FALL, RAIL_CONFLICT, OFF_GRID ...",
        "example": "CHANGED|DAILY_LIMIT"})
    details = ma.fields.Dict(metadata={"description": "Everything recorded with the change: the "
                                                      "fields above, seats sold and expected revenue "
                                                      "(dynamic), who changed it (manual)"})
    created_at = ma.fields.AwareDateTime(metadata={"description": "When"})


class PriceHistorySchema(ma.Schema):
    showtime_id = ma.fields.Integer(metadata={"description": "Showtime"})
    dynamic_multiplier = _multiplier(3, metadata={"description": "Current multiplier", "example": "1.200"})
    price_frozen = ma.fields.Boolean(metadata={"description": "Whether the pricing job may move it"})
    changes = ma.fields.List(ma.fields.Nested(PriceChangeSchema), metadata={"description": "Oldest first"})


class FreezeRequestSchema(ma.Schema):
    frozen = Boolean(required=True, metadata={"description": "Freeze (true) or release (false)"})
    multiplier = _multiplier(3, allow_none=True, load_default=None, metadata={
        "description": "Optional multiplier to freeze at (within the cinema's range)", "example": "1.000"})


# Bounds a cinema may set at once: more than there are seat categories in any cinema.
MAX_CATEGORY_BOUNDS = 100


class CategoryBoundSchema(ma.Schema):
    category = category_code(required=True, metadata={
        "description": "Seat category (GET /api/seat-categories)", "example": "standard"})
    floor_minor = Integer(minimum=0, maximum=MAX_PRICE_MINOR, allow_none=True, load_default=None, metadata={
        "description": "Lowest full (adult) price of this category the pricing job may set, minor "
                       "units; null = none", "example": 800})
    ceiling_minor = Integer(minimum=1, maximum=MAX_PRICE_MINOR, allow_none=True, load_default=None,
                            metadata={"description": "Highest full (adult) price, minor units; null = none",
                                      "example": 1500})

    @ma.validates_schema
    def _floor_not_above_ceiling(self, data: dict, **_kwargs) -> None:
        floor, ceiling = data.get("floor_minor"), data.get("ceiling_minor")
        if floor is not None and ceiling is not None and floor > ceiling:
            raise ma.ValidationError(f"Must not be above ceiling_minor ({ceiling})", "floor_minor")


class GuardRailsSchema(ma.Schema):
    cinema_id = ma.fields.Integer(dump_only=True, metadata={"description": "Cinema"})
    category_bounds = List(
        ma.fields.Nested(CategoryBoundSchema), max_items=MAX_CATEGORY_BOUNDS, load_default=list,
        metadata={"description": "Floor and ceiling per seat category (each category at most once); a "
                                 "category left out has neither. They bound a seat's full (adult) price, "
                                 "time rules applied; manual freezes respect them too"})
    max_daily_change_bp = Integer(
        minimum=DAILY_CHANGE_BP_RANGE[0], maximum=DAILY_CHANGE_BP_RANGE[1], allow_none=True,
        load_default=None,
        metadata={"description": "Largest span of a showtime's multiplier within any 24 hours, in basis "
                                 "points (500 = 0.05); null = no limit", "example": 1500})
    no_rise_hours = Integer(minimum=0, maximum=NO_RISE_HOURS_MAX, load_default=0, metadata={
        "description": "No price increase within this many hours of the show (0 = off)", "example": 4})
    only_fall = Boolean(load_default=False, metadata={
        "description": "Once on sale, a showtime's price only ever falls"})
    updated_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True, metadata={
        "description": "Last change; null while the cinema has set none"})

    @ma.validates_schema
    def _each_category_once(self, data: dict, **_kwargs) -> None:
        categories = [bound["category"] for bound in data.get("category_bounds", [])]
        twice = sorted({c for c in categories if categories.count(c) > 1})
        if twice:
            raise ma.ValidationError(f"Categories listed twice: {twice}", "category_bounds")


class RepriceResultSchema(ma.Schema):
    considered = ma.fields.Integer(metadata={"description": "Upcoming showtimes looked at"})
    changed = ma.fields.Integer(metadata={"description": "Showtimes whose multiplier changed"})
    frozen = ma.fields.Integer(metadata={"description": "Showtimes skipped because frozen"})
