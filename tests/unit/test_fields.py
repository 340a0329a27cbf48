"""The API's field types (app/common/fields.py): each bound, as a table of values in and out.

The last tests walk every operation of the app: each field a request can fill is one of these
types, so no endpoint reads an unbounded integer, string, list or dict.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import marshmallow as ma
import pytest
from flask_smorest.fields import Upload

from app.common.fields import (
    INT4_MAX,
    AwareDateTime,
    Boolean,
    Bounded,
    Choice,
    Date,
    Dict,
    Float,
    Id,
    Integer,
    List,
    QueryArgsSchema,
    Text,
)
from app.common.fields import Decimal as DecimalField

REFUSED = object()


def body_value(field: ma.fields.Field, value):
    """What ``field`` makes of ``value`` in a JSON body (REFUSED when it is refused)."""
    schema = ma.Schema.from_dict({"f": field})()
    try:
        return schema.load({"f": value})["f"]
    except ma.ValidationError:
        return REFUSED


def query_value(field: ma.fields.Field, value):
    schema = type("Args", (QueryArgsSchema,), {"f": field})()
    try:
        return schema.load({"f": value})["f"]
    except ma.ValidationError:
        return REFUSED


@pytest.mark.parametrize(("field", "value", "expected"), [
    (Integer(), 7, 7),
    (Integer(), -(2**31), -(2**31)),
    (Integer(), INT4_MAX, INT4_MAX),
    (Integer(), INT4_MAX + 1, REFUSED),
    (Integer(), 10**20, REFUSED),
    (Integer(), 0.5, REFUSED),  # never rounded to 0
    (Integer(), 7.0, REFUSED),
    (Integer(), "7", REFUSED),  # JSON has integers
    (Integer(), True, REFUSED),
    (Integer(), None, REFUSED),
    (Integer(minimum=0, maximum=120), 121, REFUSED),
    (Id(), 0, REFUSED),
    (Id(), 1, 1),
    (Float(minimum=1, maximum=600), 60, 60.0),
    (Float(minimum=1, maximum=600), float("inf"), REFUSED),
    (Float(minimum=1, maximum=600), float("nan"), REFUSED),
    (Float(minimum=1, maximum=600), "60", REFUSED),
    (Boolean(), True, True),
    (Boolean(), False, False),
    (Boolean(), 0, REFUSED),
    (Boolean(), 1, REFUSED),
    (Boolean(), "true", REFUSED),
    (Boolean(), "yes", REFUSED),
])
def test_json_numbers_and_booleans_are_strict_and_bounded(field, value, expected):
    assert body_value(field, value) == expected or (expected is REFUSED
                                                     and body_value(field, value) is REFUSED)


@pytest.mark.parametrize(("field", "value", "expected"), [
    (Id(), "42", 42),
    (Id(), "+42", 42),
    (Id(), "2147483648", REFUSED),
    (Id(), "99999999999999999999", REFUSED),
    (Id(), "9" * 5000, REFUSED),  # never handed to int()
    (Id(), "4.2", REFUSED),
    (Id(), "1_000", REFUSED),  # int() would take it
    (Id(), " 42", REFUSED),
    (Id(), "\uff14\uff12", REFUSED),  # full-width digits, which int() reads
    (Boolean(), "true", True),
    (Boolean(), "FALSE", False),
    (Boolean(), "1", REFUSED),
    (Boolean(), "yes", REFUSED),
    (Float(minimum=0, maximum=1), "0.5", 0.5),
])
def test_query_strings_are_read_as_text(field, value, expected):
    result = query_value(field, value)
    assert result is REFUSED if expected is REFUSED else result == expected


@pytest.mark.parametrize(("field", "value", "ok"), [
    (Text(max_length=5), "abcde", True),
    (Text(max_length=5), "abcdef", False),
    (Text(max_length=5, min_length=1), "", False),
    (Text(max_length=20), "a\x00b", False),
    (Text(max_length=20), "a\x1bb", False),
    (Text(max_length=20), "a\x7fb", False),
    (Text(max_length=20), "a\x85b", False),  # C1 control (NEL)
    (Text(max_length=20), "a\ud800b", False),  # lone surrogate: not UTF-8
    (Text(max_length=20), "a\nb", False),
    (Text(max_length=20), "a\tb", False),
    (Text(max_length=20), "Zoë – 東京 🎬", True),
    (Text(max_length=20, multiline=True), "a\nb\r\n\tc", True),
    (Text(max_length=20, multiline=True), "a\x00b", False),
    (Text(max_length=20), 5, False),
    (Choice(("a", "b")), "a", True),
    (Choice(("a", "b")), "a\x00", False),
])
def test_text_is_bounded_and_free_of_control_characters(field, value, ok):
    assert (body_value(field, value) is not REFUSED) == ok


@pytest.mark.parametrize(("field", "value", "ok"), [
    (Date(), "2026-12-24", True),
    (Date(), "1900-01-01", True),
    (Date(), "2100-12-31", True),
    (Date(), "1899-12-31", False),
    (Date(), "2101-01-01", False),
    (Date(), "9999-12-31", False),
    (Date(), "0001-01-01", False),
    (AwareDateTime(), "2026-12-24T19:30:00+00:00", True),
    (AwareDateTime(), "2100-12-31T23:59:59-12:00", True),  # UTC would be 2101: no conversion
    (AwareDateTime(), "9999-12-31T23:00:00+00:00", False),
    (AwareDateTime(), "0001-01-01T00:30:00+14:00", False),  # UTC would underflow year 1
    (AwareDateTime(), "2026-12-24T19:30:00", False),  # naive
])
def test_dates_and_times_lie_in_a_sane_range(field, value, ok):
    assert (body_value(field, value) is not REFUSED) == ok


def test_a_date_kept_as_json_text_goes_out_as_a_date():
    schema = ma.Schema.from_dict({"dates": List(Date(), max_items=3)})()
    assert schema.dump({"dates": ["2026-12-25", date(2026, 12, 26)]}) == {
        "dates": ["2026-12-25", "2026-12-26"]}


def _multiplier() -> DecimalField:
    return DecimalField(places=3, minimum=Decimal(0), min_inclusive=False, maximum=Decimal(10))


@pytest.mark.parametrize(("value", "expected"), [
    ("1.2", Decimal("1.2")),
    (1.2, Decimal("1.2")),  # a JSON number is read by its literal, not its binary float
    ("10", Decimal("10")),
    ("10.001", REFUSED),
    ("0", REFUSED),
    ("1.2345", REFUSED),  # more places than the column keeps: refused, not rounded
    ("NaN", REFUSED),
    ("Infinity", REFUSED),
    ("1e999999", REFUSED),
    ("1" * 41, REFUSED),
    ("abc", REFUSED),
    (True, REFUSED),
])
def test_decimals_are_bounded_strings(value, expected):
    assert body_value(_multiplier(), value) == expected or (
        expected is REFUSED and body_value(_multiplier(), value) is REFUSED)


def test_decimals_go_out_as_strings_with_or_without_trailing_zeros():
    fixed = ma.Schema.from_dict({"m": _multiplier()})()
    plain = ma.Schema.from_dict({"m": DecimalField(places=4, trailing_zeros=False)})()
    assert fixed.dump({"m": Decimal("1.2")}) == {"m": "1.200"}
    assert plain.dump({"m": Decimal("0.2000")}) == {"m": "0.2"}
    assert fixed.dump({"m": None}) == {"m": None}


class CountingId(Id):
    read = 0

    def _validated(self, value):
        CountingId.read += 1
        return super()._validated(value)


def test_lists_and_dicts_are_counted_before_any_item_is_read():
    CountingId.read = 0
    seats = List(CountingId(), max_items=3)
    types = Dict(keys=CountingId(), values=Choice(("adult",)), max_items=3)

    assert body_value(seats, list(range(1, 100_001))) is REFUSED
    assert body_value(types, {str(n): "adult" for n in range(1, 100_001)}) is REFUSED
    assert CountingId.read == 0
    assert body_value(seats, [1, 2, 3]) == [1, 2, 3]
    assert body_value(List(Id(), min_items=1, max_items=3), []) is REFUSED


def test_dict_keys_are_text_even_in_a_json_body():
    types = Dict(keys=Id(), values=Choice(("adult", "child")), max_items=5)
    assert body_value(types, {"18": "child"}) == {18: "child"}
    assert body_value(types, {"0": "child"}) is REFUSED
    assert body_value(types, {"x": "child"}) is REFUSED


def test_bounds_are_documented():
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    plugin = MarshmallowPlugin()
    APISpec("t", "1", "3.0.3", plugins=[plugin])
    prop = plugin.converter.field2property
    assert prop(Id()) == {"type": "integer", "minimum": 1, "maximum": INT4_MAX}
    assert prop(Text(max_length=60))["maxLength"] == 60
    assert prop(Text(max_length=60))["pattern"].startswith("^[^\\u0000-")
    assert prop(List(Id(), max_items=50))["maxItems"] == 50
    assert prop(Dict(max_items=50))["maxProperties"] == 50
    assert prop(_multiplier())["type"] == "string"


def test_bounds_must_lie_in_the_column_range():
    with pytest.raises(ValueError):
        Integer(maximum=2**31)


# Every input field of every operation is one of the bounded types ------------------------

def _request_schemas(app) -> list[tuple[str, ma.Schema]]:
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        funcs = [getattr(view_class, m.lower(), None) for m in rule.methods] if view_class else [view]
        for func in funcs:
            doc = getattr(func, "_apidoc", None) or {}
            parameters = list(doc.get("arguments", {}).get("parameters", []))
            if "pagination" in doc:
                parameters.append(doc["pagination"]["parameters"])
            for parameter in parameters:
                schema = parameter["schema"]
                found.append((f"{rule.rule} {parameter['in']}",
                              schema() if isinstance(schema, type) else schema))
    return found


def _unbounded(schema: ma.Schema, where: str) -> list[str]:
    problems = []
    for name, field in schema.fields.items():
        if not field.dump_only:
            problems += _unbounded_field(field, f"{where}.{name}")
    return problems


def _unbounded_field(field: ma.fields.Field, where: str) -> list[str]:
    if isinstance(field, ma.fields.Nested):
        return _unbounded(field.schema, where)
    if isinstance(field, Upload):  # multipart upload: bounded by MAX_CONTENT_LENGTH
        return []
    if not isinstance(field, Bounded):
        return [f"{where}: {type(field).__name__}"]
    if isinstance(field, List):
        return _unbounded_field(field.inner, f"{where}[]")
    if isinstance(field, Dict):
        parts = (field.key_field, field.value_field)
        if None in parts:
            return [f"{where}: a Dict needs key and value types"]
        return [problem for part in parts for problem in _unbounded_field(part, f"{where}{{}}")]
    return []


@pytest.fixture(scope="module")
def offline_app():
    from app import create_app
    from tests.conftest import settings_for_tests

    return create_app(settings_for_tests(SQLALCHEMY_DATABASE_URI="sqlite://", REDIS_URL=None,
                                         RATELIMIT_STORAGE_URI="memory://"))


def test_every_request_field_of_the_api_is_bounded(offline_app):
    schemas = _request_schemas(offline_app)
    assert len(schemas) > 40
    problems = [problem for where, schema in schemas for problem in _unbounded(schema, where)]
    assert problems == []


def test_query_argument_schemas_read_text(offline_app):
    """A query schema that forgot QueryArgsSchema would refuse every number and boolean."""
    query = [(where, schema) for where, schema in _request_schemas(offline_app)
             if where.endswith(" query")]
    assert query
    assert [where for where, schema in query if not isinstance(schema, QueryArgsSchema)] == []


def test_path_ids_and_segments_are_bounded(offline_app):
    adapter = offline_app.url_map.bind("localhost")
    assert adapter.match(f"/api/movies/{INT4_MAX}", method="GET")[1] == {"movie_id": INT4_MAX}
    for path in (f"/api/movies/{INT4_MAX + 1}", "/api/movies/0", "/api/movies/" + "1" * 5000,
                 "/api/age-ratings/\x00", "/api/age-ratings/a\x1fb", "/api/age-ratings/" + "a" * 101):
        with pytest.raises(Exception) as refused:
            adapter.match(path, method="GET")
        assert getattr(refused.value, "code", None) == 404, path
    assert adapter.match("/api/age-ratings/PG-13", method="GET")[1] == {"code": "PG-13"}


def test_a_date_far_from_the_bounds_still_leaves_room_for_arithmetic():
    from datetime import timedelta

    from app.common.fields import EARLIEST_DATE, LATEST_DATE

    assert LATEST_DATE + timedelta(days=366 * 10) < date.max
    assert EARLIEST_DATE - timedelta(days=366 * 10) > date.min
