"""Answers a lesson can ask about: named functions, each computed from ``core`` at a step's settings.

A lesson never types its correct answer: a question names one of these functions, so the lesson stays true
when the code changes and when a teacher edits the step's settings. Each lab keeps its registry in
``labs/<lab>/answers.py`` (``ANSWERS``: name -> ``AnswerFunction``).

Three kinds:
- number: ``value`` is the number (or None when there is none at these settings, e.g. a run that never
  converges: ``why`` says so and a lesson checker refuses the step);
- choice: ``value`` is one label (a lesson's options must include it);
- challenge: ``value`` is True when the learner's current settings meet the goal.
``why`` is a template with named fields (filled from ``fields``), so a translation can reorder it.
"""
from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from i18n import _, catalogue, language

KINDS = ("number", "choice", "challenge")


@dataclass(frozen=True)
class Answer:
    """One computed answer: the value, and a one-line why (a template with named fields)."""

    value: object
    why: str
    fields: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The why, filled in, in the current language (the lab's answers mark their templates N_)."""
        return (catalogue(language()).gettext(self.why) if self.why else self.why).format(**self.fields)

    @property
    def shown(self) -> str:
        """The value as the panel prints it."""
        return format_value(self.value)


def format_value(value) -> str:
    """A number short but exact enough to check by hand (6 significant digits), a label in the current language
    (a lesson's options are in the catalogue)."""
    if value is None:
        return _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ") if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value == int(value) and abs(value) < 1e15:
            return format_value(int(value))
        return f"{value:.6g}"
    return _(value) if isinstance(value, str) and value.strip() else str(value)


@dataclass(frozen=True)
class AnswerFunction:
    """A registered answer: ``fn(settings, **args) -> Answer`` with the lab's defaults filled into settings."""

    name: str
    kind: str
    fn: Callable
    fill: Callable           # the lab's settings.filled
    options: tuple = ()      # a choice's possible values (for the docs; a lesson lists its own)
    doc: str = ""

    @property
    def args(self) -> dict:
        """The optional arguments a question may give (``args = {...}``), with their defaults."""
        params = list(inspect.signature(self.fn).parameters.values())[1:]
        return {p.name: p.default for p in params}

    def __call__(self, settings: dict | None = None, **args) -> Answer:
        unknown = set(args) - set(self.args)
        if unknown:
            raise TypeError(f"{self.name} takes no argument {', '.join(sorted(unknown))} "
                            f"(its arguments: {', '.join(self.args) or 'none'})")
        return self.fn(self.fill(settings), **args)


def registry(fill: Callable):
    """(ANSWERS, the decorator that adds a function to it): ``@answer("number")`` over ``def name(s, ...)``."""
    answers: dict[str, AnswerFunction] = {}

    def answer(kind: str, options: tuple = ()):
        if kind not in KINDS:
            raise ValueError(f"Invalid answer kind {kind!r} (one of {', '.join(KINDS)})")

        def add(fn):
            doc = inspect.getdoc(fn) or ""
            answers[fn.__name__] = AnswerFunction(fn.__name__, kind, fn, fill, tuple(options), doc)
            return fn
        return add
    return answers, answer
