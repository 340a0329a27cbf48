"""Outgoing e-mail: queued on the ``default`` RQ queue, delivered over SMTP (smtplib).

With no ``SMTP_HOST`` configured (the embedded default) the message is written to the log
instead, so a developer can still follow a password-reset link.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("cinemaos.mail")


def queue_email(to: str, subject: str, body: str) -> None:
    """Send later, from a worker: a slow mail server never slows an API request."""
    from workers.queues import enqueue

    enqueue("default", deliver_email, to, subject, body)


def deliver_email(to: str, subject: str, body: str) -> None:
    """The RQ job: build the message and hand it to the SMTP server (or the log)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not config["SMTP_HOST"]:
        log.info("e-mail (no SMTP_HOST, not sent) to=%s subject=%s\n%s", to, subject, body)
        return
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
        if config["SMTP_USE_TLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
