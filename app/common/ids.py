"""Row ids that arrive as text outside a request schema: a token's subject, the ids we write
into a payment gateway's metadata, a catalogue filter that takes an id or a name."""

from __future__ import annotations

# Ids are PostgreSQL ``integer`` columns: a larger number names no row and cannot be queried.
_LARGEST_ID = 2**31 - 1


def id_from_text(text: object) -> int | None:
    """The id ``text`` spells in ASCII digits, within the column's range; else None.

    ``str.isdigit`` alone would let through "²" (which ``int`` refuses) and "١" (which it
    reads as 1).
    """
    if not (isinstance(text, str) and text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= _LARGEST_ID else None
