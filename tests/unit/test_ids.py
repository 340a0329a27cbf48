"""Ids read from text outside a schema (token subjects, gateway metadata, the genre filter)."""

from __future__ import annotations

import pytest

from app.common.ids import id_from_text


@pytest.mark.parametrize("text, expected", [
    ("1", 1), ("42", 42), ("007", 7), ("2147483647", 2147483647),
    ("0", None), ("-1", None), ("+1", None), (" 1", None), ("1.0", None), ("", None),
    ("2147483648", None), ("99999999999999999999", None), ("1" * 5000, None),
    ("²", None), ("١", None), ("٣", None), ("１", None),
    (1, None), (None, None), (["1"], None),
])
def test_only_ascii_digits_within_the_integer_column_are_an_id(text, expected):
    assert id_from_text(text) == expected
