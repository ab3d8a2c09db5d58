"""Gradient descent lab: find the roots of p(x) = a·x² + b·x + c by minimising p(x)², from several starts."""
import streamlit as st

import i18n
from app import a11y, board_panel, lesson_panel, player, widgets
from core.descent import outcome_labels
from core.objective import Quadratic
from i18n import N_, _
from labs import glossary
from labs.descent import charts, cobweb, limits, questions, ranges, replay, words
from labs.descent import runs as descent_runs

view = lesson_panel.open_page("descent", title=N_("Gradient descent"), icon=":material/trending_down:")

# ── cached computations (all in core; keyed on the settings, bounded) ──────────────────────────────
@st.cache_data(max_entries=64, show_spinner=False)
def runs(coefs, x0s, lr, steps, tol):
    return descent_runs.run(Quadratic(*coefs), x0s, lr, steps, tol)


@st.cache_data(max_entries=32, show_spinner=_("Sweeping start points × learning rates…"))
def basin(coefs, lr, steps, tol, x0s):
    return ranges.basin_sweep(Quadratic(*coefs), lr, steps, tol, x0s)


@st.cache_data(max_entries=64, show_spinner=False)
def probe(coefs, x0s, lr, steps, tol):
    return descent_runs.probe(Quadratic(*coefs), x0s, lr, steps, tol)


# ── sidebar: the settings, each bound to the URL ───────────────────────────────────────────────────
def settings():
    st.sidebar.header("p(x) = a·x² + b·x + c")
    lim = limits.COEF_LIMIT
    a = widgets.number("a", "a", 1.0, -lim, lim, step=1.0, help=_("Coefficient of x². 0 makes p a line."))
    b = widgets.number("b", "b", -5.0, -lim, lim, step=1.0, help=_("Coefficient of x."))
    c = widgets.number("c", "c", 4.0, -lim, lim, step=1.0, help=_("Constant term."))
    st.sidebar.header(_("Gradient descent"))
    bounds = dict(most=limits.MAX_STARTS, limit=f"{limits.X0_LIMIT:g}")
    x0_help = (_("Separated by “;” or spaces (a comma is the decimal comma: 2,5 is one start), at most {most}, each "
                 "within ±{limit}. One run per start point.", **bounds) if i18n.decimal_comma() else
               _("Comma-separated, at most {most}, each within ±{limit}. One run per start point.", **bounds))
    x0s = widgets.number_list(_("Start points x0"), "x0", start_separator().join(("0", "3")),
                              max_items=limits.MAX_STARTS, lo=-limits.X0_LIMIT, hi=limits.X0_LIMIT, help=x0_help)
    lr = widgets.number(_("Learning rate lr"), "lr", 0.01, limits.LR_MIN, limits.LR_MAX, step=0.001, fmt="%g",
                        help=_("Each update is x ← x − lr·loss′(x). Between {lo} and {hi}.", lo=f"{limits.LR_MIN:g}",
                               hi=f"{limits.LR_MAX:g}"))
    steps = widgets.number(_("Most updates"), "steps", 1000, 1, limits.MAX_STEPS, integer=True, step=100,
                           help=_("A run stops after this many updates (at most {most}).",
                                  most=f"{limits.MAX_STEPS:,}"))
    tol = widgets.number(_("Tolerance on |p(x)|"), "tol", 1e-6, limits.TOL_MIN, limits.TOL_MAX, step=1e-6, fmt="%g",
                         help=_("A run has converged when |p(x)| < tol."))
    return (a, b, c), [float(x) for x in x0s], lr, int(steps), tol


# ── sections ───────────────────────────────────────────────────────────────────────────────────────
def start_separator() -> str:
    """Between start points in the field and the link: ";" where a comma is the decimal comma (Russian)."""
    return ";" if i18n.decimal_comma() else ","


# The replays and the hint hold words: each language is cached apart (``lang``).
@st.cache_data(max_entries=64, show_spinner=False)
def descent_replay(coefs, x0s, lr, steps, tol, lo, hi, lang):
    return replay.descent_replay(Quadratic(*coefs), runs(coefs, x0s, lr, steps, tol), lo, hi)


@st.cache_data(max_entries=64, show_spinner=False)
def cobweb_replay(coefs, x0s, lr, steps, tol, lo, hi, lang):
    return replay.cobweb_replay(Quadratic(*coefs), runs(coefs, x0s, lr, steps, tol)[0], lr, lo, hi)


def animation(coefs, x0s, lr, steps, tol, trajs, lo, hi):
    """Replays the runs in the browser: markers with fading trails on p(x)² and on p(x), one counter,
    Play / Pause / Step / Reset, speed and a scrubber. Returns its place for the share link."""
    place = player.show(descent_replay(coefs, tuple(x0s), lr, steps, tol, lo, hi, i18n.language()), key="gd_player",
                        link=True,
                        max_frame=limits.MAX_STEPS)
    note = words.outside_words(trajs, lo, hi)
    if note:
        st.caption(note)
    return place


TERMS = glossary.FirstUse()  # each term a learner meets here is defined at its first heading, in this run


def status_table(problem, trajs, steps):
    rows = words.status_rows(problem, trajs, steps)
    column = words.status_columns()[3]  # "outcome", in the page's language
    st.header(_("Where each run ends"), help=TERMS.help(*(row[column] for row in rows)))
    st.table(rows, hide_index=True)


