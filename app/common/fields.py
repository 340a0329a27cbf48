"""The API's field types: every value a client sends is bounded here, where its type is defined.

Schemas build their inputs from these types only (a unit test walks every request schema to
hold them to it), so a new endpoint inherits the bounds instead of remembering them:

- integers lie in the range of PostgreSQL's ``integer`` column (every id and count is one), so
  the database never answers "integer out of range"; ids start at 1;
- a JSON body's integers and booleans are JSON integers and booleans (``0.5``, ``"7"``, ``0``
  or ``"yes"`` are refused, never rounded or guessed); query strings are text, so the schemas
  of query arguments (:class:`QueryArgsSchema`) read digits and ``true``/``false`` instead;
- text has a maximum length equal to its column and never holds NUL or another control
  character (tab and line breaks only in multi-line text), nor a lone surrogate, which
  PostgreSQL and UTF-8 refuse;
- dates and times lie between :data:`EARLIEST_DATE` and :data:`LATEST_DATE`;
- lists and dicts have a maximum size that is checked before any item is read, so an
  oversized body is refused at the cost of ``len()``;
- decimals are JSON strings both ways ("0.2"), documented as such, so no float ever rounds a
  price multiplier or a tax rate; a JSON number is read by its literal (``0.05`` is "0.05").
"""

from __future__ import annotations

import decimal
import re
from datetime import date, datetime
from typing import Any

import marshmallow as ma

INT4_MIN = -(2**31)
INT4_MAX = 2**31 - 1

# Far enough inside Python's date range (years 1-9999) that a day or a time zone either side
# of any accepted value cannot overflow (the local-day and week arithmetic of schedules and
# searches does exactly that), and wide enough for every film's release date, re-releases of
# the classics included, and for any schedule, promotion or closure a cinema plans.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)

# C0 controls, DEL, C1 controls and lone surrogates; multi-line text may hold tab, LF and CR.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The same rule as an OpenAPI pattern, so generated clients and fuzzers know it.
_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
_PATTERN_MULTILINE = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,20}")
_TRUE_TEXT, _FALSE_TEXT = "true", "false"


class QueryArgsSchema(ma.Schema):
    """Base of every query-argument schema: values arrive as text there.

    Its :class:`Integer` fields read optionally signed digits and its :class:`Boolean`
    fields ``true``/``false`` (any case); the same fields in a JSON body take only JSON
    integers and booleans (the keys of a :class:`Dict` are text too, as JSON's are).
    """


class Bounded:
    """Marks the field types of this module: an input field of the API is one of them."""


def _reads_text(field: ma.fields.Field) -> bool:
    """Query arguments and the keys of a JSON object are text; other JSON values are typed."""
    parent = getattr(field, "parent", None)
    if isinstance(parent, ma.fields.Mapping) and parent.key_field is field:
        return True
    return isinstance(field.root, QueryArgsSchema)


def _with(validator: Any, kwargs: dict) -> list:
    """The field's own ``validate`` plus ``validator`` (the bound comes first)."""
    given = kwargs.pop("validate", None)
    if given is None:
        given = []
    elif callable(given):
        given = [given]
    return [validator, *given]


class Integer(Bounded, ma.fields.Integer):
    """An integer within ``minimum``..``maximum``, by default the whole ``integer`` column."""

    def __init__(self, *, minimum: int = INT4_MIN, maximum: int = INT4_MAX, **kwargs) -> None:
        if not INT4_MIN <= minimum <= maximum <= INT4_MAX:
            raise ValueError("bounds must lie within the integer column's range")
        validate = _with(ma.validate.Range(min=minimum, max=maximum), kwargs)
        super().__init__(strict=True, validate=validate, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, str) and _reads_text(self):
            if not _INTEGER_TEXT.fullmatch(value):
                raise self.make_error("invalid", input=value)
            value = int(value)
        return super()._validated(value)


class Id(Integer):
    """A row id: 1 up to the largest ``integer``; a value past it cannot name a row."""

    def __init__(self, **kwargs) -> None:
        super().__init__(minimum=1, **kwargs)


