"""Row ids that arrive as text outside a request schema: a token's subject, the ids we write
into a payment gateway's metadata, a catalogue filter that takes an id or a name."""

from __future__ import annotations

from app.common.fields import INT4_MAX


def id_from_text(text: object) -> int | None:
    """The id ``text`` spells in ASCII digits, within the ``integer`` column (a larger number
    names no row and cannot even be queried); else None.

    ``str.isdigit`` alone would let through "²" (which ``int`` refuses) and "١" (which it
    reads as 1).
    """
    # Ten digits hold every id; int() would refuse thousands of them (and take its time).
    if not (isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    number = int(text)
    return number if 0 < number <= INT4_MAX else None
