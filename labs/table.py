"""One table of a lab's URL settings, and the loops over it (TensorFlow Playground's ``State.PROPS``).

A ``Setting`` is one URL key: its kind, default, bounds and help. ``coerce`` reads a value as a URL gives it
(a string) or as a lesson file gives it (a TOML number, string, list or boolean) and returns the value the lab
uses, or a sentence naming what is wrong; it never raises. ``widget_value`` is what the page's widget holds
for it (the number inputs are float widgets, a list is typed as text), ``url_value`` what a link carries.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from core.inputs import echo, parse_flag, parse_number, parse_number_list
from i18n import _, ngettext

KINDS = ("number", "int", "list", "choice", "multi", "flag", "text")
MAX_TEXT = 2000  # characters of any value read here: longer is refused before it is parsed


@dataclass(frozen=True)
class Setting:
    """One URL setting of a lab page.

    kind: number (a float in [lo, hi]), int (a whole number in [lo, hi]), list (comma-separated numbers, at
    most ``max_items``, each in [lo, hi], whole when ``integer``), choice (one of ``options``), multi (any of
    ``options``, the key repeated in a URL), flag (true/false), text (at most ``max_chars`` characters).
    ``field``: the core config field it sets, when it is not the key itself.
    """

    key: str
    default: object
    kind: str
    help: str
    lo: float | None = None
    hi: float | None = None
    options: tuple[str, ...] = ()
    max_items: int = 1
    integer: bool = False
    max_chars: int = 200
    field: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Invalid kind {self.kind!r} for {self.key} (one of {', '.join(KINDS)})")

    @property
    def bounds_words(self) -> str:
        """What values the setting takes, e.g. 'a number in [1e-06, 10]', 'one of relu, sigmoid, tanh'."""
        lo, hi = (None, None) if self.lo is None else (format(self.lo, "g"), format(self.hi, "g"))
        if self.kind == "number":
            return _("a number in [{lo}, {hi}]", lo=lo, hi=hi)
        if self.kind == "int":
            return _("a whole number in [{lo}, {hi}]", lo=lo, hi=hi)
        if self.kind == "list":
            if self.integer:
                return _("1 to {most} comma-separated whole numbers, each in [{lo}, {hi}]", most=self.max_items,
                         lo=lo, hi=hi)
            return _("1 to {most} comma-separated numbers, each in [{lo}, {hi}]", most=self.max_items, lo=lo, hi=hi)
        if self.kind == "choice":
            return _("one of {options}", options=", ".join(self.options))
        if self.kind == "multi":
            return _("any of {options}", options=", ".join(self.options))
        if self.kind == "flag":
            return _("1 or true, 0 or false")
        return _("text of at most {most} characters", most=self.max_chars)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(setting: Setting, value, integer: bool):
    """A number of a TOML file (int/float) or of a URL (str) against the setting's bounds."""
    name = setting.key
    if _is_number(value):
        if not math.isfinite(value):
            return None, _("{name} = {value} is not a finite number", name=name, value=value)
        return parse_number(repr(value), setting.lo, setting.hi, integer=integer, name=name)
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            return None, _("{name} = “{value}” is too long ({count} characters)", name=name, value=echo(value),
                           count=format(len(value), ","))
        return parse_number(value, setting.lo, setting.hi, integer=integer, name=name)
    return None, _("{name} = {value} is not a number", name=name, value=echo(repr(value)))


