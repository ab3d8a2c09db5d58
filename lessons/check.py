"""Checking a lesson file, naming the line of every problem (tomllib gives no line numbers, so ``Lines`` finds
them in the text): TOML syntax, unknown keys, an unknown lab, a setting out of its bounds, a bad teacher key,
an unknown answer function or argument, a question whose kind is not its function's, a choice whose computed
answer is not among its options, an answer with no value at the step's settings."""
from __future__ import annotations

import re
from pathlib import Path

from labs import LABS, answers_of, settings_of
from lessons import Lesson, from_data, parse

TOP_KEYS = ("title", "summary", "steps")
STEP_KEYS = ("lab", "title", "prompt", "settings", "question")
QUESTION_KEYS = ("kind", "answer", "args", "options", "rtol", "atol", "hint")
QUESTION_KINDS = ("number", "choice", "challenge")
MAX_PROMPT = 2000  # characters: a prompt is a few sentences
MAX_STEPS = 50


class Lines:
    """Where each key of a TOML text is: (path) -> line, a path being ('steps', 2, 'settings', 'lr') and the like.

    Reads tables ([x], [[steps]], [steps.question.args]), key = value lines, and the keys of one-line inline
    tables ({ lr = 0.1, x0 = "3" }); skips the inside of multi-line strings."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r'^\s*("[^"]*"|[A-Za-z0-9_-]+)\s*=\s*(.*)$')
    _INLINE_KEY = re.compile(r'[{,]\s*("[^"]*"|[A-Za-z0-9_-]+)\s*=')

    def __init__(self, text: str):
        self.lines: dict[tuple, int] = {}
        table: tuple = ()
        steps = -1
        in_string = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = self._HEADER.match(line)
            if header and not self._KEY.match(line):
                parts = tuple(p.strip().strip('"') for p in header.group(2).split("."))
                if header.group(1) == "[[" and parts == ("steps",):
                    steps += 1
                    table = ("steps", steps)
                elif parts[0] == "steps" and steps >= 0:
                    table = ("steps", steps, *parts[1:])
                else:
                    table = parts
                self.lines.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if not key:
                continue
            name = key.group(1).strip('"')
            self.lines.setdefault((*table, name), number)
            rest = key.group(2)
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_string = quote
            if rest.lstrip().startswith("{"):
                for inner in self._INLINE_KEY.finditer(rest):
                    self.lines.setdefault((*table, name, inner.group(1).strip('"')), number)

    def of(self, path: tuple) -> int:
        """The line of ``path``, or of its nearest enclosing key or table (1 when none is found)."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


def _unknown(keys, known, what: str) -> list[str]:
    return [f"unknown key “{key}” in {what}: the keys are {', '.join(known)}" for key in keys if key not in known]


def structure(text: str, name: str = "lesson", path=None) -> tuple[Lesson | None, list[tuple[int, str]]]:
    """(the lesson, []) or (None, [(line, message), …]) for everything wrong with the file's shape and
    settings. Does not compute answers (``check_text`` does)."""
    from lessons.teacher import view_problems

    data = parse(text)
    if not isinstance(data, dict):  # a TOMLDecodeError: its message ends '(at line N, column M)'
        found = re.search(r"line (\d+)", str(data))
        return None, [(int(found.group(1)) if found else 1, f"not valid TOML: {data}")]
    lines = Lines(text)
    problems: list[tuple[int, str]] = []

    def add(where: tuple, message: str) -> None:
        problems.append((lines.of(where), message))

    for message in _unknown(data, TOP_KEYS, "the lesson"):
        add((message.split("“")[1].split("”")[0],), message)
    if not isinstance(data.get("title"), str) or not data.get("title", "").strip():
        add(("title",), "the lesson needs a title = \"…\"")
    if "summary" in data and not isinstance(data["summary"], str):
        add(("summary",), "summary must be text (one sentence for the list of lessons)")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        add(("steps",), "the lesson has no steps: add [[steps]] tables")
        steps = []
    if len(steps) > MAX_STEPS:
        add(("steps",), f"{len(steps)} steps: at most {MAX_STEPS}")
    for i, step in enumerate(steps):
        where = ("steps", i)
        if not isinstance(step, dict):
            add(where, f"step {i + 1} is not a table")
            continue
        for key in step:
            if key not in STEP_KEYS:
                add((*where, key), f"step {i + 1}: unknown key “{key}”: the keys are {', '.join(STEP_KEYS)}")
        lab = step.get("lab")
        if lab not in LABS:
            add((*where, "lab"), f"step {i + 1}: lab = “{lab}” is not one of {', '.join(LABS)}")
            continue
        prompt = step.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            add((*where, "prompt"), f"step {i + 1}: the step needs a prompt = \"\"\"…\"\"\"")
        elif len(prompt) > MAX_PROMPT:
            add((*where, "prompt"), f"step {i + 1}: the prompt is {len(prompt):,} characters; at most {MAX_PROMPT:,}")
        if "title" in step and not isinstance(step["title"], str):
            add((*where, "title"), f"step {i + 1}: title must be text")
        settings = step.get("settings", {})
        if not isinstance(settings, dict):
            add((*where, "settings"), f"step {i + 1}: settings must be a table of the lab's URL keys")
            settings = {}
        module = settings_of(lab)
        lab_keys = [s.key for s in module.SETTINGS]
        view = {k: v for k, v in settings.items() if k not in lab_keys}
        for key, message in view_problems(view, lab, lab_keys):
            add((*where, "settings", key), f"step {i + 1}: {message}")
        for message in module.validate({k: v for k, v in settings.items() if k in lab_keys}):
            key = next((k for k in settings if message.startswith(f"{k} ") or f"“{k}”" in message), None)
            add((*where, "settings", *((key,) if key else ())), f"step {i + 1}: {message}")
        question = step.get("question")
        if question is not None:
            _question_structure(question, lab, (*where, "question"), i, add)
    if problems:
        return None, sorted(problems)
    return from_data(data, name, path), []


