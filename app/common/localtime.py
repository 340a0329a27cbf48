"""Local weekday, hour and film age of many showtimes at once, for the demand model.

On PostgreSQL the database converts every start to the cinema's zone in the query itself
(one pass, no Python per row); the embedded SQLite default, which has no time zones, falls
back to zoneinfo.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import ColumnElement, Select, extract, func

from app.extensions import db

LOCAL_COLUMNS = ("local_weekday", "local_hour", "age_weeks")


def with_local_parts(query: Select, starts_at: ColumnElement, timezone: ColumnElement,
                     release_date: ColumnElement) -> Select:
    """Add local weekday (0 = Monday), hour and film age in weeks, when the database can."""
    if db.engine.dialect.name != "postgresql":
        return query
    local = func.timezone(timezone, starts_at)
    return query.add_columns(
        (extract("isodow", local) - 1).label("local_weekday"),
        extract("hour", local).label("local_hour"),
        ((func.date(local) - release_date) / 7).label("age_weeks"),
    )


def local_parts(rows: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arrays of (weekday, hour, age weeks) for rows with ``starts_at``, ``timezone`` and
    ``release_date``; ages before release count as week 0."""
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    if "local_weekday" in rows[0]._fields:
        weekday = np.array([int(r.local_weekday) for r in rows])
        hour = np.array([int(r.local_hour) for r in rows])
        age = np.array([int(r.age_weeks) for r in rows])
    else:
        local = [r.starts_at.astimezone(ZoneInfo(r.timezone)) for r in rows]
        weekday = np.array([t.weekday() for t in local])
        hour = np.array([t.hour for t in local])
        age = np.array([(t.date() - r.release_date).days // 7 for t, r in zip(local, rows, strict=True)])
    return weekday, hour, np.maximum(age, 0)
