"""Paginated lists: ``page``/``page_size`` query arguments and one documented envelope.

A list answers ``{"items": [...], "page": 2, "page_size": 20, "total": 317, "pages": 16}``:
the metadata sits in the body (and so in the OpenAPI schema) rather than in a header.
A page past the end is empty, with the same ``total`` and ``pages``. Page numbers stop at
2^31-1, so an OFFSET is always a number PostgreSQL takes.

A few lists are paginated by flask-smorest's ``paginate()`` instead (metadata in the
``X-Pagination`` header); :func:`bound_header_pagination` gives them the same bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import flask_smorest.pagination
import marshmallow as ma
from sqlalchemy import Select, func, select

from app.common.fields import Integer, QueryArgsSchema
from app.extensions import db

MAX_PAGE_SIZE = 100
_FACTORY = "_pagination_parameters_schema_factory"


class PageArgsSchema(QueryArgsSchema):
    """Query arguments of every paginated list; list argument schemas inherit them."""

    page = Integer(minimum=1, load_default=1,
                   metadata={"description": "Page number, from 1", "example": 1})
    page_size = Integer(minimum=1, maximum=MAX_PAGE_SIZE, load_default=20,
                        metadata={"description": f"Items per page (1-{MAX_PAGE_SIZE})", "example": 20})


def _header_pagination_schema(def_page: int, def_page_size: int,
                              def_max_page_size: int) -> type[ma.Schema]:
    """flask-smorest's pagination arguments with the bounds of :class:`PageArgsSchema`."""

    class PaginationParametersSchema(QueryArgsSchema):
        class Meta:
            unknown = ma.EXCLUDE

        page = Integer(minimum=1, load_default=def_page)
        page_size = Integer(minimum=1, maximum=def_max_page_size, load_default=def_page_size)

        @ma.post_load
        def make_paginator(self, data: dict, **_kwargs) -> flask_smorest.pagination.PaginationParameters:
            return flask_smorest.pagination.PaginationParameters(**data)

    return PaginationParametersSchema


def bound_header_pagination() -> None:
    """Make ``Blueprint.paginate()`` read page arguments with bounded fields.

    flask-smorest builds its schema with a module function that offers no hook and leaves
    ``page`` unbounded (``page=10**18`` overflowed the OFFSET); this swaps that function. It
    must run before the routes are imported, i.e. in ``create_app`` before the blueprints.

    The one private name of flask-smorest the app still touches, for want of a public one:
    its ``PAGINATION_ARGUMENTS_PARSER`` parses whatever schema that function built, and the
    document shows that schema too, so only the function decides both the bound and its
    documentation. An upgrade that renames it stops the app here, at start-up, rather than
    serving unbounded pages (and tests/integration/test_bad_input.py sends ``page=10**18``).
    """
    if not hasattr(flask_smorest.pagination, _FACTORY):
        raise RuntimeError(f"flask_smorest.pagination.{_FACTORY} is gone: bound the header "
                           "pagination's page arguments another way (app/common/pagination.py)")
    setattr(flask_smorest.pagination, _FACTORY, _header_pagination_schema)


@dataclass(frozen=True)
class PageResult:
    items: list[Any]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.page_size)


def paginate(stmt: Select, page: int, page_size: int) -> PageResult:
    """Run ``stmt`` for one page (it must already be ordered) and count all its rows."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(page_size).offset((page - 1) * page_size)))
    return PageResult(items=items, page=page, page_size=page_size, total=total or 0)


def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The envelope schema of a list of ``item_schema``, named after it in the OpenAPI doc."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (ma.Schema,), {
        "__doc__": f"One page of {item_schema.__name__.removesuffix('Schema')} items.",
        "items": ma.fields.List(ma.fields.Nested(item_schema), required=True,
                                metadata={"description": "The items of this page"}),
        "page": ma.fields.Integer(required=True, metadata={"description": "This page's number",
                                                           "example": 1}),
        "page_size": ma.fields.Integer(required=True, metadata={"description": "Items per page",
                                                                "example": 20}),
        "total": ma.fields.Integer(required=True, metadata={
            "description": "Items matching the filters, over all pages", "example": 317}),
        "pages": ma.fields.Integer(required=True, metadata={
            "description": "Number of pages (0 when nothing matches)", "example": 16}),
    })
