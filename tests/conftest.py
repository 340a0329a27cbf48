"""Test fixtures shared by every layer.

Integration tests run against the real PostgreSQL and Redis on 127.0.0.1. The schema is
built once per session from the Alembic migrations (never ``create_all``); every test then
starts from empty tables (but the seat categories the migrations made) and an empty Redis
database.

``TEST_DATABASE_URL`` / ``TEST_REDIS_URL`` choose other servers or databases (so several
suites can run side by side); the defaults are the local ``cinemaos_test`` database and
Redis database 15.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import make_url

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/cinemaos_test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def ensure_database(url: str) -> None:
    """Create the test database on the server if it does not exist yet."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def settings_for_tests(**extra) -> dict:
    settings = {
        "TESTING": True,
        "APP_ENV": "test",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "EMBEDDED": False,
        "REDIS_URL": TEST_REDIS_URL,
        "RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
        "RQ_ASYNC": False,
        # Jobs finish before the request that queued them answers, so tests read their effects
        # at once; tests of the background thread set "thread" and wait with wait_for_jobs.
        "INPROCESS_JOBS": "inline",
        "BCRYPT_ROUNDS": 4,
        "SECRET_KEY": "test-secret",
        "JWT_SECRET_KEY": "test-jwt-secret-key-of-sufficient-length",
        "LOG_LEVEL": "WARNING",
        # A running generation beats often, so heartbeat tests need not wait long.
        "GENERATION_HEARTBEAT_SECONDS": 1,
    }
    settings.update(extra)
    return settings


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from flask_migrate import downgrade, upgrade

    from app import create_app

    ensure_database(TEST_DATABASE_URL)
    media = tmp_path_factory.mktemp("media")
    application = create_app(settings_for_tests(MEDIA_DIR=str(media), INSTANCE_DIR=str(media)))
    with application.app_context():
        from app.extensions import db

        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        yield application
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty every table and the Redis test database after each test that used the app; the
    seat categories go back to those the migrations made (reference data every test relies on)."""
    yield
    if "app" not in request.fixturenames:
        return
    from app.common import clock
    from app.extensions import db, redis_client
    from app.models import SEAT_CATEGORIES

    clock.reset()
    db.session.remove()
    tables = ", ".join(
        f'"{t.name}"' for t in db.metadata.sorted_tables if t.name != "seat_categories"
    )
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("DELETE FROM seat_categories WHERE code NOT IN :kept")
                     .bindparams(bindparam("kept", expanding=True)), {"kept": list(SEAT_CATEGORIES)})
    redis_client.client.flushdb()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db_session(app):
    from app.extensions import db

    return db.session


@pytest.fixture
def factory(app):
    from tests.factories import Factory

    return Factory()
