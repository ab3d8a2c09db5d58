"""Gradient Playground: the home page (entry point of `streamlit run playground.py`).

`streamlit run playground.py` first imports this file, once per server process, for its ``app``: the pages, the
MLP live view's stream beside them (live_route), and the process-wide hazards (app.server), started here and
nowhere else. Each visit to the home page then runs it as ``__main__``, without that part.
"""
from pathlib import Path
from urllib.parse import parse_qsl

import streamlit as st

import i18n
from app import server
from i18n import N_, _, ngettext

if __name__ != "__main__":
    server.cap_malloc_arenas()  # before anything imported below starts a thread (numpy's BLAS does)

from app import a11y, language, lesson_panel, shared_runs, widgets  # noqa: E402  (after the arena cap)

if __name__ != "__main__":
    from app import live_route
    app = st.App("playground.py", routes=[live_route.route(shared_runs.run_pool)], lifespan=server.lifespan)

LABS = [
    ("pages/1_Gradient_descent.py", N_("Gradient descent"), ":material/trending_down:",
     N_("Find both roots of x² − 5x + 4 = 0 by minimising (x² − 5x + 4)², animated from several start "
        "points. Does it always converge? Does the start point matter? What does the learning rate do?"),
     N_("Open the Gradient descent lab")),
    ("pages/2_Adagrad.py", N_("Adagrad"), ":material/tune:",
     N_("An optimiser whose step size adapts per parameter. Step it by hand, inspect every quantity, "
        "and race it against plain gradient descent and momentum."),
     N_("Open the Adagrad lab")),
    ("pages/3_MLP_training.py", N_("MLP training"), ":material/hub:",
     N_("A numpy network (1 → 100 → 1, ReLU) learns y = x² with SGD + momentum, live, and shows "
        "where it fails: far outside its training range."),
     N_("Open the MLP training lab")),
]


def home() -> None:
    """The home page: the three labs, each with a blurb and a link, and the built-in lessons with every step's link.
    Run for each visit (as __main__); not when the server imports this file for its App."""
    language.choose()
    st.set_page_config(page_title=_("Gradient Playground"), page_icon=":material/insights:", layout="wide")
    a11y.page_style()
    language.selector()
    widgets.show_notices()

    LANG = None if i18n.language() == i18n.DEFAULT else {"lang": i18n.language()}  # a link keeps the page's language

    # Titles and headings carry no :material/...: icon: a screen reader reads its name out ("insights icon").
    st.title(_("Gradient Playground"))
    st.markdown(_(
        "Watch optimisation and tiny neural networks work, one step at a time, and see *why* an "
        "optimiser does what it does. Every lab computes with a small numpy library (`core`), and "
        "every page's address is a link that reproduces exactly what you see."
    ))

    for column, (path, title, icon, blurb, open_label) in zip(st.columns(len(LABS)), LABS):
        with column.container(border=True):
            st.header(_(title))
            st.write(_(blurb))
            st.page_link(path, label=_(open_label), icon=icon, query_params=LANG)

    st.header(_("Lessons"))
    st.markdown(_("Guided lessons, each a few steps long: predict first (a number, a choice, or a setting to find), "
                  "then check it against what the lab computes for those very settings. A teacher can send any "
                  "step's link, hide controls or answers (`hide=`, `answers=hide`) and write lessons of their own "
                  "(the format is in `docs/lessons.md`)."))
    FILES = {"/" + Path(path).stem.split("_", 1)[1]: path for path, *_rest in LABS}  # URL path -> page file
    for lesson in lesson_panel.lesson_list():
        path, _mark, query = lesson["link"].partition("?")
        with st.container(border=True):
            st.page_link(FILES[path], label=ngettext("{title} · {n} step", "{title} · {n} steps", lesson["steps"],
                                                     title=lesson["title"]),
                         icon=":material/school:", query_params=dict(parse_qsl(query)))
            st.caption(lesson["summary"])
            with st.expander(_("Every step's link (for slides or a course page)")):
                st.markdown("\n".join(f"{k}. [{link}]({link})" for k, link in
                                       enumerate(lesson_panel.lesson_links(lesson["name"]), start=1)))

    st.caption(_("Built with numpy, Streamlit and Altair. In the source, core/ computes and pages/ draw."))


if __name__ == "__main__":
    home()
