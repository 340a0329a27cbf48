"""The box office's single call site for its audit trail.

Cash-up differences, counter refunds, voids and ID checks confirmed at a sale are due an
audit entry. The audit log (``app.audit``) is built on another branch: until it is merged
this only logs, and connecting it means making :func:`note` call ``audit.record(...)``.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def note(action: str, **details: Any) -> None:
    """Record that ``action`` happened at the box office, with who, where and how much."""
    log.info("box office: %s %s", action, details)
