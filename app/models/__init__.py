"""All models, importable from one place (Alembic and the services use this module)."""

from app.models.audit import AuditEntry
from app.models.bookings import BOOKING_STATUSES, Booking, BookingFeeLine, BookingSeat
from app.models.boxoffice import ENTRY_KINDS, TENDERS, BoxOfficeShift, ShiftEntry
from app.models.catalogue import (
    FORMATS,
    AgeRating,
    Genre,
    Movie,
    MovieFormat,
    film_details,
    movie_genres,
)
from app.models.outbox import OutboxMessage
from app.models.payments import (
    IdempotencyRecord,
    Invoice,
    InvoiceCounter,
    Payment,
    PaymentEvent,
    Refund,
    SandboxCharge,
)
from app.models.pricing import (
    CategoryPriceBound,
    PriceChange,
    PricingGuardRails,
    PricingRule,
    PromoCode,
    PromoRedemption,
    SeatCategoryPrice,
)
from app.models.scheduling import OptimisationRun, Showtime
from app.models.ticketing import (
    FEE_CHANNELS,
    FEE_PER,
    SALES_CHANNELS,
    BookingFee,
    TaxClass,
    TicketType,
)
from app.models.tickets import TicketCheckin
from app.models.users import ROLES, OneTimeToken, RefreshTokenFamily, User, UserCinema
from app.models.venues import (
    SEAT_CATEGORIES,
    STRUCTURAL_CATEGORIES,
    Cinema,
    Screen,
    ScreenClosure,
    Seat,
    SeatCategory,
)

__all__ = [
    "BOOKING_STATUSES", "ENTRY_KINDS", "FEE_CHANNELS", "FEE_PER", "FORMATS", "ROLES", "SALES_CHANNELS",
    "SEAT_CATEGORIES", "STRUCTURAL_CATEGORIES", "TENDERS",
    "AgeRating", "AuditEntry", "Booking", "BookingFee", "BookingFeeLine", "BookingSeat", "BoxOfficeShift",
    "CategoryPriceBound", "Cinema",
    "Genre", "IdempotencyRecord", "Invoice",
    "InvoiceCounter", "Movie", "MovieFormat", "OneTimeToken", "OptimisationRun", "OutboxMessage",
    "Payment",
    "PaymentEvent", "PriceChange", "PricingGuardRails", "PricingRule", "PromoCode", "PromoRedemption",
    "RefreshTokenFamily", "Refund", "SandboxCharge", "Screen", "ScreenClosure", "Seat", "SeatCategory",
    "SeatCategoryPrice",
    "ShiftEntry", "Showtime", "TaxClass", "TicketCheckin", "TicketType", "User", "UserCinema", "film_details",
    "movie_genres",
]
