"""Streamlit glue for a lesson: the panel at the top of a lab page while ``lesson=`` is in the URL.

"Step k of n", the prompt, the answer field (a text input for a number, a radio for a choice, nothing for a
challenge, which checks the lab's current settings), Check, Show the answer, Back and Next. Feedback says right
or wrong with the computed number and a one-line why, on the page and in the polite live region
(``a11y.announce``). Progress is in the URL (``lesson=<name>&step=<k>``).

A page calls ``show(lab)`` BEFORE it draws its controls: entering a step puts the step's settings into the
controls' session state (Back/Next: every setting, the lab's defaults under the step's; a link opened afresh:
only the keys the link does not set, so a student's link keeps their own values), and widgets read it.
"""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

import i18n
from app import a11y, language, widgets
from i18n import N_, _
from labs import PAGES, TITLES, settings_of
from labs import table as settings_table
from lessons import builtin, grade, load, reveal, teacher, translated

STATE_AT = "lesson_at"               # (lesson, step) whose settings the controls hold
STATE_FEEDBACK = "lesson_feedback"   # {"at": (lesson, step), "status": ..., "text": ...}
STATE_VIEW_KEYS = "lesson_view_keys" # teacher keys the current step put into the URL
SEEN = ("right", "wrong", "shown", "none")  # a step is "checked or shown" once its feedback is one of these
STEP_OF = N_("Step {k} of {n}")
STEP_OF_TITLED = N_("Step {k} of {n}: {title}")
ELSEWHERE = N_("This step is on the {title} page: [open step {k} there]({link}).")
CHALLENGE_NOTE = N_("Change the settings in the sidebar, then press **Check**: it runs them.")
CHECK, SHOW_ANSWER, BACK, NEXT = N_("Check"), N_("Show the answer"), N_("Back"), N_("Next")  # a11y.want_focus's too


def query() -> dict:
    """The URL's keys, each with every value it has (a repeated key keeps all of them)."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def step_link(lab: str, name: str, k: int, settings: dict | None = None) -> str:
    """The link that opens step k of a lesson on its lab's page (with the step's settings, for a slide deck)."""
    params = {"lesson": name, "step": k}
    table = settings_table.by_key(settings_of(lab).SETTINGS)
    for key, value in (settings or {}).items():
        if key in table:
            coerced, error = settings_table.coerce(table[key], value)
            if error is None:
                params[key] = settings_table.url_value(table[key], coerced)
        else:
            params[key] = str(value).lower() if isinstance(value, bool) else str(value)
    if i18n.language() != i18n.DEFAULT:  # a step's link keeps the page's language
        params["lang"] = i18n.language()
    return f"{PAGES[lab]}?{urlencode(params, doseq=True)}"


def lesson_links(name: str) -> list[str]:
    """Every step's link of a lesson, in order."""
    lesson = load(name)
    return [step_link(step.lab, name, k, step.settings) for k, step in enumerate(lesson.steps, start=1)]


def current_settings(lab: str) -> dict:
    """The lab's settings as its controls hold them now: session state (widget values), else the URL."""
    out = {}
    for setting in settings_of(lab).SETTINGS:
        key = setting.key
        if key in st.session_state:
            out[key] = st.session_state[key]
        elif key in st.query_params:
            values = st.query_params.get_all(key)
            out[key] = values if setting.kind == "multi" else values[-1]
    return {k: v for k, v in out.items() if settings_table.coerce(settings_table.by_key(settings_of(lab).SETTINGS)[k],
                                                                  v)[1] is None}


def _set_url(key: str, value) -> None:
    """Put a setting into the URL. A widget bound to the URL (drawn in the last run) writes its own key from the
    session state set beside this, and Streamlit refuses to have it set directly; a control that is not drawn
    (hidden, or in a section that is) is written here."""
    try:
        st.query_params[key] = value
    except StreamlitAPIException:
        pass


def apply_step(name: str, k: int, *, keep_url: bool = False) -> None:
    """Put step k's settings into the lab's controls and its teacher keys into the URL."""
    step = load(name).steps[k - 1]
    table = settings_table.by_key(settings_of(step.lab).SETTINGS)
    for key, value in step.filled().items():
        if keep_url and key in st.query_params:
            continue
        st.session_state[key] = settings_table.widget_value(table[key], value)
        _set_url(key, settings_table.url_value(table[key], value))
    for key in st.session_state.get(STATE_VIEW_KEYS, ()):
        if key not in step.view_settings and key in st.query_params:
            del st.query_params[key]
    for key, value in step.view_settings.items():
        st.query_params[key] = str(value).lower() if isinstance(value, bool) else str(value)
    st.session_state[STATE_VIEW_KEYS] = tuple(step.view_settings)
    st.session_state[STATE_AT] = (name, k)


def _go(name: str, k: int) -> None:
    st.query_params["step"] = str(k)
    apply_step(name, k)
    step = load(name).steps[k - 1]
    a11y.want_focus(CHECK if step.question else NEXT)


def _given_key(name: str, k: int) -> str:
    return f"lesson_given_{name}_{k}"


def _check(name: str, k: int, lab: str) -> None:
    step = load(name).steps[k - 1]
    feedback = grade(step, st.session_state.get(_given_key(name, k)), current_settings(lab))
    st.session_state[STATE_FEEDBACK] = {"at": (name, k), "status": feedback.status, "text": feedback.text}
    a11y.want_focus(CHECK)


def _reveal(name: str, k: int, lab: str) -> None:
    feedback = reveal(load(name).steps[k - 1], current_settings(lab))
    st.session_state[STATE_FEEDBACK] = {"at": (name, k), "status": feedback.status, "text": feedback.text}
    a11y.want_focus(SHOW_ANSWER)


