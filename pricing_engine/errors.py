"""The single exception type the pricing library raises for bad input."""


class PricingInputError(ValueError):
    """Input that cannot be priced (negative price, absurd multiplier, unknown code...).

    A ``ValueError`` subclass so callers can map it to HTTP 422 in one place, while the
    message names the offending field and value so the cause is obvious from a log line.
    """
