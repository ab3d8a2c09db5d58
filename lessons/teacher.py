"""Teacher keys, read from a page's query dict without Streamlit: what the page hides, whether its answers wait
behind Show the answer, the sidebar, the projector mode, and the open lesson and step.

``read(query, lab)`` never raises: every bad value (unknown names, huge, nested, negative, unicode) becomes a
notice, a whole sentence naming the value and what is allowed, and the key's default is used.

Keys: hide= a comma list of the lab's control URL keys and section names (``labs.<lab>.settings.SECTIONS``);
answers=hide|show; sidebar=collapsed|expanded|auto; present=1|0|true|false; lesson=<name>; step=<k> (1-based).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from core.inputs import echo
from i18n import _
from labs import LABS, settings_of

TEACHER_KEYS = ("hide", "answers", "sidebar", "present")  # the keys a lesson step may set too
LESSON_KEYS = ("lesson", "step")
ANSWERS = ("hide", "show")
SIDEBAR = ("collapsed", "expanded", "auto")
PRESENT = {"1": True, "true": True, "0": False, "false": False}
MAX_VALUE = 1000   # characters of a value read at all
MAX_HIDDEN = 60    # names in hide=


@dataclass(frozen=True)
class View:
    hidden_controls: frozenset = frozenset()   # URL keys of the lab's controls not shown
    hidden_sections: frozenset = frozenset()   # names of SECTIONS not shown
    answers_hidden: bool = False               # answers=hide: every answer behind Show the answer
    sidebar: str = "auto"                      # st.set_page_config(initial_sidebar_state=...)
    present: bool = False                      # a projector: larger text, taller charts
    lesson: str | None = None
    step: int | None = None                    # 1-based, within the lesson
    notices: tuple = field(default_factory=tuple)

    @property
    def sidebar_collapsed(self) -> bool:
        return self.sidebar == "collapsed"

    def hides(self, name: str) -> bool:
        """Whether the control (URL key) or section ``name`` is hidden."""
        return name in self.hidden_controls or name in self.hidden_sections


def _text(query, key: str) -> tuple[str | None, str | None]:
    """(the key's value as text, None), (None, None) when absent, or (None, a notice) when it is not text."""
    try:
        raw = query.get(key) if hasattr(query, "get") else None
    except Exception:  # a hostile mapping: treat the key as absent
        return None, None
    if raw is None:
        return None, None
    if isinstance(raw, (list, tuple)):  # a repeated key: the last one counts, as in Streamlit
        if not raw:
            return None, None
        raw = raw[-1]
    if not isinstance(raw, str):
        return None, _("Ignored {key} = “{value}”: not text.", key=key, value=echo(repr(raw)))
    if len(raw) > MAX_VALUE:
        return None, _("Ignored {key} = “{value}”: longer than {most} characters.", key=key, value=echo(raw),
                       most=format(MAX_VALUE, ","))
    return raw, None


def controls(lab: str) -> list[str]:
    return [s.key for s in settings_of(lab).SETTINGS]


def hide_names(lab: str) -> list[str]:
    """What hide= may name on this lab's page: its controls' URL keys, then its sections."""
    return controls(lab) + list(settings_of(lab).SECTIONS)


def parse_hide(raw: str, lab: str) -> tuple[frozenset, frozenset, list[str]]:
    """(hidden controls, hidden sections, notices) of a hide= value."""
    names = [n.strip() for n in raw.split(",") if n.strip()]
    notices = []
    if len(names) > MAX_HIDDEN:
        notices.append(_("Ignored hide= beyond its first {most} names.", most=MAX_HIDDEN))
        names = names[:MAX_HIDDEN]
    keys, sections = set(controls(lab)), set(settings_of(lab).SECTIONS)
    bad = [n for n in names if n not in keys and n not in sections]
    if bad:
        notices.append(_("Ignored hide = “{value}”: not a control or section of this page; the names are {names}.",
                         value=echo(", ".join(bad)), names=", ".join(hide_names(lab))))
    return frozenset(n for n in names if n in keys), frozenset(n for n in names if n in sections), notices


def read(query, lab: str, lessons: dict[str, int] | None = None) -> View:
    """The view a page's query dict asks for. ``lessons``: lesson name -> number of steps (default: the built-in
    lessons)."""
    if lab not in LABS:
        raise ValueError(f"Invalid lab: {lab!r} (one of {', '.join(LABS)})")
    notices: list[str] = []
    values = {}
    for key in (*TEACHER_KEYS, *LESSON_KEYS):
        value, notice = _text(query, key)
        if notice:
            notices.append(notice)
        values[key] = value
    hidden_controls = hidden_sections = frozenset()
    if values["hide"] is not None:
        hidden_controls, hidden_sections, more = parse_hide(values["hide"], lab)
        notices += more
    answers_hidden = False
    if values["answers"] is not None:
        if values["answers"].strip().lower() in ANSWERS:
            answers_hidden = values["answers"].strip().lower() == "hide"
        else:
            notices.append(_("Ignored answers = “{value}”: use answers=hide or answers=show.",
                             value=echo(values["answers"])))
    sidebar = "auto"
    if values["sidebar"] is not None:
        if values["sidebar"].strip().lower() in SIDEBAR:
            sidebar = values["sidebar"].strip().lower()
        else:
            notices.append(_("Ignored sidebar = “{value}”: use one of {options}.", value=echo(values["sidebar"]),
                             options=", ".join(SIDEBAR)))
    present = False
    if values["present"] is not None:
        if values["present"].strip().lower() in PRESENT:
            present = PRESENT[values["present"].strip().lower()]
        else:
            notices.append(_("Ignored present = “{value}”: use 1, 0, true or false.", value=echo(values["present"])))
    lesson, step = _lesson(values["lesson"], values["step"], lessons, notices)
    return View(hidden_controls, hidden_sections, answers_hidden, sidebar, present, lesson, step, tuple(notices))


def _lesson(raw_lesson, raw_step, lessons, notices) -> tuple[str | None, int | None]:
    if raw_lesson is None and raw_step is None:
        return None, None  # the usual page: no lesson to look up
    if lessons is None:
        from lessons import builtin, load
        lessons = {name: len(load(name)) for name in builtin()}
    if raw_lesson is None:
        if raw_step is not None:
            notices.append(_("Ignored step = “{value}”: it needs lesson= too (one of {lessons}).",
                             value=echo(raw_step), lessons=", ".join(lessons)))
        return None, None
    name = raw_lesson.strip()
    if name not in lessons:
        notices.append(_("Ignored lesson = “{value}”: no such lesson; the lessons are {lessons}.",
                         value=echo(raw_lesson), lessons=", ".join(lessons)))
        return None, None
    n = lessons[name]
    if raw_step is None:
        return name, 1
    text = raw_step.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        notices.append(_("Ignored step = “{value}”: use a whole number from 1 to {last}; showing step 1.",
                         value=echo(raw_step), last=n))
        return name, 1
    k = int(text)
    if not 1 <= k <= n:
        shown = min(max(k, 1), n)
        notices.append(_("Ignored step = {value}: this lesson has steps 1 to {last}; showing step {shown}.",
                         value=echo(raw_step), last=n, shown=shown))
        return name, shown
    return name, k


def view_problems(settings: dict, lab: str, lab_keys: list[str]) -> list[tuple[str, str]]:
    """(key, sentence) for every teacher key of a lesson step's settings that is unknown or bad."""
    out = []
    for key, value in settings.items():
        if key not in TEACHER_KEYS:
            out.append((key, f"unknown setting “{echo(str(key))}”: the {lab} lab's settings are "
                             f"{', '.join(lab_keys)}, and the teacher keys {', '.join(TEACHER_KEYS)}"))
            continue
        if key == "present" and isinstance(value, (bool, int)) and not isinstance(value, float):
            value = str(value).lower()
        if not isinstance(value, str):
            out.append((key, f"{key} = {echo(repr(value))} must be text, e.g. {key} = \"…\""))
            continue
        view = read({key: value}, lab, lessons={})
        out += [(key, notice) for notice in view.notices]
    return out
