"""HTTP routes of the pricing service."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from app.common.access import MANAGERS, Principal, authenticate, current_principal
from app.common.blueprint import ServiceBlueprint
from app.common.etags import row_tag
from app.common.ratelimits import anonymous, client_address, rate_limited, signed_in_account
from app.pricing import guard_rails, history, promos, rules
from app.pricing.schemas import (
    CalculateRequestSchema,
    FreezeRequestSchema,
    GuardRailsSchema,
    PriceHistorySchema,
    PricingRuleSchema,
    PromoCodeSchema,
    PromoValidateRequestSchema,
    PromoValidationSchema,
    QuoteSchema,
    RuleQueryArgsSchema,
)
from app.pricing.seat_prices import SeatChoice, quote_seats

blp = ServiceBlueprint(
    "pricing", __name__, url_prefix="/api/pricing",
    description="Price quotes with their full trace, pricing rules, promo codes, dynamic-price "
                "history and guard rails. Reading rules and quoting are public; managers manage their "
                "cinemas' rules, codes and guard rails, admins everything (including rules for every "
                "cinema).",
)


def _caller_if_signed_in() -> Principal | None:
    """Public quotes personalise (per-customer promo limits) when a token is sent."""
    return authenticate() if request.headers.get("Authorization") else None


def _choices(data: dict) -> list[SeatChoice]:
    return [SeatChoice(s["seat_id"], s["ticket_type"]) for s in data["seats"]]


def _no_promo_code() -> bool:
    body = request.get_json(silent=True)
    return not (isinstance(body, dict) and body.get("promo_code"))


def _promo_code_limits(*, only_with_a_code: bool = False):
    """``PROMO_CODE_RATE_LIMIT`` per client address and per signed-in account, one budget over
    every door that tells whether a code is valid (a quote with a code tells it too)."""

    def no_code() -> bool:
        return only_with_a_code and _no_promo_code()

    def decorator(view):
        per_account = rate_limited("PROMO_CODE_RATE_LIMIT", signed_in_account, scope="promo_codes",
                                   exempt_when=lambda: anonymous() or no_code())
        per_address = rate_limited("PROMO_CODE_RATE_LIMIT", client_address, scope="promo_codes",
                                   exempt_when=no_code)
        return blp.alt_response(429, response="TOO_MANY_REQUESTS")(per_address(per_account(view)))

    return decorator


@blp.route("/calculate")
class Calculate(MethodView):
    @blp.access()
    @_promo_code_limits(only_with_a_code=True)
    @blp.arguments(CalculateRequestSchema)
    @blp.response(200, QuoteSchema)
    @blp.alt_response(401, description="An Authorization header was sent with an invalid token")
    @blp.alt_response(404, description="No such showtime")
    @blp.alt_response(409, description="The showtime is cancelled (`showtime_cancelled`)")
    @blp.alt_response(422, description="The showtime has already started (`showtime_started`), or the "
                      "seats or basket are invalid")
    def post(self, data):
        """Price seats of a showtime: line items, fees, total, tax and the trace of every rule applied

        The booking fees are those of `sales_channel` (online by default); the tax is given per
        rate, each ticket type and fee at its tax class's. With a `promo_code`, anonymous callers
        learn only whether it applies; quotes with a code count against `PROMO_CODE_RATE_LIMIT`,
        like `POST /api/pricing/promocode/validate`.
        """
        caller = _caller_if_signed_in()
        priced = quote_seats(data["showtime_id"], _choices(data), promo_code=data["promo_code"],
                             customer_id=caller.id if caller else None, sales_channel=data["sales_channel"])
        body = priced.to_dict()
        if priced.promo is not None:
            body["promo"] = priced.promo.told_to(signed_in=caller is not None)
        return body


@blp.route("/promocode/validate")
class ValidatePromo(MethodView):
    @blp.access()
    @_promo_code_limits()
    @blp.arguments(PromoValidateRequestSchema)
    @blp.response(200, PromoValidationSchema)
    @blp.alt_response(401, description="An Authorization header was sent with an invalid token")
    @blp.alt_response(404, description="No such showtime")
    @blp.alt_response(409, description="The showtime is cancelled (`showtime_cancelled`)")
    @blp.alt_response(422, description="The showtime has already started (`showtime_started`), or the "
                      "seats or basket are invalid")
    def post(self, data):
        """Say whether a promo code applies to a basket, and (signed in) why not

        Anonymous callers learn only whether the code applies (`reason` is `ok` or
        `not_applicable`: an unknown code and an expired or used-up one look alike); signed-in
        customers get the precise reason. Limited per client address and per account
        (`PROMO_CODE_RATE_LIMIT`); over the limit the answer is 429 with `Retry-After`.
        """
        caller = _caller_if_signed_in()
        priced = quote_seats(data["showtime_id"], _choices(data), promo_code=data["promo_code"],
                             customer_id=caller.id if caller else None, sales_channel=data["sales_channel"])
        outcome = priced.promo.told_to(signed_in=caller is not None)
        quote = priced.to_dict()
        return outcome | {"discount_minor": quote["discount_minor"], "total_minor": quote["total_minor"],
                          "currency": quote["currency"]}


@blp.route("/rules")
class Rules(MethodView):
    @blp.access()
    @blp.arguments(RuleQueryArgsSchema, location="query")
    @blp.response(200, PricingRuleSchema(many=True))
    def get(self, args):
        """List pricing rules (a cinema's own plus those for every cinema)"""
        return rules.list_rules(args.get("cinema_id"), args.get("kind"))

    @blp.access(*MANAGERS)
    @blp.arguments(PricingRuleSchema)
    @blp.response(201, PricingRuleSchema)
    def post(self, data):
        """Create a pricing rule (managers for their cinemas; admins also global rules)"""
        return rules.create_rule(current_principal(), data)


@blp.route("/rules/<int:rule_id>")
class RuleById(MethodView):
    @blp.access()
    @blp.etag
    @blp.response(200, PricingRuleSchema)
    def get(self, rule_id):
        """One pricing rule, with its ETag"""
        rule = rules.get_rule(rule_id)
        blp.set_etag(row_tag("rule", rule.id, rule.version))
        return rule

    @blp.access(*MANAGERS)
    @blp.etag
    @blp.arguments(PricingRuleSchema)
    @blp.response(200, PricingRuleSchema)
    def put(self, data, rule_id):
        """Replace a pricing rule (If-Match required; 412 when it changed meanwhile)"""
        rule = rules.get_rule(rule_id)
        blp.check_etag(row_tag("rule", rule.id, rule.version))
        rule = rules.update_rule(current_principal(), rule, data)
        blp.set_etag(row_tag("rule", rule.id, rule.version))
        return rule

    @blp.access(*MANAGERS)
    @blp.etag
    @blp.response(204)
    def delete(self, rule_id):
        """Delete a pricing rule (If-Match required)"""
        rule = rules.get_rule(rule_id)
        blp.check_etag(row_tag("rule", rule.id, rule.version))
        rules.delete_rule(current_principal(), rule)


@blp.route("/promocodes")
class PromoCodes(MethodView):
    @blp.access(*MANAGERS)
    @blp.response(200, PromoCodeSchema(many=True))
    def get(self):
        """Promo codes the caller manages"""
        return promos.list_promos(current_principal())

    @blp.access(*MANAGERS)
    @blp.arguments(PromoCodeSchema)
    @blp.response(201, PromoCodeSchema)
    @blp.alt_response(409, description="The code exists (`promo_exists`)")
    def post(self, data):
        """Create a promo code (managers: limited to their cinemas)"""
        return promos.create_promo(current_principal(), data)


@blp.route("/promocodes/<int:promo_id>")
class PromoCodeById(MethodView):
    @blp.access(*MANAGERS)
    @blp.etag
    @blp.response(200, PromoCodeSchema)
    def get(self, promo_id):
        """One promo code, with its ETag"""
        promo = promos.get_promo(promo_id)
        promos.ensure_may_manage_promo(current_principal(), promo.cinema_ids)
        blp.set_etag(row_tag("promo", promo.id, promo.version))
        return promo

    @blp.access(*MANAGERS)
    @blp.etag
    @blp.arguments(PromoCodeSchema)
    @blp.response(200, PromoCodeSchema)
    def put(self, data, promo_id):
        """Replace a promo code's terms (the code itself stays; If-Match required)"""
        promo = promos.get_promo(promo_id)
        blp.check_etag(row_tag("promo", promo.id, promo.version))
        promo = promos.update_promo(current_principal(), promo, data)
        blp.set_etag(row_tag("promo", promo.id, promo.version))
        return promo

    @blp.access(*MANAGERS)
    @blp.etag
    @blp.response(204)
    def delete(self, promo_id):
        """Delete an unused code, or deactivate a redeemed one (If-Match required)"""
        promo = promos.get_promo(promo_id)
        blp.check_etag(row_tag("promo", promo.id, promo.version))
        promos.delete_promo(current_principal(), promo)


@blp.route("/showtimes/<int:showtime_id>/history")
class PriceHistory(MethodView):
    @blp.access(*MANAGERS)
    @blp.response(200, PriceHistorySchema)
    def get(self, showtime_id):
        """A showtime's dynamic multiplier, freeze flag and every change so far"""
        return history.price_history(current_principal(), showtime_id)


@blp.route("/showtimes/<int:showtime_id>/freeze")
class PriceFreeze(MethodView):
    @blp.access(*MANAGERS)
    @blp.arguments(FreezeRequestSchema)
    @blp.response(200, PriceHistorySchema)
    @blp.alt_response(422, description="Invalid body, or a multiplier outside the cinema's range "
                                       "(`multiplier_out_of_range`) or putting a seat category's "
                                       "full price outside its floor or ceiling "
                                       "(`multiplier_outside_price_bounds`)")
    def put(self, data, showtime_id):
        """Freeze a showtime's price (optionally at a multiplier) or let the pricing job move it again

        A multiplier to freeze at must lie within the cinema's range and keep every seat
        category's full price within the floor and ceiling of the cinema's guard rails.
        """
        return history.set_price_freeze(current_principal(), showtime_id, data["frozen"], data["multiplier"])


@blp.route("/guard-rails/<int:cinema_id>")
class CinemaGuardRails(MethodView):
    @blp.access(*MANAGERS)
    @blp.response(200, GuardRailsSchema)
    @blp.alt_response(403, description="Not a manager of this cinema (`cinema_not_assigned`)")
    @blp.alt_response(404, description="No such cinema")
    def get(self, cinema_id):
        """A cinema's guard rails on dynamic prices (the defaults when it set none)"""
        return guard_rails.get_guard_rails(current_principal(), cinema_id)

    @blp.access(*MANAGERS)
    @blp.arguments(GuardRailsSchema)
    @blp.response(200, GuardRailsSchema)
    @blp.alt_response(403, description="Not a manager of this cinema (`cinema_not_assigned`)")
    @blp.alt_response(404, description="No such cinema")
    @blp.alt_response(422, description="Invalid body: a floor above its ceiling, a category listed "
                                       "twice, a value out of range (the field is named)")
    def put(self, data, cinema_id):
        """Replace a cinema's guard rails on dynamic prices

        The repricing job keeps every seat category's full (adult) price within its floor and
        ceiling (a price outside moves inside at its next run), never moves a showtime's multiplier
        by more than `max_daily_change_bp` within 24 hours, never raises it within `no_rise_hours`
        of the show, and with `only_fall` never raises it at all; manual freezes respect floor and
        ceiling. The price-change log names the rail that held a price.
        """
        return guard_rails.set_guard_rails(current_principal(), cinema_id, data)
