"""Schema base classes shared by the services."""

from __future__ import annotations

from typing import Any

import marshmallow as ma


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
