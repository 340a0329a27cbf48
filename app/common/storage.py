"""File storage for posters and invoices: an S3 bucket through boto3, or a local folder.

With ``S3_BUCKET`` set, objects go to that bucket (``S3_ENDPOINT_URL`` for MinIO or any
S3-compatible store). Without it (the embedded default) they go under ``MEDIA_DIR`` and the
app serves them at ``/media/<key>``.

Only keys under :data:`PUBLIC_FOLDERS` (posters) have a public URL. Everything else (invoices,
credit notes) is private: it is reached through its authorised endpoint or a short-lived
signed link, a presigned GET with a bucket, else a link to /media signed with ``SECRET_KEY``
(itsdangerous) that names its own expiry.

A presigned link names the endpoint the app reaches the bucket at. Where browsers reach it
elsewhere (docker-compose.yml: MinIO at ``http://minio:9000`` inside, nginx's ``/media-store/``
outside), ``S3_BROWSER_URL`` replaces the endpoint in the links given out. The signature still
holds: it covers the path and the Host header, and the proxy passes the endpoint's host on.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import current_app
from itsdangerous import Signer

from app.common.clock import now

PUBLIC_FOLDERS = frozenset({"posters"})


class StorageError(RuntimeError):
    pass


def _s3_client():
    import boto3

    config = current_app.config
    return boto3.client("s3", endpoint_url=config["S3_ENDPOINT_URL"], region_name=config["S3_REGION"])


def _local_path(key: str) -> Path:
    root = Path(current_app.config["MEDIA_DIR"]).resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise StorageError(f"storage key {key!r} escapes the media folder")
    return path


def put_object(key: str, data: bytes, content_type: str) -> None:
    bucket = current_app.config["S3_BUCKET"]
    if bucket:
        _s3_client().put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
        return
    path = _local_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def get_object(key: str) -> bytes:
    bucket = current_app.config["S3_BUCKET"]
    if bucket:
        return _s3_client().get_object(Bucket=bucket, Key=key)["Body"].read()
    return _local_path(key).read_bytes()


def delete_object(key: str) -> None:
    bucket = current_app.config["S3_BUCKET"]
    if bucket:
        _s3_client().delete_object(Bucket=bucket, Key=key)
        return
    _local_path(key).unlink(missing_ok=True)


def is_public(key: str) -> bool:
    """Whether ``key`` lies in a public folder; a ``..`` that would climb out of it does not."""
    return posixpath.normpath(key) == key and key.split("/", 1)[0] in PUBLIC_FOLDERS


def public_url(key: str, expires_in: int = 24 * 3600) -> str:
    """A URL a browser can load: under ``S3_PUBLIC_URL`` (a public bucket or CDN), else a
    presigned GET valid for ``expires_in`` seconds (buckets are private by default), else
    this app's /media route. Only for public keys: private ones get a :func:`signed_url`.
    """
    if not is_public(key):
        raise StorageError(f"storage key {key!r} is private: give it a signed link, not a public URL")
    config = current_app.config
    if config["S3_BUCKET"]:
        if config["S3_PUBLIC_URL"]:
            return f"{config['S3_PUBLIC_URL'].rstrip('/')}/{key}"
        return _for_browsers(_s3_client().generate_presigned_url(
            "get_object", Params={"Bucket": config["S3_BUCKET"], "Key": key}, ExpiresIn=expires_in
        ))
    return f"/media/{key}"


def _for_browsers(url: str) -> str:
    """A presigned ``url`` as browsers reach it: ``S3_BROWSER_URL`` in place of the endpoint."""
    config = current_app.config
    endpoint, browser = config["S3_ENDPOINT_URL"], config["S3_BROWSER_URL"]
    if endpoint and browser and url.startswith(endpoint.rstrip("/") + "/"):
        return browser.rstrip("/") + url[len(endpoint.rstrip("/")):]
    return url


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def media_origins(config: dict) -> tuple[str, ...]:
    """Origins other than the app's own that serve posters, for the pages' ``img-src``."""
    if not config.get("S3_BUCKET"):
        return ()
    if config.get("S3_PUBLIC_URL"):
        return (_origin(config["S3_PUBLIC_URL"]),)
    if config.get("S3_BROWSER_URL") or config.get("S3_ENDPOINT_URL"):
        return (_origin(config.get("S3_BROWSER_URL") or config["S3_ENDPOINT_URL"]),)
    # AWS itself: boto3 presigns virtual-hosted URLs, or path-style ones for dotted bucket names.
    bucket, region = config["S3_BUCKET"], config["S3_REGION"]
    return (f"https://{bucket}.s3.{region}.amazonaws.com", f"https://s3.{region}.amazonaws.com")


@dataclass(frozen=True)
class SignedLink:
    url: str
    expires_at: datetime


def signed_url(key: str) -> SignedLink:
    """A link to a private object that anyone holding it may follow for
    ``SIGNED_LINK_TTL_SECONDS`` (short: it may be forwarded, logged by a proxy or cached)."""
    config = current_app.config
    ttl = config["SIGNED_LINK_TTL_SECONDS"]
    # Whole seconds, so the expiry in the link is exactly the one signed and reported.
    expires_at = now().replace(microsecond=0) + timedelta(seconds=ttl)
    if config["S3_BUCKET"]:
        url = _s3_client().generate_presigned_url(
            "get_object", Params={"Bucket": config["S3_BUCKET"], "Key": key}, ExpiresIn=ttl)
        return SignedLink(_for_browsers(url), expires_at)
    expires = int(expires_at.timestamp())
    signature = _link_signer().get_signature(f"{key}:{expires}").decode()
    return SignedLink(f"/media/{key}?{urlencode({'expires': expires, 'signature': signature})}",
                      expires_at)


def link_signature_is_valid(key: str, expires: str, signature: str) -> bool:
    """Whether ``signature`` is this app's for ``key`` and ``expires`` (expiry not checked)."""
    if not (expires.isascii() and expires.isdigit()):
        return False
    return _link_signer().verify_signature(f"{key}:{expires}", signature)


def link_has_expired(expires: str) -> bool:
    return datetime.fromtimestamp(int(expires), UTC) <= now()


def _link_signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="cinemaos.media-link",
                  digest_method=hashlib.sha256)
