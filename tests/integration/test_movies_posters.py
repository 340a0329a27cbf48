"""Posters: checked images stored through boto3 in S3 (moto's server here) or the local media folder."""

from __future__ import annotations

import urllib.request
from io import BytesIO
from urllib.parse import urlparse

import boto3
import pytest
from PIL import Image

BUCKET = "cinemaos-posters"


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real S3 endpoint on 127.0.0.1: moto in server mode, started once for this module."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(app, monkeypatch, s3_endpoint):
    """The app pointed at a fresh, empty bucket on that endpoint."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setitem(app.config, "S3_BUCKET", BUCKET)
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", s3_endpoint)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def admin(factory):
    return factory.headers(factory.user("admin"))


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (60, 90), noise: bool = False) -> bytes:
    image = Image.effect_noise(size, 80).convert("RGB") if noise else Image.new("RGB", size, (200, 40, 40))
    buffer = BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


def key_of(url: str) -> str:
    return urlparse(url).path.split(f"/{BUCKET}/", 1)[1]


def upload(client, movie_id: int, data: bytes, headers: dict, name: str = "poster.png"):
    return client.post(f"/api/movies/{movie_id}/poster", data={"file": (BytesIO(data), name)},
                       content_type="multipart/form-data", headers=headers)


def test_poster_goes_to_s3_and_comes_back_byte_identical(client, factory, admin, s3):
    movie = factory.movie()
    client.get(f"/api/movies/{movie.id}")  # cached before the upload
    data = image_bytes("JPEG")
    response = upload(client, movie.id, data, admin, name="whatever.bin")
    assert response.status_code == 200, response.json
    url = response.json["poster_url"]
    key = key_of(url)
    assert key.startswith(f"posters/{movie.id}/") and key.endswith(".jpg")

    stored = s3.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == data
    assert stored["ContentType"] == "image/jpeg"
    with urllib.request.urlopen(url, timeout=5) as served:  # presigned: usable as it is
        assert served.read() == data
    assert key_of(client.get(f"/api/movies/{movie.id}").json["poster_url"]) == key  # cache dropped

    replacement = image_bytes("PNG")
    replaced = upload(client, movie.id, replacement, admin)
    new_key = key_of(replaced.json["poster_url"])
    assert new_key != key and s3.get_object(Bucket=BUCKET, Key=new_key)["Body"].read() == replacement
    remaining = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert remaining == [new_key]  # the old poster is gone

    assert client.delete(f"/api/movies/{movie.id}/poster", headers=admin).status_code == 204
    assert client.get(f"/api/movies/{movie.id}").json["poster_url"] is None
    assert s3.list_objects_v2(Bucket=BUCKET).get("Contents", []) == []


@pytest.mark.parametrize("data, name", [
    (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "poster.png"),
    (b"<script>alert(1)</script>", "poster.jpg"),
    (b"", "poster.png"),
    (image_bytes("PNG")[:40], "truncated.png"),
    (image_bytes("GIF"), "poster.gif"),
])
def test_non_images_are_422_and_nothing_is_stored(client, factory, admin, s3, data, name):
    movie = factory.movie()
    response = upload(client, movie.id, data, admin, name=name)
    assert response.status_code == 422, response.json
    assert s3.list_objects_v2(Bucket=BUCKET).get("Contents", []) == []
    assert client.get(f"/api/movies/{movie.id}").json["poster_url"] is None


def test_oversize_poster_is_422(client, factory, admin, s3, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_POSTER_BYTES", 20_000)
    big = image_bytes("PNG", size=(200, 200), noise=True)
    assert len(big) > 20_000
    response = upload(client, factory.movie().id, big, admin)
    assert response.status_code == 422
    assert response.json["reason"] == "poster_too_large"


def test_missing_file_is_422_and_roles_apply(client, factory, admin, s3):
    movie = factory.movie()
    missing = client.post(f"/api/movies/{movie.id}/poster", data={},
                          content_type="multipart/form-data", headers=admin)
    assert missing.status_code == 422
    for role in ("customer", "staff", "manager"):
        headers = factory.headers(factory.user(role))
        assert upload(client, movie.id, image_bytes(), headers).status_code == 403
    assert upload(client, movie.id, image_bytes(), {}).status_code == 401
    assert upload(client, 999, image_bytes(), admin).status_code == 404


def test_a_public_bucket_or_cdn_gives_plain_urls(client, factory, admin, s3, app, monkeypatch):
    monkeypatch.setitem(app.config, "S3_PUBLIC_URL", "https://cdn.example.com/media/")
    response = upload(client, factory.movie().id, image_bytes(), admin)
    url = response.json["poster_url"]
    assert url.startswith("https://cdn.example.com/media/posters/") and "?" not in url


def test_embedded_default_serves_posters_from_the_media_folder(client, factory, admin):
    data = image_bytes("PNG")
    response = upload(client, factory.movie().id, data, admin)
    assert response.status_code == 200
    url = response.json["poster_url"]
    assert url.startswith("/media/posters/")
    served = client.get(url)
    assert served.status_code == 200 and served.data == data


def test_behind_the_deployed_nginx_a_poster_link_is_reached_at_the_browser_url(app, factory, admin, s3,
                                                                              s3_endpoint, tmp_path,
                                                                              monkeypatch):
    """docker-compose.yml: MinIO is minio:9000 inside, which no browser can reach. The links the
    API gives out name S3_BROWSER_URL instead (nginx's /media-store/), which passes them on with
    the endpoint's host, and the pages' policy lets them load."""
    import subprocess
    import time

    import httpx

    from tests.e2e.conftest import NGINX, free_port, nginx_config

    port = free_port()
    config = nginx_config(tmp_path, port, "127.0.0.1:9", media_store=s3_endpoint.removeprefix("http://"))
    nginx = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp_path)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    try:
        monkeypatch.setitem(app.config, "S3_BROWSER_URL", f"http://127.0.0.1:{port}/media-store")
        movie = factory.movie()
        data = image_bytes("PNG")
        url = upload(app.test_client(), movie.id, data, admin).json["poster_url"]
        assert url.startswith(f"http://127.0.0.1:{port}/media-store/{BUCKET}/posters/{movie.id}/")
        deadline = time.monotonic() + 10
        while True:
            assert nginx.poll() is None, nginx.stderr.read().decode()
            try:
                served = httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        assert served.status_code == 200 and served.content == data
        assert httpx.put(url, content=b"x", timeout=2).status_code == 403  # nothing uploaded from outside
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def test_the_pages_may_load_posters_from_where_the_links_point(app):
    from app.common.storage import media_origins

    assert media_origins({"S3_BUCKET": None}) == ()
    assert media_origins({"S3_BUCKET": "b", "S3_PUBLIC_URL": "https://cdn.example.com/posters"}) \
        == ("https://cdn.example.com",)
    assert media_origins({"S3_BUCKET": "b", "S3_BROWSER_URL": "https://tickets.example.com/media-store",
                          "S3_ENDPOINT_URL": "http://minio:9000"}) == ("https://tickets.example.com",)
    assert media_origins({"S3_BUCKET": "b", "S3_REGION": "eu-west-2"}) == (
        "https://b.s3.eu-west-2.amazonaws.com", "https://s3.eu-west-2.amazonaws.com")