def _question_structure(q, lab: str, where: tuple, i: int, add) -> None:
    if not isinstance(q, dict):
        add(where, f"step {i + 1}: question must be a table")
        return
    for key in q:
        if key not in QUESTION_KEYS:
            add((*where, key), f"step {i + 1}: unknown key “{key}” in the question: the keys are "
                               f"{', '.join(QUESTION_KEYS)}")
    kind = q.get("kind")
    if kind not in QUESTION_KINDS:
        add((*where, "kind"), f"step {i + 1}: kind = “{kind}” is not one of {', '.join(QUESTION_KINDS)}")
        return
    registry = answers_of(lab).ANSWERS
    name = q.get("answer")
    if name not in registry:
        add((*where, "answer"), f"step {i + 1}: unknown answer function “{name}” of the {lab} lab: the {kind} "
                                f"answers are {', '.join(n for n, f in registry.items() if f.kind == kind)}")
        return
    fn = registry[name]
    if fn.kind != kind:
        add((*where, "kind"), f"step {i + 1}: {name} is a {fn.kind} answer, not a {kind} one")
    args = q.get("args", {})
    if not isinstance(args, dict):
        add((*where, "args"), f"step {i + 1}: args must be a table")
    else:
        for key in args:
            if key not in fn.args:
                add((*where, "args", key), f"step {i + 1}: {name} takes no argument “{key}” (its arguments: "
                                           f"{', '.join(fn.args) or 'none'})")
    for key in ("rtol", "atol"):
        if key in q and (isinstance(q[key], bool) or not isinstance(q[key], (int, float)) or not q[key] >= 0):
            add((*where, key), f"step {i + 1}: {key} must be a number ≥ 0")
    if "hint" in q and not isinstance(q["hint"], str):
        add((*where, "hint"), f"step {i + 1}: hint must be text")
    options = q.get("options")
    if kind == "choice":
        if not (isinstance(options, list) and len(options) >= 2 and all(isinstance(o, str) for o in options)):
            add((*where, "options"), f"step {i + 1}: a choice needs options = [\"…\", \"…\"], at least two")
        elif len(set(options)) != len(options):
            add((*where, "options"), f"step {i + 1}: an option is listed twice")
    elif options is not None:
        add((*where, "options"), f"step {i + 1}: options belong to a choice question, not a {kind} one")


def answers(lesson: Lesson, lines: Lines) -> list[tuple[int, str]]:
    """Compute every question's answer at its step's settings: a problem when it fails, has no value, or
    (a choice) is not among the options."""
    problems = []
    for i, step in enumerate(lesson.steps):
        q = step.question
        if q is None:
            continue
        where = ("steps", i, "question")
        try:
            answer = answers_of(step.lab).ANSWERS[q.answer](step.lab_settings, **q.args)
        except (ValueError, TypeError, KeyError) as error:
            problems.append((lines.of((*where, "args")), f"step {i + 1}: {q.answer} cannot be computed: {error}"))
            continue
        if q.kind != "challenge" and answer.value is None:
            problems.append((lines.of((*where, "answer")), f"step {i + 1}: {q.answer} has no value at this "
                                                             f"step's settings: {answer.text}"))
        if q.kind == "choice" and answer.value is not None and answer.value not in q.options:
            problems.append((lines.of((*where, "options")), f"step {i + 1}: the computed answer “{answer.value}” is "
                                                              f"not among the options {', '.join(q.options)}"))
    return problems


def check_text(text: str, name: str = "lesson", path=None) -> tuple[Lesson | None, list[tuple[int, str]]]:
    """Everything ``structure`` finds; when the shape is right, every answer computed too."""
    lesson, problems = structure(text, name, path)
    if lesson is None:
        return None, problems
    return lesson, sorted(answers(lesson, Lines(text)))


def check_file(path) -> tuple[Lesson | None, list[tuple[int, str]]]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [(0, f"cannot read the file: {error}")]
    return check_text(text, path.stem, path)
