"""Poster uploads: checked to be a real image of an accepted type before anything is stored.

The type comes from the decoded image, never from the file name or the client's
Content-Type, so a renamed PDF or script is refused. The size in pixels is bounded too
(MAX_POSTER_PIXELS): a single-colour PNG of 12,000 x 12,000 pixels is 17 kB on the wire and
half a gigabyte in every browser that shows it. The bound is read from the header, which
``Image.open`` parses without decoding a pixel.
"""

from __future__ import annotations

import hashlib
from io import BytesIO

from PIL import Image, UnidentifiedImageError

from app.common.errors import ValidationError

ACCEPTED = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
            "WEBP": ("webp", "image/webp")}

# Pillow's own guard, for every image this process opens: Image.open warns past this many pixels
# and refuses (DecompressionBombError) past twice as many. Its default, 89 Mpx, let a 144 Mpx
# poster through with a warning; posters stop at MAX_POSTER_PIXELS (16.8 Mpx by default) anyway.
Image.MAX_IMAGE_PIXELS = 32 * 1024 * 1024


def inspect_poster(data: bytes, max_bytes: int, max_pixels: int) -> tuple[str, str]:
    """Return the file extension and content type of a valid poster, else raise 422."""
    if not data:
        raise _invalid("The poster file is empty", "poster_invalid")
    if len(data) > max_bytes:
        raise _invalid(f"The poster is larger than the limit of {max_bytes} bytes",
                       "poster_too_large", max_bytes=max_bytes)
    try:
        with Image.open(BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if width * height > max_pixels:
                raise _too_many_pixels(f"The poster is {width} x {height} pixels", max_pixels)
            image.verify()
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels("The poster has far too many pixels", max_pixels) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _invalid("The poster is not a readable image", "poster_invalid") from exc
    if kind not in ACCEPTED:
        raise _invalid(f"Posters must be JPEG, PNG or WebP images, not {kind}", "poster_invalid")
    return ACCEPTED[kind]


def _too_many_pixels(found: str, max_pixels: int) -> ValidationError:
    return _invalid(f"{found}; at most {max_pixels} (width x height) are accepted",
                    "poster_too_many_pixels", max_pixels=max_pixels)


def _invalid(message: str, reason: str, **limits: int) -> ValidationError:
    """A 422 naming the upload's field, ``file``, with the limit that was passed if any."""
    return ValidationError(message, reason=reason, details={"file": [message], **limits})


def poster_key(movie_id: int, data: bytes, extension: str) -> str:
    """Named after the content, so a new poster gets a new URL and caches never show the old one."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    return f"posters/{movie_id}/{digest}.{extension}"
