"""Serves the local storage folder at /media (embedded default; with S3 the bucket serves files)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory

media_blueprint = Blueprint("media", __name__)


@media_blueprint.get("/media/<path:key>")
def media(key: str):
    if current_app.config["S3_BUCKET"]:
        abort(404)
    return send_from_directory(current_app.config["MEDIA_DIR"], key, max_age=3600)
