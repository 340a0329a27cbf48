"""Idempotency-Key handling: the first answer to a key is the answer to every retry.

A key is claimed by inserting its record in a transaction of its own, committed before any
money moves; the unique (user, key) constraint makes exactly one concurrent request the
owner. The others wait briefly for the owner's stored answer and replay it, or get 409 if it
is still running. Keys belong to one attempt: a new card is a new key. Records are kept for
``IDEMPOTENCY_RETENTION_HOURS``; after that a key is forgotten and may be used afresh.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Response, current_app, jsonify
from flask_smorest import Blueprint
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.common.access import current_principal
from app.common.api import error_response
from app.common.clock import now
from app.common.errors import ConflictError, DomainError, ValidationError
from app.common.unit_of_work import unit_of_work, use_case
from app.extensions import db
from app.models import IdempotencyRecord
from app.payments.schemas import IdempotencyHeaderSchema

_POLL_SECONDS = 0.05
# A request is cut off by Gunicorn after 30 s (GUNICORN_TIMEOUT); a claim unanswered for twice
# that belongs to a request that died (its process killed, its database gone mid-write). A
# retry then takes the key over and resumes: the gateway replays the key's charge, if any.
ABANDONED_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: dict[str, Any]


def request_fingerprint(operation: str, body: dict[str, Any]) -> str:
    """Hash of what was asked, so a key reused for a different request is refused."""
    canonical = json.dumps({"operation": operation, "body": body}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim_key(user_id: int, key: str, fingerprint: str) -> StoredResponse | None:
    """Own ``key`` (None) or return the answer already given to it.

    Raises 422 when the key was used for another request, 409 when its first request is
    still running after ``IDEMPOTENCY_WAIT_SECONDS``.
    """
    deadline = time.monotonic() + current_app.config.get("IDEMPOTENCY_WAIT_SECONDS", 10)
    while True:
        try:
            with unit_of_work():
                db.session.add(IdempotencyRecord(user_id=user_id, key=key, request_hash=fingerprint))
            return None
        except IntegrityError:
            pass  # another request owns the key
        stored = _wait_for_answer(user_id, key, fingerprint, deadline)
        if stored is not None:
            return stored


def _wait_for_answer(user_id: int, key: str, fingerprint: str, deadline: float) -> StoredResponse | None:
    """Poll the owner's record; None means it was abandoned and the key may be claimed again."""
    query = select(IdempotencyRecord.id, IdempotencyRecord.request_hash, IdempotencyRecord.status_code,
                   IdempotencyRecord.response_body, IdempotencyRecord.created_at).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
    while True:
        row = db.session.execute(query).first()
        # End the transaction each round so the next read sees the owner's commit.
        db.session.rollback()
        if row is None:
            return None
        if row.request_hash != fingerprint:
            raise ValidationError(
                "This Idempotency-Key was already used for a different request; "
                "use a new key for a new attempt", reason="idempotency_key_reused")
        if row.status_code is not None:
            return StoredResponse(row.status_code, row.response_body or {})
        if row.created_at < now() - ABANDONED_AFTER:
            _forget_abandoned_claim(row.id)
            return None
        if time.monotonic() >= deadline:
            raise ConflictError(
                "A request with this Idempotency-Key is still being processed; retry shortly",
                reason="idempotency_key_in_progress", headers={"Retry-After": "1"})
        time.sleep(_POLL_SECONDS)


@use_case
def _forget_abandoned_claim(record_id: int) -> None:
    """Delete a claim left unanswered by a dead request (only if still unanswered: a late
    answer wins), so the retry can claim the key and resume the work."""
    db.session.execute(delete(IdempotencyRecord).where(
        IdempotencyRecord.id == record_id, IdempotencyRecord.status_code.is_(None)))


def store_answer(user_id: int, key: str, response: StoredResponse) -> None:
    """Keep the answer for the retries, in a transaction of its own (whatever the request
    left unfinished is dropped first)."""
    db.session.rollback()
    with unit_of_work():
        db.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
            .values(status_code=response.status_code, response_body=response.body)
        )


def release_key(user_id: int, key: str) -> None:
    """Forget a claim whose request failed without an answer, so the client can retry it."""
    db.session.rollback()
    with unit_of_work():
        db.session.execute(
            delete(IdempotencyRecord)
            .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
        )


@use_case
def purge_idempotency_records() -> int:
    """Delete records older than ``IDEMPOTENCY_RETENTION_HOURS``; returns how many went.

    Age alone decides: a request still running is far younger than the retention, so a record
    older than it is either answered long ago or was abandoned by a crashed process.
    """
    cutoff = now() - timedelta(hours=current_app.config["IDEMPOTENCY_RETENTION_HOURS"])
    removed = db.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff)
    ).rowcount
    return removed


def answer_once(user_id: int, key: str | None, operation: str, body: dict,
                 run: Callable[[], Response]) -> Response:
    """Run ``run`` once per Idempotency-Key and replay its answer to every retry (a route's
    helper: ``operation`` names what the key was used for)."""
    if key is None:
        return run()
    stored = claim_key(user_id, key, request_fingerprint(operation, body))
    if stored is not None:
        response = jsonify(stored.body)
        response.status_code = stored.status_code
        response.headers["Idempotent-Replayed"] = "true"
        return response
    answered = False
    try:
        try:
            response = run()
        except DomainError as error:
            # Conflicts and gateway failures describe a passing state, not this request's
            # answer: they are not stored, so a retry with the key can still succeed.
            if error.status_code == 409 or error.status_code >= 500:
                raise
            response = error_response(error.status_code, error.message, reason=error.reason,
                                      errors=error.details, headers=error.headers)
        answer = {k: v for k, v in response.get_json().items() if k != "request_id"}
        store_answer(user_id, key, StoredResponse(response.status_code, answer))
        answered = True
        return response
    finally:
        if not answered:
            release_key(user_id, key)


def idempotent(blp: Blueprint, operation: str, *, pass_key: bool = False) -> Callable:
    """Make a view answer each Idempotency-Key once (:func:`answer_once`), the caller's key.

    Put it where the view's ``Idempotency-Key`` header argument would go: under the body's
    ``@blp.arguments`` and above ``@blp.response``, whose serialised answer is what a retry
    gets again. It documents and reads the header; the view takes the body and its path
    arguments, plus ``idempotency_key`` with ``pass_key`` (for a gateway that wants the key
    too). ``operation`` names what a key was used for; path arguments may fill it
    (``"box_office_sale_{shift_id}"``), so one key cannot serve two tills.
    """

    def decorator(view: Callable[..., Response]) -> Callable:
        @functools.wraps(view)
        def once(self, body: dict, headers: dict, **path: Any) -> Response:
            key = headers.get("idempotency_key")
            extra = {"idempotency_key": key} if pass_key else {}
            return answer_once(current_principal().id, key, operation.format(**path), body,
                               lambda: view(self, body, **path, **extra))

        return blp.arguments(IdempotencyHeaderSchema, location="headers")(once)

    return decorator
