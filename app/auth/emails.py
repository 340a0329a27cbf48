"""The auth service's e-mails; links point at the front end, which posts the token back."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app

from app.common.mail import queue_email


def send_password_reset_email(to: str, raw_token: str) -> None:
    minutes = current_app.config["PASSWORD_RESET_TTL_SECONDS"] // 60
    queue_email(to, "Reset your CinemaOS password", (
        "Someone (hopefully you) asked to reset the password of your CinemaOS account.\n\n"
        f"Choose a new password here (valid for {minutes} minutes, once):\n"
        f"{_link('reset-password', raw_token)}\n\n"
        "If you did not ask, ignore this e-mail: your password stays as it is.\n"
    ))


def send_verification_email(to: str, raw_token: str) -> None:
    hours = current_app.config["EMAIL_VERIFY_TTL_SECONDS"] // 3600
    queue_email(to, "Confirm your e-mail address for CinemaOS", (
        "Welcome to CinemaOS!\n\n"
        f"Confirm your e-mail address here (valid for {hours} hours, once):\n"
        f"{_link('verify-email', raw_token)}\n"
    ))


def _link(page: str, raw_token: str) -> str:
    base = current_app.config["FRONTEND_URL"].rstrip("/")
    return f"{base}/{page}?{urlencode({'token': raw_token})}"
