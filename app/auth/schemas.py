"""Request and response bodies of the auth service and of user administration."""

from __future__ import annotations

import marshmallow as ma

from app.auth.policy import MIN_PASSWORD_LENGTH, normalise_email
from app.common.fields import Boolean, Choice, Id, List, Text
from app.common.pagination import PageArgsSchema, page_schema
from app.models import ROLES

EXAMPLE_PASSWORD = "Correct-horse-9"


class EmailField(Text):
    """An e-mail address (the column's 254 characters), trimmed and lower-cased, then validated."""

    def __init__(self, **kwargs) -> None:
        metadata = {"format": "email", **(kwargs.pop("metadata", None) or {})}
        super().__init__(max_length=254, validate=ma.validate.Email(), metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = normalise_email(value)
        return super()._deserialize(value, attr, data, **kwargs)


def _email(description: str) -> EmailField:
    return EmailField(required=True, metadata={"description": description, "example": "ada@example.com"})


def _password(description: str) -> Text:
    return Text(required=True, load_only=True, min_length=1, max_length=200,
                metadata={"description": description, "example": EXAMPLE_PASSWORD})


def _one_time_token(description: str) -> Text:
    return Text(required=True, min_length=1, max_length=200,
                metadata={"description": description,
                          "example": "kq3v0Yw2cI8n5mM1l0gJ8wq3s9dXo2FzJ6uHk4t7bA0"})


class RegisterSchema(ma.Schema):
    email = _email("E-mail address; case does not matter, each address has one account")
    password = _password(
        f"At least {MIN_PASSWORD_LENGTH} characters with a letter and a digit or symbol, "
        "at most 72 bytes, not a common password nor your e-mail address"
    )
    full_name = Text(load_default="", max_length=120,
                     metadata={"description": "Name shown on bookings and invoices",
                               "example": "Ada Lovelace"})


class LoginSchema(ma.Schema):
    email = _email("E-mail address of the account")
    password = _password("The account's password")


class UserSchema(ma.Schema):
    """An account as its owner and the admins see it."""

    id = ma.fields.Integer(dump_only=True, metadata={"description": "User id", "example": 42})
    email = ma.fields.String(dump_only=True, metadata={"description": "Normalised e-mail address",
                                                       "example": "ada@example.com"})
    full_name = ma.fields.String(dump_only=True, metadata={"description": "Display name",
                                                           "example": "Ada Lovelace"})
    role = ma.fields.String(dump_only=True, metadata={
        "description": "customer, staff, manager or admin", "enum": list(ROLES), "example": "customer"})
    is_active = ma.fields.Boolean(dump_only=True, metadata={
        "description": "False when an admin disabled the account (it cannot log in)", "example": True})
    email_verified = ma.fields.Boolean(dump_only=True, metadata={
        "description": "Whether the address was confirmed through the e-mailed link", "example": False})
    cinema_ids = ma.fields.List(ma.fields.Integer(), dump_only=True, metadata={
        "description": "Cinemas a staff member or manager works at (empty for other roles)",
        "example": [1, 3]})
    created_at = ma.fields.DateTime(dump_only=True, metadata={"description": "When the account was made",
                                                              "example": "2026-10-01T09:30:00+00:00"})


UserPageSchema = page_schema(UserSchema)


class TokenSchema(ma.Schema):
    """A new session's access token. The refresh token is not in the body: it is set as the
    httpOnly cookie ``refresh_token_cookie`` (path /api/auth) next to ``csrf_refresh_token``."""

    access_token = ma.fields.String(required=True, metadata={
        "description": "JWT to send as `Authorization: Bearer <token>` (Swagger UI: Authorize)",
        "example": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl"})
    token_type = ma.fields.String(required=True, metadata={"description": "Always `Bearer`",
                                                           "example": "Bearer"})
    expires_in = ma.fields.Integer(required=True, metadata={
        "description": "Seconds until the access token expires", "example": 900})
    refresh_expires_in = ma.fields.Integer(required=True, metadata={
        "description": "Seconds until the refresh cookie expires unless refreshed", "example": 604800})
    refresh_csrf_token = ma.fields.String(required=True, metadata={
        "description": "Send it as `X-CSRF-TOKEN` with `POST /api/auth/refresh` (same value as the "
                       "`csrf_refresh_token` cookie)",
        "example": "4b0a7c1e-3c3f-4bd0-9c53-0f8e3b1f8a55"})
    user = ma.fields.Nested(UserSchema, required=True, metadata={"description": "The signed-in user"})


class ForgotPasswordSchema(ma.Schema):
    email = _email("Address of the account; the answer is the same whether or not it exists")


class ResetPasswordSchema(ma.Schema):
    token = _one_time_token("The `token` parameter of the link in the reset e-mail")
    password = _password(f"The new password (same rules as registration, at least "
                         f"{MIN_PASSWORD_LENGTH} characters)")


class VerifyEmailSchema(ma.Schema):
    token = _one_time_token("The `token` parameter of the link in the verification e-mail")


class MessageSchema(ma.Schema):
    message = ma.fields.String(required=True, metadata={
        "description": "What happened, for people",
        "example": "If an account uses this address, a reset link is on its way"})


class UserQueryArgsSchema(PageArgsSchema):
    role = Choice(ROLES, metadata={"description": "Only users with this role", "example": "staff"})
    is_active = Boolean(metadata={"description": "Only enabled (true) or disabled (false)",
                                  "example": True})
    search = Text(min_length=1, max_length=100, metadata={
        "description": "Part of the e-mail address or name, any case", "example": "lovelace"})
    cinema_id = Id(metadata={"description": "Only people assigned to this cinema", "example": 1})


class UserUpdateSchema(ma.Schema):
    """Fields an admin may change; omitted fields stay as they are."""

    role = Choice(ROLES, metadata={
        "description": "New role; leaving staff/manager drops the cinema assignments",
        "example": "staff"})
    is_active = Boolean(metadata={
        "description": "false disables the account and ends its sessions", "example": True})
    cinema_ids = List(
        Id(), max_items=100,
        metadata={"description": "The complete list of cinemas a staff member or manager works at "
                                 "(replaces the current list)", "example": [1, 3]})

    @ma.validates_schema
    def _not_empty(self, data: dict, **_kwargs) -> None:
        if not data:
            raise ma.ValidationError("Give at least one of role, is_active, cinema_ids")