def four_answers(problem, coefs, trajs, lr, steps, tol):
    found = probe(coefs, tuple(float(t.xs[0]) for t in trajs), lr, steps, tol)
    answers = questions.answers(problem, trajs, lr, steps, found)
    st.header(_("The four questions, answered for these settings"),
              help=TERMS.help(*(a.headline for a in answers), *(a.text for a in answers)))
    with st.container(border=True):
        for answer in answers:  # the one-line answer first; the full why on request
            st.markdown(f"**{answer.asked}** {answer.headline}")
            with st.expander(_("Why?")):
                st.markdown(answer.text)


def loss_section(problem, trajs):
    st.header(_("Loss against step"))
    widgets.chart(charts.loss_by_step(problem, trajs), width="stretch")
    st.caption(_("Log scale. A diverging run is drawn up to its last finite iterate; losses above "
                 "{ceiling} are drawn at that value.", ceiling=f"{charts.LOSS_CEILING:.0e}"))


def _pick_cell(x0s):
    selection = st.session_state.get("gd_basin", {}).get("selection", {}).get("cell") or []
    if selection:
        x0, lr = ranges.picked_cell(selection[0], x0s, sep=start_separator())
        st.session_state["x0"], st.session_state["lr"] = x0, lr


def basin_section(problem, coefs, x0s, lr, steps, tol):
    sw, used = basin(coefs, lr, steps, tol, tuple(x0s))
    bound = problem.stable_lr()
    label = words.bound_words(problem)
    text = words.basin_words(problem, sw, used, steps)
    title = _("Basin map: which start goes where, at which learning rate")
    st.header(title, help=TERMS.help(title, text, also=("stability bound",) if bound is not None else ()))
    st.markdown(text)
    cells = charts.PHONE_CELLS if a11y.narrow_screen() else None  # fewer, larger cells to tap on a phone
    widgets.chart(charts.basin_map(sw, current_x0s=x0s, current_lr=lr, bound=bound, bound_label=label, cells=cells,
                                   labels=outcome_labels(problem)),
                  width="stretch", key="gd_basin", on_select=lambda: _pick_cell(x0s), selection_mode="cell")
    st.caption(_("Colour: the outcome (a cycle or chaos when a run neither converges nor diverges; too slow when it "
                 "is still approaching at the step limit); paler cells took more steps to converge or diverge. "
                 "✚ marks the current settings. "
                 "Click a cell to start the first run from its x0 with its learning rate."))


@st.cache_data(max_entries=32, show_spinner=False)
def cobweb_hint(coefs, tol, x0s, lang):
    return cobweb.cobweb_hint(Quadratic(*coefs), tol=tol, x0s=x0s).text


def cobweb_section(problem, coefs, x0s, trajs, lr, steps, tol):
    first = trajs[0]
    lo, hi = cobweb.cobweb_range(problem, first)
    text = cobweb.cobweb_words(problem, first, lr, steps, x0s)
    title = _("Cobweb: the update map x → x − lr·loss′(x)")
    st.header(title, help=TERMS.help(title, text))
    # predict first: where the run ends, and the hint's cycles, are answers
    told = st.expander(_("Show what this run does, and why"), icon=":material/visibility:") if answers_hidden else st
    told.markdown(text)
    place = player.show(cobweb_replay(coefs, tuple(x0s), lr, steps, tol, lo, hi, i18n.language()), key="gd_cobweb",
                        link=True, prefix="cw_", max_frame=limits.MAX_STEPS)
    hint = cobweb_hint(coefs, tol, tuple(x0s), i18n.language())
    if hint:
        told.caption(hint)
    return place


# ── the page ───────────────────────────────────────────────────────────────────────────────────────
st.title(_("Gradient descent: the roots of a quadratic"))
answers_hidden = lesson_panel.show("descent")  # before the controls: a lesson step sets them
st.markdown(_("Gradient descent finds a root of p(x) by walking downhill on the loss p(x)², one step "
              "x ← x − lr·loss′(x) at a time. Set the polynomial, the start points and the learning rate in the "
              "sidebar, press Play, and read below what happens and why."))
coefs, x0s, lr, steps, tol = settings()
widgets.show_notices()
problem = Quadratic(*coefs)
st.info(words.polynomial_words(problem))
trajs = runs(coefs, tuple(x0s), lr, steps, tol)
lo, hi = ranges.x_range(problem, x0s)
place = {}
# predict first: the replay's step count, the loss chart's last step and the cobweb say how each run ends
if not view.hides("player") and lesson_panel.gate("player", answers_hidden, N_("the runs")):
    place = animation(coefs, x0s, lr, steps, tol, trajs, lo, hi)
if not view.hides("status") and lesson_panel.gate("status", answers_hidden, N_("where each run ends")):
    status_table(problem, trajs, steps)
if not view.hides("answers") and lesson_panel.gate("answers", answers_hidden, N_("the four answers")):
    four_answers(problem, coefs, trajs, lr, steps, tol)
if not view.hides("loss") and lesson_panel.gate("loss", answers_hidden, N_("the loss against step")):
    loss_section(problem, trajs)
if not view.hides("basin"):
    basin_section(problem, coefs, x0s, lr, steps, tol)
if not view.hides("cobweb") and lesson_panel.gate("cobweb", answers_hidden, N_("the cobweb")):
    place |= cobweb_section(problem, coefs, x0s, trajs, lr, steps, tol)
if not view.hides("share"):
    widgets.share_link("/Gradient_descent", {"a": coefs[0], "b": coefs[1], "c": coefs[2],
                                        "x0": start_separator().join(map(widgets.exact, x0s)), "lr": lr,
                                        "steps": steps, "tol": tol, **place, **lesson_panel.view_keys("descent")})
board_panel.offer("descent", coefs=coefs, x0s=x0s, lr=lr, steps=steps, tol=tol)  # with board= in the link
