"""Parsing what visitors type or put in a URL. Every function returns (value, error): error is None
when the input is accepted, else a sentence that names the rejected value; it never raises."""
from __future__ import annotations

import math
import re

from i18n import _, ngettext

MAX_ECHO = 40  # characters of a rejected value quoted back in a message


def echo(raw: str) -> str:
    """The rejected value as it can be quoted in a message: shortened, on one line."""
    text = " ".join(str(raw).split())
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "…"


FLAG_WORDS = {"1": True, "true": True, "0": False, "false": False}


def parse_flag(raw: str, name: str) -> tuple[bool | None, str | None]:
    """An on/off URL value: 1 or true is on, 0 or false is off (any case, spaces around ignored); one rule for
    every on/off key, so a link written either way means what it says."""
    value = FLAG_WORDS.get(str(raw).strip().lower())
    if value is None:
        return None, _("{name} = “{value}” is not on or off: use 1 or true for on, 0 or false for off", name=name,
                       value=echo(raw))
    return value, None


MAX_NUMBER_CHARS = 100  # longer is no number anyone types: refused before it is read
_DECIMAL_COMMA = re.compile(r"[+-]?(\d*),(\d+)([eE][+-]?\d+)?")


def decimal_comma(text: str, russian: bool = False) -> tuple[str, str | None]:
    """``text`` with its one decimal comma as a point ("0,05" → "0.05", as Russian and most of Europe write
    it), and None; or ``text`` and why its comma cannot be read: "1,000" is 1 to a Russian reader and 1000
    to an English one (not to a reader of the Russian interface, ``russian``: there it is 1.000), and a second
    comma, or a point beside it, leaves no single reading."""
    if "," not in text:
        return text, None
    match = _DECIMAL_COMMA.fullmatch(text)
    if match is None:
        return text, _("is not a number (a number takes one comma at most, as its decimal point)")
    whole, fraction, exponent = match.groups()
    point = text.replace(",", ".")
    if whole.lstrip("0") and len(fraction) == 3 and not exponent and not russian:
        decimal, thousands = float(point), float(text.replace(",", ""))
        return text, _("could be {decimal} (a decimal comma) or {thousands} (a thousands separator): "
                       "write {decimal} or {thousands}", decimal=format(decimal, "g"), thousands=format(thousands, "g"))
    return point, None


_read_comma = decimal_comma  # parse_number's keyword of the same name shadows it there


def parse_number(raw: str, lo: float, hi: float, *, integer: bool = False, name: str = "value",
                 decimal_comma: bool = False):
    """A finite number in [lo, hi] (an integer if ``integer``). One decimal comma is read as the decimal point
    ("0,05" is 0.05); a comma that could mean something else is refused, never read as another number. With
    ``decimal_comma`` (the Russian interface) a comma is only ever a decimal comma: "1,125" is 1.125."""
    text = str(raw).strip()
    if len(text) > MAX_NUMBER_CHARS:
        return None, _("{name} = “{value}” is too long to be a number ({count} characters)", name=name,
                       value=echo(raw), count=format(len(text), ","))
    text, comma = _read_comma(text, decimal_comma)
    if comma:
        return None, _("{name} = “{value}” {problem}", name=name, value=echo(raw), problem=comma)
    try:
        value = float(text)
    except (ValueError, OverflowError):
        return None, _("{name} = “{value}” is not a number", name=name, value=echo(raw))
    if not math.isfinite(value):
        return None, _("{name} = “{value}” is not a finite number", name=name, value=echo(raw))
    if integer:
        if value != int(value):
            return None, _("{name} = “{value}” is not a whole number", name=name, value=echo(raw))
        value = int(value)
    if not lo <= value <= hi:
        return None, _("{name} = {value} is outside the allowed range [{lo}, {hi}]", name=name, value=echo(raw),
                       lo=format(lo, "g"), hi=format(hi, "g"))
    return value, None


def _list_parts(text: str, decimal_comma: bool = False) -> list[str]:
    """The items of a list: with a ";" in it, or where the comma is the decimal mark (``decimal_comma``: the
    Russian interface), ";" and spaces separate and a comma is a decimal comma ("2,5; 3" is 2.5 and 3);
    otherwise commas separate too ("0,3" is 0 and 3, as English links write it)."""
    if ";" not in text and not decimal_comma:
        text = text.replace(",", " ")
    return [p for p in text.replace(";", " ").split() if p]


def commas_ambiguous(raw: str) -> bool:
    """Whether a list read with commas between its items has a comma a decimal-comma reader would take for a
    decimal point: a comma with a digit on each side and no ";" in the list ("2,5" read as 2 and 5)."""
    text = str(raw)
    return ";" not in text and re.search(r"\d,\d", text) is not None


def parse_number_list(raw: str, *, max_items: int, lo: float, hi: float, integer: bool = False,
                      name: str = "value", decimal_comma: bool = False):
    """Numbers separated by commas or spaces, each finite and in [lo, hi]; between 1 and max_items of them.
    With a ";" in the list, ";" and spaces separate and each comma is a decimal comma ("2,5; 3" is 2.5 and 3);
    With ``decimal_comma`` (the Russian interface) every comma is a decimal comma and ";" or spaces separate:
    "2,5" is 2.5 there. ``commas_ambiguous`` says when a list should show how it was read."""
    text = str(raw)
    if len(text) > 40 * max_items:  # refuse before splitting megabytes of text
        return None, _("{name} = “{value}” is too long ({count} characters)", name=name, value=echo(raw),
                       count=format(len(text), ","))
    parts = _list_parts(text, decimal_comma)
    if not parts:
        return None, _("{name} = “{value}” holds no number: give at least one", name=name, value=echo(raw))
    if len(parts) > max_items:
        return None, ngettext("{name} = “{value}” has {n} value; at most {most} are allowed",
                              "{name} = “{value}” has {n} values; at most {most} are allowed", len(parts),
                              name=name, value=echo(raw), most=max_items)
    values = []
    for part in parts:
        value, error = parse_number(part, lo, hi, integer=integer, name=name, decimal_comma=decimal_comma)
        if error:
            return None, error
        values.append(value)
    return values, None
