"""Serves the local storage folder at /media (embedded default; with S3 the bucket serves files).

Posters are public. Any other key (invoices, credit notes) is served only through a signed,
unexpired link (:func:`app.common.storage.signed_url`); without one it does not exist here,
so sequential invoice numbers cannot be walked.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, send_from_directory

from app.common.errors import NotFoundError, PermissionDeniedError
from app.common.storage import is_public, link_has_expired, link_signature_is_valid

media_blueprint = Blueprint("media", __name__)


@media_blueprint.get("/media/<path:key>")
def media(key: str):
    if current_app.config["S3_BUCKET"]:
        raise NotFoundError("No such file")
    if is_public(key):
        return send_from_directory(current_app.config["MEDIA_DIR"], key, max_age=3600)
    expires, signature = request.args.get("expires", ""), request.args.get("signature", "")
    if not (expires and signature and link_signature_is_valid(key, expires, signature)):
        raise NotFoundError("No such file")
    if link_has_expired(expires):
        raise PermissionDeniedError("This link has expired: ask for a new one", reason="link_expired")
    response = send_from_directory(current_app.config["MEDIA_DIR"], key)
    # A private document: neither the browser nor a shared cache may keep it.
    response.headers["Cache-Control"] = "private, no-store"
    return response
