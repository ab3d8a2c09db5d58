"""Parsing what visitors type or put in a URL. Every function returns (value, error): error is None
when the input is accepted, else a sentence that names the rejected value; it never raises."""
from __future__ import annotations

import math

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
        return None, f"{name} = “{echo(raw)}” is not on or off: use 1 or true for on, 0 or false for off"
    return value, None


def parse_number(raw: str, lo: float, hi: float, *, integer: bool = False, name: str = "value"):
    """A finite number in [lo, hi] (an integer if ``integer``)."""
    text = str(raw).strip()
    try:
        value = float(text)
    except (ValueError, OverflowError):
        return None, f"{name} = “{echo(raw)}” is not a number"
    if not math.isfinite(value):
        return None, f"{name} = “{echo(raw)}” is not a finite number"
    if integer:
        if value != int(value):
            return None, f"{name} = “{echo(raw)}” is not a whole number"
        value = int(value)
    if not lo <= value <= hi:
        return None, f"{name} = {echo(raw)} is outside the allowed range [{lo:g}, {hi:g}]"
    return value, None


def parse_number_list(raw: str, *, max_items: int, lo: float, hi: float, integer: bool = False,
                      name: str = "value"):
    """Comma-separated numbers (spaces and semicolons also separate), each finite and in [lo, hi];
    between 1 and max_items of them."""
    text = str(raw)
    if len(text) > 40 * max_items:  # refuse before splitting megabytes of text
        return None, f"{name} = “{echo(raw)}” is too long ({len(text):,} characters)"
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    if not parts:
        return None, f"{name} = “{echo(raw)}” holds no number: give at least one"
    if len(parts) > max_items:
        return None, f"{name} = “{echo(raw)}” has {len(parts)} values; at most {max_items} are allowed"
    values = []
    for part in parts:
        value, error = parse_number(part, lo, hi, integer=integer, name=name)
        if error:
            return None, error
        values.append(value)
    return values, None
