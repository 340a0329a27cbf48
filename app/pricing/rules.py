"""Pricing-rule management: managers for their cinemas, admins everywhere (and global rules)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from app import audit
from app.common.access import Principal, ensure_cinema_access
from app.common.errors import PermissionDeniedError, ValidationError
from app.common.lookups import get_or_404
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import FORMATS, Cinema, PricingRule
from app.pricing.repriced import record_repriced
from app.pricing.tariffs import TIME_RULE_KINDS, engine_rule
from pricing_engine import PricingInputError


def list_rules(cinema_id: int | None = None, kind: str | None = None) -> list[PricingRule]:
    query = select(PricingRule).order_by(PricingRule.id)
    if cinema_id is not None:
        query = query.where(or_(PricingRule.cinema_id == cinema_id, PricingRule.cinema_id.is_(None)))
    if kind is not None:
        query = query.where(PricingRule.kind == kind)
    return list(db.session.scalars(query))


def get_rule(rule_id: int) -> PricingRule:
    return get_or_404(PricingRule, rule_id, f"Pricing rule {rule_id}")


def _ensure_may_manage(principal: Principal, cinema_id: int | None) -> None:
    if cinema_id is None:
        if not principal.is_admin:
            raise PermissionDeniedError("Only admins manage rules that apply to every cinema",
                                        reason="global_rule_admin_only")
        return
    if db.session.get(Cinema, cinema_id) is None:
        raise ValidationError(f"Cinema {cinema_id} does not exist", reason="unknown_cinema",
                              details={"cinema_id": [f"no cinema {cinema_id}"]})
    ensure_cinema_access(principal, cinema_id)


def _check_rule(rule: PricingRule) -> None:
    """Refuse rules the pricing engine could not apply, naming what is wrong."""
    conditions = rule.conditions or {}
    if rule.kind == "format" and conditions.get("format") not in FORMATS:
        raise ValidationError(f"A format rule needs conditions.format, one of {FORMATS}")
    if rule.kind == "holiday" and not conditions.get("dates"):
        raise ValidationError("A holiday rule needs conditions.dates, the holiday dates it applies on")
    if rule.valid_from and rule.valid_until and rule.valid_until <= rule.valid_from:
        raise ValidationError("valid_until must be after valid_from")
    if rule.kind in TIME_RULE_KINDS:
        try:
            engine_rule(rule)
        except (PricingInputError, ValueError) as exc:
            raise ValidationError(f"This rule cannot be applied: {exc}") from exc


def _rule_fields(rule: PricingRule) -> dict[str, Any]:
    """The rule as the audit trail keeps it: every column but the bookkeeping ones."""
    return {column.key: getattr(rule, column.key) for column in PricingRule.__table__.columns
            if column.key not in ("id", "created_at", "updated_at", "version")}


@use_case
def create_rule(principal: Principal, fields: dict[str, Any]) -> PricingRule:
    _ensure_may_manage(principal, fields.get("cinema_id"))
    rule = PricingRule(**fields)
    _check_rule(rule)
    db.session.add(rule)
    db.session.flush()
    audit.record(principal, "pricing_rule.created", rule.cinema_id, ("pricing_rule", rule.id), None,
                 _rule_fields(rule))
    record_repriced(cinema_id=rule.cinema_id)
    return rule


@use_case
def update_rule(principal: Principal, rule: PricingRule, fields: dict[str, Any]) -> PricingRule:
    _ensure_may_manage(principal, rule.cinema_id)
    if "cinema_id" in fields and fields["cinema_id"] != rule.cinema_id:
        _ensure_may_manage(principal, fields["cinema_id"])
    before = _rule_fields(rule)
    for name, value in fields.items():
        setattr(rule, name, value)
    _check_rule(rule)
    audit.record(principal, "pricing_rule.updated", rule.cinema_id, ("pricing_rule", rule.id), before,
                 _rule_fields(rule))
    # A rule moved to another cinema (or to every cinema) reprices where it was and where it is.
    scopes = {before["cinema_id"], rule.cinema_id}
    for cinema_id in [None] if None in scopes else scopes:
        record_repriced(cinema_id=cinema_id)
    return rule


@use_case
def delete_rule(principal: Principal, rule: PricingRule) -> None:
    _ensure_may_manage(principal, rule.cinema_id)
    audit.record(principal, "pricing_rule.deleted", rule.cinema_id, ("pricing_rule", rule.id),
                 _rule_fields(rule), None)
    record_repriced(cinema_id=rule.cinema_id)
    db.session.delete(rule)
