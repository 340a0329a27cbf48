"""HTTP routes of user administration: /api/users (admins only)."""

from __future__ import annotations

from flask.views import MethodView

from app.auth.accounts import get_user
from app.auth.schemas import UserPageSchema, UserQueryArgsSchema, UserSchema, UserUpdateSchema
from app.auth.users_admin import list_users, update_user
from app.common.access import ADMIN, current_principal
from app.common.blueprint import ServiceBlueprint

blp = ServiceBlueprint(
    "users", __name__, url_prefix="/api/users",
    description="User administration: roles, disabled accounts, staff cinema assignments.",
)


@blp.route("")
class Users(MethodView):
    @blp.access(*ADMIN)
    @blp.arguments(UserQueryArgsSchema, location="query")
    @blp.response(200, UserPageSchema)
    def get(self, args: dict):
        """List users, newest first, filtered by role, state, cinema or name/e-mail"""
        return list_users(**args)


@blp.route("/<int:user_id>")
class UserById(MethodView):
    @blp.access(*ADMIN)
    @blp.response(200, UserSchema)
    def get(self, user_id: int):
        """One user"""
        return get_user(user_id)

    @blp.access(*ADMIN)
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(409, response="CONFLICT", description="An admin cannot demote or disable themselves")
    def patch(self, data: dict, user_id: int):
        """Set a user's role, active flag and the cinemas a staff member or manager works at

        Takes effect on the user's next request. Disabling ends the user's sessions.
        """
        return update_user(current_principal(), user_id, **data)
