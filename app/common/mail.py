"""Outgoing e-mail: queued on the ``default`` RQ queue, delivered over SMTP (smtplib).

With no ``SMTP_HOST`` configured (the embedded default) the message is written to the log
instead, so a developer can still follow a password-reset link. Production refuses to start
without ``SMTP_HOST`` (config.py), so raw tokens never reach its logs this way.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from rq import Retry

from app.common.logging import redact_link_secrets
from app.common.tasks import launch_task

log = logging.getLogger("cinemaos.mail")

# A message's job holds its address and body (a reset link's token among them) in Redis: gone
# as soon as it is delivered, and a day after its last failed try, long enough for an operator
# to see the failure, not to keep personal data or live tokens. A mail server that is down for
# a moment gets three more tries over six minutes first.
FAILED_MAIL_KEPT_SECONDS = 24 * 3600
MAIL_RETRIES = Retry(max=3, interval=[10, 60, 300])


def queue_email(to: str, subject: str, body: str) -> None:
    """Send later, from a worker: a slow mail server never slows an API request."""
    # RQ logs each job's description, by default its call with the arguments: the body (which
    # may hold a one-time token) and the address stay out of the worker's log.
    launch_task("default", "app.common.mail.deliver_email", to, subject, body,
                description=f"e-mail: {subject}", result_ttl=0, failure_ttl=FAILED_MAIL_KEPT_SECONDS,
                retry=MAIL_RETRIES)


def deliver_email(to: str, subject: str, body: str) -> None:
    """The RQ job: build the message and hand it to the SMTP server (or the log)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not config["SMTP_HOST"]:
        # In development and tests the raw link is the point: it is how a reset is followed
        # without a mail server. Anywhere else a token in the log would open the account.
        if config["APP_ENV"] not in ("development", "test"):
            body = redact_link_secrets(body)
        log.info("e-mail (no SMTP_HOST, not sent) to=%s subject=%s\n%s", to, subject, body)
        return
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
        if config["SMTP_USE_TLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
