"""File storage for posters and invoices: an S3 bucket through boto3, or a local folder.

With ``S3_BUCKET`` set, objects go to that bucket (``S3_ENDPOINT_URL`` for MinIO or any
S3-compatible store). Without it (the embedded default) they go under ``MEDIA_DIR`` and the
app serves them at ``/media/<key>``.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app


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


def public_url(key: str, expires_in: int = 24 * 3600) -> str:
    """A URL a browser can load: under ``S3_PUBLIC_URL`` (a public bucket or CDN), else a
    presigned GET valid for ``expires_in`` seconds (buckets are private by default), else
    this app's /media route.
    """
    config = current_app.config
    if config["S3_BUCKET"]:
        if config["S3_PUBLIC_URL"]:
            return f"{config['S3_PUBLIC_URL'].rstrip('/')}/{key}"
        return _s3_client().generate_presigned_url(
            "get_object", Params={"Bucket": config["S3_BUCKET"], "Key": key}, ExpiresIn=expires_in
        )
    return f"/media/{key}"
