"""ETags of versioned rows, through flask-smorest's own mechanism.

Views are decorated with ``@blp.etag``; a read calls ``blp.set_etag(row_tag(...))`` (an
``If-None-Match`` naming the current tag answers 304), an edit ``blp.check_etag(row_tag(...))``
(no ``If-Match``: 428; a stale one: 412). Every view of a row gives the same tag because the
tag is made from the row's kind, id and edit version (``app.models.mixins``) alone, never from
the body, which differs between views and roles.
"""

from __future__ import annotations

import hashlib
import json
from typing import Protocol


class Versioned(Protocol):
    id: int
    version: int


def row_tag(kind: str, row_id: int, version: int) -> dict:
    """What a row's ETag is computed from: its kind, id and edit version."""
    return {kind: row_id, "version": version}


def if_match(kind: str, row: Versioned) -> str:
    """The ``If-Match`` value naming a row's current tag, for documented examples.

    flask-smorest keeps its hashing private (the SHA-1 of the tag's sorted JSON), so it is
    repeated here; tests/integration/test_etags.py holds it to the header the API sends, so
    an upgrade that changes the hash is caught there.
    """
    data = json.dumps(row_tag(kind, row.id, row.version), sort_keys=True)
    return f'"{hashlib.sha1(data.encode()).hexdigest()}"'