def open_page(lab: str, *, title: str, icon: str) -> teacher.View:
    """A lab page's first call: its page config (the sidebar as ``sidebar=`` asks), its style (``present=1``: the
    projector's), and the controls ``hide=`` keeps off the page. Returns the teacher's view of the page.
    Before all that, the page's language (``lang=``, app.language); ``title`` is translated here (mark it N_)."""
    language.choose()
    view = teacher.read(query(), lab)
    st.set_page_config(page_title=_("{title} · Gradient Playground", title=_(title)), page_icon=icon,
                       layout="wide", initial_sidebar_state=view.sidebar)
    language.selector()
    a11y.page_style(present=view.present)
    widgets.hide_controls(view.hidden_controls)
    return view


def view_keys(lab: str) -> dict:
    """The teacher and lesson keys of this page's link that it accepted, for its share link (a teacher's view
    shared is the same view)."""
    view = teacher.read(query(), lab)
    keys = {}
    hidden = [n for n in teacher.hide_names(lab) if view.hides(n)]
    if hidden:
        keys["hide"] = ",".join(hidden)
    if view.answers_hidden:
        keys["answers"] = "hide"
    if view.sidebar != "auto":
        keys["sidebar"] = view.sidebar
    if view.present:
        keys["present"] = 1
    if view.lesson:
        keys["lesson"], keys["step"] = view.lesson, view.step
    return keys


# What the pages' answer sections are called on their Show button (``gate``'s ``what``, translated there).
GATED = (N_("the runs"), N_("where each run ends"), N_("the four answers"), N_("the loss against step"),
         N_("the cobweb"), N_("the race, and who wins"))
REVEALED = "lesson_revealed"  # {section: where it was revealed}: a new step or new settings hide it again


def gate(name: str, hidden: bool, what: str) -> bool:
    """Whether to draw the answer section ``name`` now. While answers are hidden (``answers=hide``, or a lesson
    step not yet checked), a button stands in its place: "Show the answers" reveals it for this step."""
    if not hidden:
        return True
    where = (st.query_params.get("lesson"), st.query_params.get("step"))
    revealed = st.session_state.setdefault(REVEALED, {})
    if revealed.get(name) == where:
        return True
    st.button(_("Show {what}", what=_(what)), key=f"reveal_{name}", icon=":material/visibility:",
              on_click=lambda: revealed.__setitem__(name, where))
    return False


def notices(view) -> None:
    for notice in view.notices:
        st.warning(widgets.plain(notice), icon=":material/warning:")


def show(lab: str) -> bool:
    """Draw the lesson panel when ``lesson=`` is in the URL. Returns whether the lab's own answers should stay
    hidden: while a lesson step is neither checked nor shown, or when the URL says answers=hide."""
    view = teacher.read(query(), lab)
    notices(view)
    if view.lesson is None:
        return view.answers_hidden
    name, k = view.lesson, view.step
    lesson = load(name)
    step = lesson.steps[k - 1]
    if st.session_state.get(STATE_AT) != (name, k):
        apply_step(name, k, keep_url=STATE_AT not in st.session_state)
    n = len(lesson)
    with st.container(border=True, key="lesson_panel"):
        st.caption(_("Lesson: {title}", title=translated(lesson.title)))
        heading = (_(STEP_OF_TITLED, k=k, n=n, title=translated(step.title)) if step.title
                   else _(STEP_OF, k=k, n=n))
        st.subheader(heading, anchor=False)
        st.markdown(translated(step.prompt))
        if step.lab != lab:
            st.markdown(_(ELSEWHERE, title=_(TITLES[step.lab]), k=k,
                          link=step_link(step.lab, name, k, step.settings)))
        q = step.question
        if q is not None and step.lab == lab:
            if q.kind == "number":
                st.text_input(_("Your prediction (a number; 0,05 and 0.05 both work)"), key=_given_key(name, k))
            elif q.kind == "choice":  # the options shown translated; the answer given is the file's own option
                st.radio(_("Your answer"), list(q.options), index=None, key=_given_key(name, k),
                         format_func=translated)
            else:
                st.caption(_(CHALLENGE_NOTE))
        row = st.container(horizontal=True)
        if q is not None and step.lab == lab:
            row.button(_(CHECK), type="primary", on_click=_check, args=(name, k, lab), key="lesson_check")
            row.button(_(SHOW_ANSWER), on_click=_reveal, args=(name, k, lab), key="lesson_show")
        row.button(_(BACK), on_click=_go, args=(name, k - 1), disabled=k <= 1, key="lesson_back")
        row.button(_(NEXT), on_click=_go, args=(name, k + 1), disabled=k >= n, key="lesson_next")
        feedback = st.session_state.get(STATE_FEEDBACK)
        seen = feedback is not None and tuple(feedback["at"]) == (name, k)
        if seen:
            text = widgets.plain(feedback["text"])
            box = {"right": st.success, "wrong": st.error, "shown": st.info}.get(feedback["status"], st.warning)
            box(text)
            a11y.announce(feedback["text"], key="lesson_announce")
    a11y.apply_focus()
    if q is None:
        return view.answers_hidden
    return view.answers_hidden or not (seen and feedback["status"] in SEEN)


def lesson_list() -> list[dict]:
    """The built-in lessons for the home page: name, title, summary, steps, and the link to its first step."""
    out = []
    for name in builtin():
        lesson = load(name)
        first = lesson.steps[0]
        out.append({"name": name, "title": translated(lesson.title), "summary": translated(lesson.summary),
                    "steps": len(lesson),
                    "link": step_link(first.lab, name, 1, first.settings)})
    return out