class Float(Bounded, ma.fields.Float):
    """A finite number within ``minimum``..``maximum`` (both required: no float is unbounded)."""

    def __init__(self, *, minimum: float, maximum: float, **kwargs) -> None:
        validate = _with(ma.validate.Range(min=minimum, max=maximum), kwargs)
        super().__init__(allow_nan=False, validate=validate, **kwargs)

    def _validated(self, value: Any) -> float:
        if isinstance(value, str) and not _reads_text(self):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class Boolean(Bounded, ma.fields.Boolean):
    """``true`` or ``false``: JSON booleans in a body, those two words in a query string."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> bool:
        if value is True or value is False:
            return value
        if isinstance(value, str) and _reads_text(self):
            word = value.lower()
            if word in (_TRUE_TEXT, _FALSE_TEXT):
                return word == _TRUE_TEXT
        raise self.make_error("invalid", input=value)


class Text(Bounded, ma.fields.String):
    """A string of at most ``max_length`` characters (its column's) without control characters.

    ``multiline`` text (descriptions, synopses) may also hold tab, LF and CR.
    """

    default_error_messages = {
        "control": "Must not contain control characters such as NUL",
        "control_multiline": "Must not contain control characters other than tab and line breaks",
    }

    def __init__(self, *, max_length: int, min_length: int = 0, multiline: bool = False,
                 **kwargs) -> None:
        validate = _with(ma.validate.Length(min=min_length, max=max_length), kwargs)
        self.multiline = multiline
        metadata = dict(kwargs.pop("metadata", None) or {})
        if not any(isinstance(getattr(v, "regex", None), re.Pattern) for v in validate):
            metadata.setdefault("pattern", _PATTERN_MULTILINE if multiline else _PATTERN)
        super().__init__(validate=validate, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if (_CONTROL_MULTILINE if self.multiline else _CONTROL).search(text):
            raise self.make_error("control_multiline" if self.multiline else "control")
        return text


class Choice(Bounded, ma.fields.String):
    """One of a fixed set of words (documented as an enum)."""

    def __init__(self, choices: tuple[str, ...] | list[str], **kwargs) -> None:
        super().__init__(validate=_with(ma.validate.OneOf(choices), kwargs), **kwargs)


def _check_day(field: ma.fields.Field, day: date) -> None:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise field.make_error("out_of_range")


_DATE_RANGE_MESSAGE = (f"Must be between {EARLIEST_DATE.isoformat()} and "
                       f"{LATEST_DATE.isoformat()}")


class Date(Bounded, ma.fields.Date):
    """An ISO 8601 day between :data:`EARLIEST_DATE` and :data:`LATEST_DATE`.

    A day kept in a JSON column (a rule's holiday dates) comes back as its ISO string and
    goes out as it is.
    """

    default_error_messages = {"out_of_range": _DATE_RANGE_MESSAGE}

    def _serialize(self, value: Any, attr, obj, **kwargs) -> str | None:
        if isinstance(value, str):
            return date.fromisoformat(value).isoformat()
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        _check_day(self, day)
        return day


class AwareDateTime(Bounded, ma.fields.AwareDateTime):
    """An ISO 8601 instant with its UTC offset, on a day between the same bounds.

    The day is checked as written, before any conversion, so an offset cannot overflow it.
    """

    default_error_messages = {"out_of_range": _DATE_RANGE_MESSAGE}

    def _deserialize(self, value: Any, attr, data, **kwargs) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        _check_day(self, moment.date())
        return moment


class Decimal(Bounded, ma.fields.Decimal):
    """A decimal sent and documented as a string, e.g. ``"0.2"``, with at most ``places`` places.

    Bounds are checked here rather than with ``validate.Range``, which apispec would document
    as numeric minimum/maximum on a string. Out it goes with ``places`` places (``"1.200"``),
    or without trailing zeros (``"1.2"``) when ``trailing_zeros`` is false.
    """

    default_error_messages = {"places": "At most {places} decimal places"}

    def __init__(self, *, places: int, minimum: decimal.Decimal | None = None,
                 maximum: decimal.Decimal | None = None, min_inclusive: bool = True,
                 max_inclusive: bool = True, trailing_zeros: bool = True, **kwargs) -> None:
        metadata = {"type": "string", "format": "decimal", **(kwargs.pop("metadata", None) or {})}
        super().__init__(as_string=True, metadata=metadata, **kwargs)
        self.max_places = places
        self.trailing_zeros = trailing_zeros
        self.bounds = (minimum, maximum, min_inclusive, max_inclusive)

    def _serialize(self, value, attr, obj, **kwargs) -> str | None:
        if value is None:
            return None
        number = decimal.Decimal(value)
        if self.trailing_zeros:
            number = number.quantize(decimal.Decimal(1).scaleb(-self.max_places))
        else:
            number = number.normalize()
        return format(number, "f")

    def _deserialize(self, value: Any, attr, data, **kwargs) -> decimal.Decimal:
        if isinstance(value, str) and len(value) > 40:
            raise self.make_error("invalid")
        number = super()._deserialize(value, attr, data, **kwargs)
        if -number.as_tuple().exponent > self.max_places:
            raise self.make_error("places", places=self.max_places)
        low, high, low_inclusive, high_inclusive = self.bounds
        below = low is not None and (number < low or (number == low and not low_inclusive))
        above = high is not None and (number > high or (number == high and not high_inclusive))
        if below or above:
            raise ma.ValidationError(_range_message(self.bounds))
        return number


def _range_message(bounds: tuple) -> str:
    low, high, low_inclusive, high_inclusive = bounds
    parts = []
    if low is not None:
        parts.append(f"{'at least' if low_inclusive else 'above'} {low}")
    if high is not None:
        parts.append(f"{'at most' if high_inclusive else 'below'} {high}")
    return "Must be " + " and ".join(parts)


class List(Bounded, ma.fields.List):
    """A list of at most ``max_items`` items, counted before any item is read."""

    default_error_messages = {"too_long": "At most {max_items} items"}

    def __init__(self, cls_or_instance, *, max_items: int, min_items: int = 0, **kwargs) -> None:
        validate = _with(ma.validate.Length(min=min_items, max=max_items), kwargs)
        super().__init__(cls_or_instance, validate=validate, **kwargs)
        self.max_items = max_items

    def _deserialize(self, value: Any, attr, data, **kwargs) -> list:
        if isinstance(value, list) and len(value) > self.max_items:
            raise self.make_error("too_long", max_items=self.max_items)
        return super()._deserialize(value, attr, data, **kwargs)


class Dict(Bounded, ma.fields.Dict):
    """A mapping of at most ``max_items`` entries, counted before any key or value is read."""

    default_error_messages = {"too_long": "At most {max_items} entries"}

    def __init__(self, *, max_items: int, **kwargs) -> None:
        metadata = {"maxProperties": max_items, **(kwargs.pop("metadata", None) or {})}
        super().__init__(metadata=metadata, **kwargs)
        self.max_items = max_items

    def _deserialize(self, value: Any, attr, data, **kwargs) -> dict:
        if isinstance(value, dict) and len(value) > self.max_items:
            raise self.make_error("too_long", max_items=self.max_items)
        return super()._deserialize(value, attr, data, **kwargs)