def coerce(setting: Setting, value):
    """(the value the lab uses, None) or (None, a sentence naming what is wrong). Never raises."""
    name, kind = setting.key, setting.kind
    if kind == "number":
        value, error = _number(setting, value, integer=False)
        return (None, error) if error else (float(value), None)
    if kind == "int":
        value, error = _number(setting, value, integer=True)
        return (None, error) if error else (int(value), None)
    if kind == "list":
        if _is_number(value):
            value = [value]
        if isinstance(value, (list, tuple)):
            if not value:
                return None, _("{name} holds no number: give at least one", name=name)
            if len(value) > setting.max_items:
                return None, ngettext("{name} has {n} value; at most {most} are allowed",
                                      "{name} has {n} values; at most {most} are allowed", len(value), name=name,
                                      most=setting.max_items)
            out = []
            for item in value:
                number, error = _number(setting, item, integer=setting.integer)
                if error:
                    return None, error
                out.append(number)
            return out, None
        if isinstance(value, str):
            return parse_number_list(value[:MAX_TEXT + 1], max_items=setting.max_items, lo=setting.lo,
                                     hi=setting.hi, integer=setting.integer, name=name)
        return None, _("{name} = {value} is not a list of numbers", name=name, value=echo(repr(value)))
    if kind == "choice":
        if isinstance(value, str) and value in setting.options:
            return value, None
        return None, _("{name} = “{value}” is not one of {options}", name=name, value=echo(str(value)),
                       options=", ".join(setting.options))
    if kind == "multi":
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()] if value else []
        if not isinstance(value, (list, tuple)) or len(value) > 4 * len(setting.options):
            return None, _("{name} = {value} is not a list of {options}", name=name, value=echo(repr(value)),
                           options=", ".join(setting.options))
        bad = [v for v in value if not (isinstance(v, str) and v.strip() in setting.options)]
        if bad:
            return None, _("{name} = “{value}” is not one of {options}", name=name,
                           value=echo(", ".join(map(str, bad))), options=", ".join(setting.options))
        chosen = [v.strip() for v in value]
        return [o for o in setting.options if o in chosen], None
    if kind == "flag":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str):
            return parse_flag(value, name)
        return None, _("{name} = “{value}”: use 1 or true, 0 or false", name=name, value=echo(str(value)))
    if not isinstance(value, str):
        return None, _("{name} = {value} is not text", name=name, value=echo(repr(value)))
    if len(value) > setting.max_chars:
        return None, _("{name} = “{value}” is longer than {most} characters", name=name, value=echo(value),
                       most=setting.max_chars)
    return value, None


def by_key(table) -> dict[str, Setting]:
    return {s.key: s for s in table}


def defaults(table) -> dict:
    """Every key's default, as the lab uses it (lists as lists)."""
    out = {}
    for s in table:
        value = s.default
        if s.kind == "list" and isinstance(value, str):
            value, _error = coerce(s, value)
        out[s.key] = list(value) if isinstance(value, (list, tuple)) else value
    return out


def problems(table, settings) -> list[str]:
    """A sentence for every unknown key (listing the known ones) and every bad value of ``settings``."""
    if not isinstance(settings, dict):
        return [_("settings must be a table of URL keys, not {value}", value=echo(repr(settings)))]
    known = by_key(table)
    out = []
    for key, value in settings.items():
        if key not in known:
            out.append(_("unknown setting “{key}”: the settings are {keys}", key=echo(str(key)),
                         keys=", ".join(known)))
            continue
        _value, error = coerce(known[key], value)
        if error:
            out.append(_("{error} ({bounds})", error=error, bounds=known[key].bounds_words))
    return out


def filled(table, settings: dict | None) -> dict:
    """The defaults with ``settings`` over them, each coerced; a bad or unknown value is left out (so the
    default stays): call ``problems`` to hear about them."""
    out = defaults(table)
    known = by_key(table)
    for key, value in (settings or {}).items():
        if key in known:
            coerced, error = coerce(known[key], value)
            if error is None:
                out[key] = coerced
    return out


def widget_value(setting: Setting, value):
    """What the page's widget for ``setting`` holds for ``value`` (a coerced value): widgets.number's inputs are float
    widgets, widgets.number_list's a text input, widgets.multi's a list, widgets.flag's a bool."""
    if setting.kind in ("number", "int"):
        return float(value)
    if setting.kind == "list":
        return ",".join(format_number(v) for v in value)
    if setting.kind == "multi":
        return list(value)
    return value


def format_number(x) -> str:
    """x short and exact: 0.01 -> '0.01', 3.0 -> '3', 1e-06 -> '1e-06'."""
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    short = format(x, "g")
    return short if float(short) == x else repr(float(x))


def url_value(setting: Setting, value):
    """The value in a link: a string, or a list of strings for a multi (one repeated key each)."""
    if setting.kind in ("number", "int"):
        return format_number(value)
    if setting.kind == "list":
        return ",".join(format_number(v) for v in value)
    if setting.kind == "multi":
        return list(value)
    if setting.kind == "flag":
        return "true" if value else "false"
    return str(value)
