"""Lessons as data: each lesson is a TOML file in this folder, an ordered list of steps.

A step names its lab (descent, adagrad, mlp), the lab's settings (its URL keys, as in a link; teacher keys
such as hide= may be set too), a short Markdown prompt, and optionally a question naming an answer function
of ``labs.<lab>.answers``: the correct answer is computed, never typed in the file. See docs/lessons.md.

``load(name)`` reads a built-in lesson, ``load_file(path)`` any file; both refuse a file with a structural
problem (``LessonError`` lists them with their lines). ``python -m lessons check FILE`` also computes every
answer. ``grade(step, given, settings)`` and ``reveal(step, settings)`` give the panel its feedback.
"""
from __future__ import annotations

import functools
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from i18n import N_, _, catalogue, language
from labs import settings_of
from labs.answer import Answer, format_value

HERE = Path(__file__).resolve().parent
DEFAULT_RTOL = 0.01  # a number prediction within 1% of the computed one is right (unless the step says otherwise)
MAX_GIVEN = 60       # characters of a typed answer that are read at all


@dataclass(frozen=True)
class Question:
    kind: str                    # number | choice | challenge
    answer: str                  # an answer function of labs.<lab>.answers
    args: dict = field(default_factory=dict)
    options: tuple[str, ...] = ()
    rtol: float = DEFAULT_RTOL   # number: right when |given − value| ≤ max(atol, rtol·|value|)
    atol: float = 0.0
    hint: str = ""               # Markdown shown with the answer (a challenge's way there)


@dataclass(frozen=True)
class Step:
    lab: str
    prompt: str
    settings: dict = field(default_factory=dict)  # URL keys -> values, as in the file
    question: Question | None = None
    title: str = ""

    @property
    def lab_settings(self) -> dict:
        """The step's settings that belong to the lab (teacher keys such as hide= left out)."""
        keys = {s.key for s in settings_of(self.lab).SETTINGS}
        return {k: v for k, v in self.settings.items() if k in keys}

    @property
    def view_settings(self) -> dict:
        """The step's teacher keys (hide, answers, present, sidebar), as strings."""
        keys = {s.key for s in settings_of(self.lab).SETTINGS}
        return {k: v for k, v in self.settings.items() if k not in keys}

    def filled(self) -> dict:
        """Every setting of the lab: its defaults with the step's settings over them."""
        return settings_of(self.lab).filled(self.lab_settings)


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    path: Path | None = None

    def __len__(self) -> int:
        return len(self.steps)


class LessonError(ValueError):
    """A lesson file that cannot be used: ``problems`` are (line, message) pairs."""

    def __init__(self, path, problems: list[tuple[int, str]]):
        self.path, self.problems = path, problems
        super().__init__("; ".join(f"{path}:{line}: {message}" for line, message in problems))


COURSE_ORDER = ("gradient_descent", "adagrad_by_hand", "rmsprop_adam", "mlp_x103")  # the notebook's order


def builtin() -> list[str]:
    """The built-in lessons' names (their files' stems): the course's order, then any other file by name."""
    names = {p.stem for p in HERE.glob("*.toml")}
    return [n for n in COURSE_ORDER if n in names] + sorted(names - set(COURSE_ORDER))


