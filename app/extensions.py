"""Extensions: created once here, bound to an app in ``create_app``; nothing connects at import."""

from __future__ import annotations

import logging

import redis
from flask import Flask, current_app
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase

from app.common.api import CinemaApi

# Stable constraint names so Alembic migrations can address them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RedisExtension:
    """One Redis client per app: the real server when ``REDIS_URL`` is set, else fakeredis.

    fakeredis is only for the embedded default; it runs our Lua scripts (through lupa), so
    seat holds behave the same. Its server is per process, which is why the embedded
    default serves with a single Gunicorn worker.
    """

    def init_app(self, app: Flask) -> None:
        url = app.config.get("REDIS_URL")
        if url:
            # A Redis that stops answering (not just refusing) fails a request within seconds
            # (a 503) instead of holding its thread.
            timeouts = {"socket_connect_timeout": 2, "socket_timeout": 5, "health_check_interval": 30}
            client = redis.Redis.from_url(url, decode_responses=True, **timeouts)
            # RQ stores pickled payloads, so it needs a connection that returns bytes.
            rq_connection = redis.Redis.from_url(url, **timeouts)
        else:
            import fakeredis

            server = fakeredis.FakeServer()
            client = fakeredis.FakeRedis(server=server, decode_responses=True)
            rq_connection = fakeredis.FakeRedis(server=server)
        app.extensions["redis"] = client
        app.extensions["rq_connection"] = rq_connection

    @property
    def client(self) -> redis.Redis:
        return current_app.extensions["redis"]

    def __getattr__(self, name: str):
        return getattr(self.client, name)


class _SQLAlchemy(SQLAlchemy):
    def _teardown_session(self, exc: BaseException | None) -> None:
        """Ending a request's session rolls back on its connection; with PostgreSQL gone that
        fails too, and a failure here would reach Gunicorn as a bare, non-JSON 500 after the
        JSON answer was already chosen. The pool discards the broken connection either way."""
        try:
            super()._teardown_session(exc)
        except DBAPIError:
            logging.getLogger(__name__).warning("session cleanup failed: database unreachable")


db = _SQLAlchemy(model_class=Base)
migrate = Migrate()
jwt = JWTManager()
api = CinemaApi()
redis_client = RedisExtension()
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
