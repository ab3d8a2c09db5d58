"""Parsing user input: known cases, and property-based fuzzing (it never raises, and what it accepts
is within bounds)."""
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from core.inputs import MAX_ECHO, commas_ambiguous, parse_flag, parse_number, parse_number_list


def test_numbers():
    assert parse_number("0.01", 0, 1) == (0.01, None)
    assert parse_number(" 1e-3 ", 0, 1) == (0.001, None)
    assert parse_number("5e3", 1, 10_000, integer=True) == (5000, None)
    assert "not a number" in parse_number("abc", 0, 1, name="lr")[1]
    assert "“abc”" in parse_number("abc", 0, 1, name="lr")[1]
    assert "not a finite number" in parse_number("nan", 0, 1)[1]
    assert "not a finite number" in parse_number("-inf", 0, 1)[1]
    assert "outside the allowed range [0, 1]" in parse_number("2", 0, 1)[1]
    assert "not a whole number" in parse_number("2.5", 0, 10, integer=True)[1]
    assert "not a number" in parse_number("", 0, 1)[1]
    assert "not a number" in parse_number("1e999999", 0, 1)[1] or "finite" in parse_number("1e999999", 0, 1)[1]


def test_flags_take_1_0_true_false_in_any_case_and_name_anything_else():
    for raw, value in [("1", True), ("0", False), ("true", True), ("FALSE", False), (" True ", True), ("0 ", False)]:
        assert parse_flag(raw, "units") == (value, None), raw
    for raw in ["yes", "on", "2", "", "1.0", "-1", "truth"]:
        value, error = parse_flag(raw, "units")
        assert value is None and f"units = “{raw}”" in error and "1 or true" in error and "0 or false" in error


def test_lists():
    assert parse_number_list("0,3", max_items=8, lo=-10, hi=10) == ([0.0, 3.0], None)
    assert parse_number_list("0; 3  -1", max_items=8, lo=-10, hi=10) == ([0.0, 3.0, -1.0], None)
    assert "holds no number" in parse_number_list(" , ", max_items=8, lo=-10, hi=10)[1]
    assert "9 values; at most 8" in parse_number_list(",".join("1" * 9), max_items=8, lo=-10, hi=10)[1]
    assert "“x”" in parse_number_list("1,x", max_items=8, lo=-10, hi=10)[1]
    assert "too long" in parse_number_list("1," * 10_000, max_items=8, lo=-10, hi=10)[1]


def test_a_decimal_comma_is_the_point_and_a_comma_with_two_readings_is_refused_by_name():
    for raw, value in [("0,05", 0.05), ("2,5", 2.5), ("-0,5", -0.5), (",5", 0.5), ("1,5e-3", 0.0015),
                       ("0,500", 0.5), ("1,0000", 1.0), ("12,5", 12.5)]:
        assert parse_number(raw, -100, 100, name="lr") == (value, None), raw
    for raw, readings in [("1,000", "1 (a decimal comma) or 1000"), ("12,345", "12.345 (a decimal comma) or 12345")]:
        value, error = parse_number(raw, -1e6, 1e6, name="steps")
        assert value is None and f"steps = “{raw}” could be {readings}" in error
    for raw in ["1,2,3", "1.000,5", "1,", "1 000", "0,05,"]:
        value, error = parse_number(raw, -1e6, 1e6, name="lr")
        assert value is None and f"lr = “{raw}”" in error, raw
    assert "too long" in parse_number("1" * 101, 0, 1e200)[1]


def test_lists_with_a_semicolon_read_commas_as_decimal_commas():
    kw = dict(max_items=8, lo=-10, hi=10)
    assert parse_number_list("2,5; 3", **kw) == ([2.5, 3.0], None)
    assert parse_number_list("2,5;3 -1,25", **kw) == ([2.5, 3.0, -1.25], None)
    assert parse_number_list("2,5;", **kw) == ([2.5], None)
    assert parse_number_list("2,5", **kw) == ([2.0, 5.0], None)  # links in circulation: two starts
    assert [commas_ambiguous(t) for t in ["2,5", "0,3", "-1,2 4", "2,5; 3", "-1, 2", "2 5", "1,x"]] == [
        True, True, True, False, False, False, False]


def test_long_values_are_shortened_in_messages():
    _, error = parse_number("x" * 10_000, 0, 1)
    assert len(error) < MAX_ECHO + 80


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300), st.floats(-1e6, 1e6), st.floats(0, 1e6), st.booleans())
def test_parse_number_never_raises_and_respects_bounds(raw, lo, width, integer):
    hi = lo + width
    value, error = parse_number(raw, lo, hi, integer=integer)
    assert (value is None) != (error is None)
    if error is None:
        assert math.isfinite(value) and lo <= value <= hi
        assert not integer or isinstance(value, int)
    else:
        assert isinstance(error, str) and len(error) < 200


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=500), st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=12)
                 .map(lambda xs: ",".join(map(str, xs)))))
def test_parse_number_list_never_raises_and_respects_bounds(raw):
    values, error = parse_number_list(raw, max_items=8, lo=-1e3, hi=1e3)
    assert (values is None) != (error is None)
    if error is None:
        assert 1 <= len(values) <= 8 and all(math.isfinite(v) and -1e3 <= v <= 1e3 for v in values)


@settings(max_examples=500, deadline=None)
@given(st.from_regex(r"\A[ +\-0-9,.eE]{1,12}\Z"))
def test_a_comma_is_read_as_a_point_or_refused_never_as_another_number(raw):
    value, error = parse_number(raw, -1e300, 1e300)
    if error is None and "," in raw:
        assert value == float(raw.strip().replace(",", "."))


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e3, 1e3, allow_nan=False).filter(lambda x: "e" not in repr(x)))
def test_any_number_written_with_a_decimal_comma_reads_back_or_is_named_ambiguous(x):
    written = repr(x).replace(".", ",")
    value, error = parse_number(written, -1e3, 1e3, name="x")
    assert value == x or ("could be" in error and f"“{written}”" in error)
