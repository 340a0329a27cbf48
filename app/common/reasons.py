"""Every machine-readable ``reason`` an error answer can carry, and every status it can have.

The error body (``app.common.api.ErrorSchema``) documents both as enums, so a client generated
from the document gets one enum type of reasons to switch on. A client so generated refuses a
value its enum lacks, so nothing may send one: while testing, ``error_response`` refuses an
unlisted reason or status, and tests/integration/test_openapi_names.py scans the source for
reasons given to errors. A new reason is added here, in its service's group.
"""

from __future__ import annotations

# The reason of an error that names none, by HTTP status.
STATUS_REASONS = {
    400: "bad_request", 401: "unauthenticated", 402: "payment_declined", 403: "forbidden",
    404: "not_found", 405: "method_not_allowed", 409: "conflict", 412: "precondition_failed",
    413: "payload_too_large", 415: "unsupported_media_type", 416: "range_not_satisfiable",
    422: "invalid", 428: "precondition_required", 429: "rate_limited", 500: "internal_error",
    502: "gateway_unavailable", 503: "unavailable",
}
# An HTTP error of a status not above (none is expected: the tests refuse one).
FALLBACK_REASON = "error"

PLATFORM = (
    "concurrent_update", "database_unavailable", "redis_unavailable", "invalid_json",
    "json_body_required", "link_expired",
)
AUTH = (
    "account_inactive", "cinema_not_assigned", "cinema_unknown", "cinemas_not_assignable",
    "csrf_failed", "email_taken", "fresh_token_required", "invalid_credentials",
    "refresh_token_reused", "role_not_allowed", "self_lockout", "token_expired", "token_invalid",
    "token_missing", "token_revoked", "weak_password",
)
CATALOGUE = (
    "genre_exists", "genre_in_use", "rating_exists", "rating_in_use", "poster_invalid",
    "poster_too_large", "poster_too_many_pixels",
)
VENUES = (
    "cinema_archived", "cinema_exists", "has_booked_showtimes", "screen_archived", "screen_exists",
    "seat_category_in_use", "seats_sold",
)
SCHEDULING = (
    "closure_ends_before_start", "closure_over_booked_showtime", "format_not_distributed",
    "format_not_supported", "generation_running", "movie_archived", "outside_opening_hours",
    "screen_closed", "showtime_has_bookings", "showtime_overlap", "starts_in_past", "unknown_movies",
    "unschedulable",
)
BOOKINGS = (
    "booking_not_active", "child_ticket_age_rating", "duplicate_seats", "hold_expired",
    "hold_of_other_channel", "hold_time_up",
    "id_check_not_allowed", "id_check_staff_only", "pending_limit_reached", "price_missing",
    "reference_exhausted", "refund_cutoff_passed", "sales_busy",
    "seat_limit_reached", "seats_taken", "showtime_cancelled", "showtime_started", "single_seat_gap",
    "ticket_type_for_unknown_seat", "too_many_seats", "unknown_seats",
)
PRICING = (
    "code_taken", "global_promo_admin_only", "global_rule_admin_only", "invalid_price_request",
    "invalid_promo",
    "multiplier_out_of_range", "multiplier_outside_price_bounds", "no_seats", "promo_customer_limit",
    "promo_exists", "seats_blocked", "seats_of_other_screen", "tax_class_in_use",
    "ticket_type_not_on_channel", "unknown_cinema", "unknown_ids", "unknown_ticket_type",
    # a hold whose promo code does not apply: "promo_" + the outcome of check_promo
    "promo_unknown", "promo_inactive", "promo_not_yet_valid", "promo_expired", "promo_wrong_cinema",
    "promo_wrong_movie", "promo_wrong_currency", "promo_too_few_tickets", "promo_not_combinable",
    "promo_used_up", "promo_customer_required", "promo_customer_limit_reached",
)
PAYMENTS = (
    "booking_already_paid", "booking_expired", "booking_not_payable", "idempotency_key_in_progress",
    "idempotency_key_reused", "invalid_event", "invalid_signature", "invoice_pending", "nothing_due",
    "nothing_to_pay", "nothing_to_refund", "partial_refund_staff_only", "payment_in_progress",
    "payment_not_captured", "refund_at_counter", "refund_exceeds_payment", "refund_not_allowed",
    "refund_not_settled",
)
TICKETS = (
    "already_admitted", "booking_not_paid", "invalid_ticket_code", "ticket_cancelled", "ticket_expired",
    "too_early", "unknown_key", "wrong_screen", "wrong_showtime",
)
BOX_OFFICE = (
    "not_sold_on_this_shift", "shift_already_open", "shift_closed", "shift_not_yours",
    "showtime_of_other_cinema", "tender_incomplete", "tender_too_small",
)
# Why a card was declined, as the gateway says it (Stripe's codes, the sandbox's too), passed on
# as the reason of a 402 so the client can tell the customer; any other code is `payment_declined`.
DECLINES = (
    "authentication_required", "card_declined", "card_not_supported", "card_velocity_exceeded",
    "currency_not_supported", "do_not_honor", "do_not_try_again", "expired_card", "fraudulent",
    "generic_decline", "incorrect_cvc", "incorrect_number", "incorrect_zip", "insufficient_funds",
    "invalid_account", "invalid_amount", "invalid_cvc", "invalid_expiry_month", "invalid_expiry_year",
    "invalid_number", "issuer_not_available", "lost_card", "processing_error", "restricted_card",
    "stolen_card", "transaction_not_allowed", "try_again_later",
)

REASONS: tuple[str, ...] = tuple(sorted({
    *STATUS_REASONS.values(), FALLBACK_REASON, *PLATFORM, *AUTH, *CATALOGUE, *VENUES, *SCHEDULING,
    *BOOKINGS, *PRICING, *PAYMENTS, *TICKETS, *BOX_OFFICE, *DECLINES,
}))
STATUSES: tuple[int, ...] = tuple(sorted(STATUS_REASONS))


def decline_reason(code: str | None) -> str:
    """The reason of a declined payment: the gateway's code when it is one of ``DECLINES``."""
    return code if code in DECLINES else STATUS_REASONS[402]


def ensure_listed(status: int, reason: str) -> None:
    """Refuse an error answer a generated client could not read (called while testing)."""
    if reason not in REASONS or status not in STATUSES:
        raise LookupError(
            f"error {status} {reason!r} is not listed in app/common/reasons.py: add it there, "
            "so the OpenAPI document's enums (and the clients generated from them) know it"
        )
