"""Schema base classes shared by the services."""

from __future__ import annotations

from typing import Any

import marshmallow as ma


def field_meta(description: str, example: Any = None) -> dict[str, Any]:
    """A field's OpenAPI ``metadata``: its description and, when there is one, an example."""
    meta = {"description": description}
    if example is not None:
        meta["example"] = example
    return meta


class ResourceSchema(ma.Schema):
    """A resource's body schema, used both to read requests and to write responses.

    A client may PUT back the representation it got from GET: read-only fields (``id``,
    ``version``, computed URLs...) are ignored on the way in instead of being refused as
    unknown. Fields the schema does not know at all are still refused (422).
    """

    @ma.pre_load
    def _drop_read_only(self, data: Any, **_kwargs) -> Any:
        if not isinstance(data, dict):
            return data
        read_only = {f.data_key or name for name, f in self.fields.items() if f.dump_only}
        return {key: value for key, value in data.items() if key not in read_only}


class UniqueFormatsMixin:
    """For schemas with a ``formats`` list (screens, movies): each format at most once.

    A schema hook rather than a field validator, so it runs only once the list itself is
    valid and a too-long list is reported as such, not also as a repeat.
    """

    @ma.validates("formats")
    def _formats_unique(self, value: list[str], **_kwargs) -> None:
        if len(set(value)) != len(value):
            raise ma.ValidationError("A format is listed twice")


class WaitingSchema(ma.Schema):
    """Why a queued job is not running yet (on a job's status while it is ``queued``)."""

    reason = ma.fields.String(metadata=field_meta(
        "`no_worker`: no live worker listens on the job's queue, so it waits until one starts",
        "no_worker"))
    message = ma.fields.String(metadata=field_meta(
        "The same for people", "no worker is running for queue schedule: the job waits until one starts"))
