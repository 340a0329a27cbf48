"""Administration of accounts: list them, set role, active flag and cinema assignments."""

from __future__ import annotations

from sqlalchemy import func, select

from app import audit
from app.auth.accounts import get_user
from app.auth.sessions import publish_revocation, revoke_all_sessions
from app.common.access import Principal
from app.common.errors import ConflictError, ValidationError
from app.common.pagination import PageResult, paginate
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import Cinema, User, UserCinema

ASSIGNABLE_ROLES = ("staff", "manager")


def list_users(*, role: str | None = None, is_active: bool | None = None, search: str | None = None,
               cinema_id: int | None = None, page: int = 1, page_size: int = 20) -> PageResult:
    """One page of users, newest first, filtered."""
    stmt = select(User)
    if role:
        stmt = stmt.where(User.role == role)
    if is_active is not None:
        stmt = stmt.where(User.is_active == is_active)
    if search:
        term = search.strip().lower()
        stmt = stmt.where(User.email.contains(term, autoescape=True)
                          | func.lower(User.full_name).contains(term, autoescape=True))
    if cinema_id is not None:
        stmt = stmt.where(User.cinema_links.any(UserCinema.cinema_id == cinema_id))
    return paginate(stmt.order_by(User.id.desc()), page, page_size)


@use_case
def update_user(actor: Principal, user_id: int, *, role: str | None = None, is_active: bool | None = None,
                cinema_ids: list[int] | None = None) -> User:
    """Apply an admin's change; takes effect on the user's very next request.

    Only staff and managers work at cinemas: moving someone to another role drops their
    assignments. Disabling an account ends its sessions. Admins cannot demote or disable
    themselves, so the last admin cannot lock everyone out by accident.
    """
    user = get_user(user_id)
    before = _access_of(user)
    if user.id == actor.id and (role not in (None, "admin") or is_active is False):
        raise ConflictError("You cannot remove your own admin access; ask another admin",
                            reason="self_lockout")
    if role is not None:
        user.role = role
    if cinema_ids is not None:
        if cinema_ids and user.role not in ASSIGNABLE_ROLES:
            raise ValidationError(
                f"Only staff and managers are assigned to cinemas; this user is a {user.role}",
                reason="cinemas_not_assignable", details={"cinema_ids": ["Not for this role"]},
            )
        _assign_cinemas(user, cinema_ids)
    elif user.role not in ASSIGNABLE_ROLES:
        user.cinema_links = []
    family_ids: list[str] = []
    if is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        if not is_active:
            family_ids = revoke_all_sessions(user, "account_disabled")
    after = _access_of(user)
    if after != before:
        action = "user.role_changed" if after["role"] != before["role"] else "user.access_changed"
        audit.record(actor, action, None, ("user", user.id), before, after)
    publish_revocation(user.id, family_ids)
    return user


def _access_of(user: User) -> dict:
    """What an admin's change may change, as the audit trail keeps it (ids only, no e-mail)."""
    return {"role": user.role, "is_active": user.is_active,
            "cinema_ids": sorted(link.cinema_id for link in user.cinema_links)}


def _assign_cinemas(user: User, cinema_ids: list[int]) -> None:
    wanted = set(cinema_ids)
    known = set(db.session.scalars(select(Cinema.id).where(Cinema.id.in_(wanted))))
    unknown = sorted(wanted - known)
    if unknown:
        raise ValidationError(
            f"No such cinema: {', '.join(map(str, unknown))}", reason="cinema_unknown",
            details={"cinema_ids": [f"Unknown cinema {i}" for i in unknown]},
        )
    current = {link.cinema_id: link for link in user.cinema_links}
    user.cinema_links = [current.get(i) or UserCinema(cinema_id=i) for i in sorted(wanted)]
