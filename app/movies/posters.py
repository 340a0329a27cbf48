"""Poster uploads: checked to be a real image of an accepted type before anything is stored.

The type comes from the decoded image, never from the file name or the client's
Content-Type, so a renamed PDF or script is refused.
"""

from __future__ import annotations

import hashlib
from io import BytesIO

from PIL import Image, UnidentifiedImageError

from app.common.errors import ValidationError

ACCEPTED = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
            "WEBP": ("webp", "image/webp")}


def inspect_poster(data: bytes, max_bytes: int) -> tuple[str, str]:
    """Return the file extension and content type of a valid poster, else raise 422."""
    if not data:
        raise ValidationError("The poster file is empty", reason="poster_invalid")
    if len(data) > max_bytes:
        raise ValidationError(
            f"The poster is larger than the limit of {max_bytes} bytes", reason="poster_too_large",
            details={"max_bytes": max_bytes},
        )
    try:
        with Image.open(BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError) as exc:
        raise ValidationError("The poster is not a readable image", reason="poster_invalid") from exc
    if kind not in ACCEPTED:
        raise ValidationError(
            f"Posters must be JPEG, PNG or WebP images, not {kind}", reason="poster_invalid"
        )
    return ACCEPTED[kind]


def poster_key(movie_id: int, data: bytes, extension: str) -> str:
    """Named after the content, so a new poster gets a new URL and caches never show the old one."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    return f"posters/{movie_id}/{digest}.{extension}"