def load(name: str) -> Lesson:
    """A built-in lesson by name."""
    if name not in builtin():
        raise KeyError(f"No lesson {name!r} (lessons: {', '.join(builtin())})")
    path = HERE / f"{name}.toml"
    return _parsed(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _parsed(path: str, mtime_ns: int) -> Lesson:
    """A built-in lesson parsed once per version of its file: every page run reads the teacher keys, and the
    panel loads its lesson several times a run (a Lesson is frozen, so one object serves every session)."""
    del mtime_ns  # part of the cache key: an edited file is parsed again
    return load_file(path)


def load_file(path) -> Lesson:
    """A lesson from a TOML file; LessonError (with lines) when its structure is wrong."""
    from lessons.check import structure

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lesson, problems = structure(text, path.stem, path)
    if problems:
        raise LessonError(path, problems)
    return lesson


def from_data(data: dict, name: str, path=None) -> Lesson:
    """The model of an already checked TOML table."""
    steps = []
    for raw in data["steps"]:
        q = raw.get("question")
        question = None
        if q is not None:
            question = Question(q["kind"], q["answer"], dict(q.get("args", {})), tuple(q.get("options", ())),
                                float(q.get("rtol", DEFAULT_RTOL)), float(q.get("atol", 0.0)), q.get("hint", ""))
        steps.append(Step(raw["lab"], raw["prompt"].strip(), dict(raw.get("settings", {})), question,
                          raw.get("title", "")))
    return Lesson(name, data["title"], data.get("summary", ""), tuple(steps), path)


def parse(text: str) -> tomllib.TOMLDecodeError | dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return error


# -- grading ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Feedback:
    """What the panel says after Check or Show the answer.

    status: right | wrong | invalid (the input could not be read) | none (no value at these settings) | shown.
    ``text`` is whole sentences (templates with named fields, filled)."""

    status: str
    text: str
    answer: Answer | None = None

    @property
    def right(self) -> bool | None:
        return {"right": True, "wrong": False}.get(self.status)


def compute(step: Step, settings: dict | None = None) -> Answer:
    """The step's answer: at the learner's ``settings`` for a challenge, else at the step's own settings."""
    from labs import answers_of

    q = step.question
    fn = answers_of(step.lab).ANSWERS[q.answer]
    at = step.lab_settings if (q.kind != "challenge" or settings is None) else settings
    return fn(at, **q.args)


_NUMBER = re.compile(r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$")


def read_number(given) -> float | None:
    """A typed number: '0.05', '0,05' (a decimal comma), '−3' (a minus sign), '10 609', '1e-6', '1/9'.
    None when it is not one."""
    if given is None:
        return None
    text = str(given)[:MAX_GIVEN + 1]
    if len(text) > MAX_GIVEN:
        return None
    text = text.strip().replace("\u2212", "-").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if text.count("/") == 1:
        top, bottom = (read_number(part) for part in text.split("/"))
        return None if top is None or not bottom else top / bottom
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


RIGHT = N_("Right: {value}. {why}")
WRONG = N_("Not quite: you said {given}; the answer is {value}. {why}")
NOT_A_NUMBER = N_("“{given}” is not a number: type one such as 0.05 or 0,05.")
NO_CHOICE = N_("Choose one of the answers first.")
NO_VALUE = N_("There is no number to compare at these settings. {why}")
DONE = N_("Done: {why}")
NOT_YET = N_("Not yet: {why}")
SHOWN = N_("The answer: {value}. {why}")
SHOWN_CHALLENGE = N_("{hint}At your settings now: {why}")


def translated(text: str) -> str:
    """A lesson file's text (a title, prompt, hint, option…) in the current language. The catalogue holds it as
    the file writes it, so a prompt the model keeps stripped is looked up with its file's final newline too."""
    if not text or not text.strip():
        return text
    table = catalogue(language())
    for candidate in (text, text + "\n"):
        found = table.gettext(candidate)
        if found != candidate:
            return found.strip() if candidate != text else found
    return text


def grade(step: Step, given=None, settings: dict | None = None) -> Feedback:
    """Feedback on ``given`` (typed text for a number, the chosen option for a choice, ignored for a challenge,
    which checks the learner's current ``settings``)."""
    q = step.question
    if q is None:
        raise ValueError("This step asks no question")
    if q.kind == "challenge":
        answer = compute(step, settings)
        return Feedback("right" if answer.value else "wrong", _(DONE if answer.value else NOT_YET,
                                                                why=answer.text), answer)
    if q.kind == "choice":
        if given is None or str(given) not in q.options:
            return Feedback("invalid", _(NO_CHOICE))
        answer = compute(step)
        right = str(given) == answer.value
        return Feedback("right" if right else "wrong", _(RIGHT if right else WRONG, given=translated(str(given)),
                                                         value=answer.shown, why=answer.text), answer)
    number = read_number(given)
    if number is None:
        from core.inputs import echo
        return Feedback("invalid", _(NOT_A_NUMBER, given=echo(str(given or ""))))
    answer = compute(step)
    if answer.value is None:
        return Feedback("none", _(NO_VALUE, why=answer.text), answer)
    value = float(answer.value)
    right = abs(number - value) <= max(q.atol, q.rtol * abs(value))
    return Feedback("right" if right else "wrong", _(RIGHT if right else WRONG, given=format_value(number),
                                                     value=answer.shown, why=answer.text), answer)


def reveal(step: Step, settings: dict | None = None) -> Feedback:
    """Show the answer: the computed value and its why (a challenge: its hint and the check at ``settings``)."""
    q = step.question
    answer = compute(step, settings)
    if q.kind == "challenge":
        hint = f"{translated(q.hint).strip()} " if q.hint else ""
        return Feedback("shown", _(SHOWN_CHALLENGE, hint=hint, why=answer.text), answer)
    return Feedback("shown", _(SHOWN, value=answer.shown, why=answer.text), answer)
