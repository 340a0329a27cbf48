"""Promo codes: management, validation against a basket, and atomic redemption at payment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from app.common.clock import now
from app.common.errors import ConflictError, ValidationError
from app.common.lookups import get_or_404
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import Booking, Cinema, Movie, PromoCode, PromoRedemption
from pricing_engine import Basket, PricingInputError, Promo, PromoKind, PromoScope, PromoUsage, check_promo

# The one reason anonymous callers are given for a code that does not apply.
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class PromoOutcome:
    code: str
    applies: bool
    reason: str
    message: str
    promo: Promo | None = None
    promo_code_id: int | None = None

    def to_dict(self) -> dict:
        return {"code": self.code, "applies": self.applies, "reason": self.reason, "message": self.message}

    def told_to(self, *, signed_in: bool) -> dict:
        """What a caller learns about the code. Anonymous callers hear only whether it applies:
        an unknown code, an expired one and one used up sound alike, so guessing codes from
        outside learns nothing more than a try at checkout would. Signed-in customers hear why
        (their attempts are counted per account, and accounts are limited at registration)."""
        if signed_in or self.applies:
            return self.to_dict()
        return {"code": self.code, "applies": False, "reason": NOT_APPLICABLE,
                "message": f"Promo code {self.code} does not apply to this basket"}


def normalise_code(code: str) -> str:
    return code.strip().upper()


def find_promo(code: str) -> PromoCode | None:
    return db.session.execute(
        select(PromoCode).where(PromoCode.code == normalise_code(code))
    ).scalar_one_or_none()


def engine_promo(row: PromoCode) -> Promo:
    percent = row.kind == "percent"
    return Promo(
        code=row.code, kind=PromoKind.PERCENT if percent else PromoKind.FIXED,
        scope=PromoScope.TICKET if row.scope == "ticket" else PromoScope.BASKET,
        percent_off=Decimal(row.value) if percent else None,
        amount_off_minor=None if percent else row.value,
        currency=None if percent else row.currency,
        valid_from=row.valid_from, valid_until=row.valid_until, max_uses=row.max_uses,
        max_uses_per_customer=row.max_uses_per_customer,
        movie_ids=frozenset(map(str, row.movie_ids)) or None,
        cinema_ids=frozenset(map(str, row.cinema_ids)) or None,
        min_tickets=row.min_tickets, combinable=row.combinable, active=row.active,
    )


def _customer_uses(promo_id: int, customer_id: int | None) -> int:
    if customer_id is None:
        return 0
    return db.session.scalar(
        select(func.count()).select_from(PromoRedemption).where(
            PromoRedemption.promo_code_id == promo_id, PromoRedemption.user_id == customer_id,
            PromoRedemption.released_at.is_(None),
        )
    )


def check_promo_code(code: str, basket: Basket, customer_id: int | None, at: datetime) -> PromoOutcome:
    """Whether ``code`` applies to ``basket`` now, and if not, why (a machine reason + message)."""
    row = find_promo(code)
    if row is None:
        return PromoOutcome(normalise_code(code), False, "unknown", f"Promo code {code!r} does not exist")
    promo = engine_promo(row)
    usage = PromoUsage(total_uses=row.uses_count, customer_uses=_customer_uses(row.id, customer_id))
    result = check_promo(promo, basket, at, usage)
    return PromoOutcome(row.code, result.applies, result.reason.value, result.message, promo, row.id)


def validate_promo_fields(row: PromoCode) -> None:
    """Refuse a configuration the engine would refuse, with its message, before it is stored."""
    try:
        engine_promo(row)
    except PricingInputError as exc:
        raise ValidationError(str(exc), reason="invalid_promo") from exc
    if row.kind == "fixed" and not row.currency:
        raise ValidationError("A fixed-amount promo needs a currency", reason="invalid_promo")


def redeem_promo(booking: Booking) -> None:
    """Count one use of the booking's promo code, inside the caller's payment transaction.

    The promo row is locked (SELECT ... FOR UPDATE), so twenty customers paying with the last
    use of a code at once are serialised: one redeems it, the others get a 409.
    """
    if booking.promo_code_id is None:
        return
    promo = db.session.execute(
        select(PromoCode).where(PromoCode.id == booking.promo_code_id).with_for_update()
    ).scalar_one()
    if promo.max_uses is not None and promo.uses_count >= promo.max_uses:
        raise ConflictError(f"Promo code {promo.code} has been used up", reason="promo_used_up")
    if (promo.max_uses_per_customer is not None
            and _customer_uses(promo.id, booking.user_id) >= promo.max_uses_per_customer):
        raise ConflictError(f"You have already used promo code {promo.code} as often as allowed",
                            reason="promo_customer_limit")
    db.session.add(PromoRedemption(promo_code_id=promo.id, user_id=booking.user_id, booking_id=booking.id))
    promo.uses_count += 1


def release_promo(booking: Booking) -> None:
    """Give the use back when the booking is refunded (inside the caller's transaction)."""
    redemption = db.session.execute(
        select(PromoRedemption).where(
            PromoRedemption.booking_id == booking.id, PromoRedemption.released_at.is_(None)
        ).with_for_update()
    ).scalar_one_or_none()
    if redemption is None:
        return
    redemption.released_at = now()
    promo = db.session.execute(
        select(PromoCode).where(PromoCode.id == redemption.promo_code_id).with_for_update()
    ).scalar_one()
    promo.uses_count -= 1


def get_promo(promo_id: int) -> PromoCode:
    return get_or_404(PromoCode, promo_id, f"Promo code {promo_id}")


def ensure_may_manage_promo(principal, cinema_ids: list[int]) -> None:
    """Admins manage any code; a manager only codes limited to cinemas they run."""
    from app.common.access import ensure_cinema_access
    from app.common.errors import PermissionDeniedError

    if principal.is_admin:
        return
    if not cinema_ids:
        raise PermissionDeniedError("Only admins create promo codes valid at every cinema; "
                                    "list the cinemas this code is for", reason="global_promo_admin_only")
    for cinema_id in cinema_ids:
        ensure_cinema_access(principal, cinema_id)


def list_promos(principal) -> list[PromoCode]:
    promos = list(db.session.scalars(select(PromoCode).order_by(PromoCode.id)))
    if principal.is_admin:
        return promos
    mine = set(principal.cinema_ids)
    return [p for p in promos if p.cinema_ids and set(p.cinema_ids) <= mine]


def ensure_targets_exist(fields: dict) -> None:
    """Refuse (422, naming the field) cinema or film ids that name nothing: such a code would
    silently apply nowhere."""
    for name, model, what in (("cinema_ids", Cinema, "cinemas"), ("movie_ids", Movie, "films")):
        wanted = set(fields.get(name) or ())
        if not wanted:
            continue
        unknown = sorted(wanted - set(db.session.scalars(select(model.id).where(model.id.in_(wanted)))))
        if unknown:
            raise ValidationError(f"{name}: no {what} with ids {unknown}", reason="unknown_ids",
                                  details={name: [f"No {what} with ids {unknown}"]})


@use_case
def create_promo(principal, fields: dict) -> PromoCode:
    fields["code"] = normalise_code(fields["code"])
    ensure_targets_exist(fields)
    ensure_may_manage_promo(principal, fields.get("cinema_ids") or [])
    if find_promo(fields["code"]) is not None:
        raise ConflictError(f"Promo code {fields['code']} already exists", reason="promo_exists")
    promo = PromoCode(**fields)
    validate_promo_fields(promo)
    db.session.add(promo)
    return promo


@use_case
def update_promo(principal, promo: PromoCode, fields: dict) -> PromoCode:
    ensure_targets_exist(fields)
    ensure_may_manage_promo(principal, promo.cinema_ids)
    if "cinema_ids" in fields:
        ensure_may_manage_promo(principal, fields["cinema_ids"])
    fields.pop("code", None)  # the code itself is its identity for customers; create a new one
    for name, value in fields.items():
        setattr(promo, name, value)
    validate_promo_fields(promo)
    return promo


@use_case
def delete_promo(principal, promo: PromoCode) -> None:
    """Deactivate a redeemed code (its history stays); delete one never used."""
    ensure_may_manage_promo(principal, promo.cinema_ids)
    if promo.uses_count or db.session.scalar(
        select(func.count()).select_from(PromoRedemption).where(PromoRedemption.promo_code_id == promo.id)
    ):
        promo.active = False
    else:
        db.session.delete(promo)
