"""Adagrad: step it by hand and see every quantity, see why it slows down and what came next (RMSProp, Adam),
and race the five optimisers on a 1-D loss and on 2-D surfaces."""
from typing import NamedTuple
from urllib.parse import urlencode

import streamlit as st

import i18n
from app import a11y, board_panel, lesson_panel, player, widgets
from core.inputs import parse_number
from core.objective import Quadratic
from core.surfaces import LABELS as SURFACE_LABELS
from core.surfaces import SURFACES
from i18n import N_, _, ngettext, pgettext
from labs import glossary
from labs.adagrad import chart_data, inspector, races, replay, slowdown, stories
from labs.adagrad import charts as charts

view = lesson_panel.open_page("adagrad", title=N_("Adagrad"), icon=":material/tune:")

ROOT_PROBLEM = Quadratic()  # p(x) = x² − 5x + 4, loss p(x)²
LR_KEYS_2D = {"gradient descent": "lr_2d", "momentum": "lr_2d", "Adagrad": "lr_ada_2d", "RMSProp": "lr_rms_2d",
              "Adam": "lr_adam_2d"}  # each racer's lr on the 2-D race, as a URL key


class Inspector(NamedTuple):
    config: inspector.InspectorConfig
    param: str
    row: int
    col: int
    k: int


class RootRace(NamedTuple):
    chosen: tuple[str, ...]
    x0: float
    lrs: dict  # racer -> lr (every racer, chosen or not: the slow-down section runs the adaptive three)
    steps: int


class SurfaceRace(NamedTuple):
    name: str
    start: tuple[float, float]
    lrs: dict


# ── cached computations (all in core; keyed on the settings, bounded) ──────────────────────────────
@st.cache_data(max_entries=64, show_spinner=False)
def root_runs(x0, lrs: tuple, steps, chosen):
    return races.race(ROOT_PROBLEM, x0, 1.0, steps, chosen=chosen, lrs=dict(lrs))


@st.cache_data(max_entries=64, show_spinner=False)
def surface_runs(name, start, lrs: tuple, steps, chosen):
    return races.race(SURFACES[name], start, 1.0, steps, chosen=chosen, lrs=dict(lrs))


# The table and its sentence hold words: each language is cached apart (``lang``).
@st.cache_data(max_entries=32, show_spinner=_("Racing at every learning rate…"))
def sweep(surface_name: str, x0, max_steps: int, chosen, lang):
    problem = ROOT_PROBLEM if surface_name == "root" else SURFACES[surface_name]
    lrs = races.RACE_LRS if surface_name == "root" else races.SURFACE_LRS
    return races.lr_sweep(problem, x0, lrs, max_steps, chosen)


# ── sidebar: the settings, each bound to the URL ───────────────────────────────────────────────────
def _step(n: int) -> None:
    k, _ = parse_number(str(st.session_state.get("k", 0)), 0, inspector.MAX_K, integer=True)  # typed text: from 0
    st.session_state["k"] = min(inspector.MAX_K, (k or 0) + n)


def _reset() -> None:
    st.session_state["k"] = 0


def _lr(label: str, key: str, default: float, step: float, help: str) -> float:
    return widgets.number(label, key, default, races.LR_MIN, races.LR_MAX, step=step, fmt="%g",
                          help=_("{help} In [{lo}, {hi}].", help=help, lo=f"{races.LR_MIN:g}", hi=f"{races.LR_MAX:g}"))


def inspector_settings() -> Inspector:
    st.sidebar.header(_("Step inspector"))
    lr = widgets.number(_("Learning rate lr"), "lr", 0.1, 1e-6, 10.0, step=0.01,
                        help=_("Adagrad's base learning rate (0, 10]."))
    eps = widgets.number("eps", "eps", 1e-8, 0.0, 1.0, step=1e-8, fmt="%g",
                         help=_("Added to √G so the step stays finite before any gradient is seen; in [0, 1]."))
    seed = widgets.number(_("Seed"), "seed", 0, 0, inspector.MAX_SEED, integer=True,
                          help=_("Seeds the parameters and the N(0, 1) gradients: same seed, same run."))
    grad = widgets.choice(_("Gradients"), "grad", list(inspector.GRAD_SOURCES), "noise", horizontal=False,
                          format_func=lambda g: _(inspector.GRAD_LABELS[g]),
                          help=_("noise: a fresh N(0, 1) draw each step (the exercise). quadratic: the gradient "
                                 "of ½‖θ‖², which is θ itself, so the parameters converge to 0."))
    param = widgets.choice(_("Element of"), "el", ["W", "b"], "W",
                           help=_("Inspect an element of the matrix W or the vector b."))
    row = widgets.number(_("Row i"), "i", 2, 0, 9, integer=True, help=_("W[i, j] or b[i]."))
    col = widgets.number(_("Column j"), "j", 3, 0, 9, integer=True, help=_("Column of W[i, j] (unused for b)."))
    k = widgets.number(_("Steps taken k"), "k", 0, 0, inspector.MAX_K, integer=True,
                       help=_("How many Adagrad steps have been taken (≤ {most}); the buttons change it.",
                              most=inspector.MAX_K))
    config = inspector.InspectorConfig(lr=lr, eps=eps, seed=int(seed), grad=grad)
    return Inspector(config, param, int(row), int(col), int(k))


def race_settings() -> tuple[RootRace, SurfaceRace]:
    st.sidebar.header(_("Races"))
    chosen = widgets.multi(_("Optimisers"), "race", list(races.RACERS), list(races.DEFAULT_RACERS),
                           format_func=races.racer_label,
                           help=_("Which optimisers race, on both problems and in the learning-rate tables."))
    steps = widgets.number(_("Max steps"), "steps", 1000, 1, races.MAX_STEPS, integer=True,
                           help=_("Each race stops after this many steps (≤ {most}).", most=races.MAX_STEPS))
    st.sidebar.subheader(_("On ({p})²", p=ROOT_PROBLEM.describe()))
    x0 = widgets.number(_("Start x0"), "x0", 0.0, -1e3, 1e3, step=0.5, help=_("Where every optimiser starts."))
    lr_race = _lr(_("lr of gradient descent, momentum and Adagrad"), "lr_race", 0.2, 0.01,
                  _("One lr for the three: the original race."))
    lr_rms = _lr(_("lr of RMSProp"), "lr_rms", 0.01, 0.005, _("RMSProp's first step is lr/√(1 − ρ) = 10·lr in size."))
    lr_adam = _lr(_("lr of Adam"), "lr_adam", 0.03, 0.01, _("Adam's first step is lr in size."))
    st.sidebar.subheader(_("On a 2-D surface"))
    surface_name = widgets.choice(_("Surface"), "surface", list(SURFACES), "bowl",
                                  format_func=lambda name: _(SURFACE_LABELS[name]),
                                  help=_("bowl: x² + 25·y², 25× steeper along y. rosenbrock: a curved, flat valley."))
    surface = SURFACES[surface_name]
    lr_2d = _lr(_("lr of gradient descent and momentum"), "lr_2d", 0.035, 0.005,
                _("On the bowl, gradient descent is stable only for lr < 0.04."))
    lr_ada_2d = _lr(_("lr of Adagrad"), "lr_ada_2d", 1.0, 0.1, _("Adagrad's steps are about lr in size at first."))
    lr_rms_2d = _lr(_("lr of RMSProp"), "lr_rms_2d", 0.03, 0.01, _("RMSProp's steps are about lr/√(1 − ρ) at first."))
    lr_adam_2d = _lr(_("lr of Adam"), "lr_adam_2d", 0.1, 0.01, _("Adam's steps are about lr in size."))
    box = races.START_BOX
    sx = widgets.number(_("Start x"), "sx", surface.default_start[0], -box, box, step=0.5, help=_("Start point, x."))
    sy = widgets.number(_("Start y"), "sy", surface.default_start[1], -box, box, step=0.5, help=_("Start point, y."))
    chosen = tuple(chosen)
    root = RootRace(chosen, x0, {"gradient descent": lr_race, "momentum": lr_race, "Adagrad": lr_race,
                                 "RMSProp": lr_rms, "Adam": lr_adam}, int(steps))
    flat = SurfaceRace(surface_name, (sx, sy), {"gradient descent": lr_2d, "momentum": lr_2d, "Adagrad": lr_ada_2d,
                                                "RMSProp": lr_rms_2d, "Adam": lr_adam_2d})
    return root, flat


# ── sections ───────────────────────────────────────────────────────────────────────────────────────
def intro():
    st.markdown(_("Adagrad gives every parameter its own step size, **lr / (√G + eps)**, where G is the sum of that "
                  "parameter's squared gradients so far: step it by hand, see why it slows down and what came next "
                  "(RMSProp, Adam), then race them against plain gradient descent and momentum."))


TERMS = glossary.FirstUse()  # each term a learner meets here is defined at its first heading, in this run


def inspector_section(ins: Inspector) -> inspector.InspectorRun:
    text = _("The exercise's parameters: a 10×10 matrix **W** and a 10-vector **b**, N(0, 1) from the seed. "
             "Each step draws a gradient g, adds g² to G, and moves θ by **−lr·g / (√G + eps)**.")
    st.header(_("1 · Step inspector"), help=TERMS.help(text, also=("effective learning rate",)))
    st.markdown(text)
    run = inspector.run_inspector(ins.config, ins.k, start=st.session_state.get("ada_run"))
    st.session_state["ada_run"] = run
    b1, b2, b3, status = st.columns([1, 1, 1, 4])
    b1.button(pgettext("button", "Step"), on_click=_step, args=(1,), disabled=ins.k >= inspector.MAX_K,
              width="stretch")
    b2.button(_("Step ×10"), on_click=_step, args=(10,), disabled=ins.k >= inspector.MAX_K, width="stretch")
    b3.button(_("Reset"), on_click=_reset, width="stretch")
    status.markdown(ngettext("**{n} step taken** (k = {n}, at most {most}) · gradients: {source}",
                             "**{n} steps taken** (k = {n}, at most {most}) · gradients: {source}", run.k,
                             most=inspector.MAX_K, source=_(inspector.GRAD_SOURCES[ins.config.grad])))
    index = inspector.element_index(ins.param, ins.row, ins.col)
    if run.k == 0:
        st.info(_("No step taken yet: G is 0 everywhere. Press **Step** to take the first one."))
    else:
        matrices(run, (ins.row, ins.col) if ins.param == "W" else None)
    step_table(run, index)
    if run.k >= 2:
        effective_lr_section(run, index)
    return run


def matrices(run, chosen):
    left, right = st.columns(2)
    frame = inspector.matrix_frame(run)
    title = ngettext("W's accumulated G = Σ g² after {n} step", "W's accumulated G = Σ g² after {n} steps", run.k)
    widgets.chart(charts.matrix_heatmap(frame, "G", title=title, color_title="G", chosen=chosen, log=True), left,
                  width="stretch")
    widgets.chart(charts.matrix_heatmap(frame, "effective lr", title=_("W's effective lr = lr / (√G + eps)"),
                                        color_title=_("effective lr"), chosen=chosen, log=True, scheme="plasma"),
                  right, width="stretch")
    st.caption(_("Colour scales are logarithmic. The outlined cell is the element in the table below."))


def step_table(run, index):
    label = inspector.element_label(index)
    st.subheader(_("The last steps of {element}", element=label))
    table = inspector.step_table(run, index)
    if table.empty:
        st.write(_("{element} starts at θ = {theta}.", element=label, theta=f"{run.theta[0, index]:.6g}"))
        return
    # Predict first: the newest step shows g; G, the effective lr, the update and θ after wait for the toggle (a new
    # one for every step and element, so each new step starts hidden).
    newest = inspector.step_answer(run, index)
    c = run.config
    line = st.empty()  # the one-line answer, above the toggle that decides it
    shown = st.toggle(_("Show this step's update"), key=f"ada_show_{run.k}_{index}_{c.lr}_{c.eps}_{c.seed}_{c.grad}")
    line.markdown(newest.headline(shown))
    if shown:
        with st.expander(_("Why?")):
            st.markdown(newest.why)
    else:
        table = inspector.hide_newest(table)
    # Two halves side by side (stacked on a phone, where seven columns were cut off at the right edge).
    for column, part in zip(st.columns(2), inspector.STEP_TABLE_PARTS):
        half = table[list(part)].rename(columns=inspector.column_title)  # headers in the page's language
        shown_part = [inspector.column_title(c) for c in part]
        column.table(half.style.format(inspector.table_cell, subset=shown_part[1:]), hide_index=True)
    st.caption(_("Check a row by hand: G = previous G + g²; effective lr = lr / (√G + eps); "
                 "update = −effective lr · g; θ after = θ before + update."))


def effective_lr_section(run, index):
    widgets.chart(charts.effective_lr_chart(inspector.effective_lr_series(run, inspector.watched_elements(index))),
                  width="stretch")
    ratio = inspector.envelope_ratio(run)
    if run.config.grad == "noise":
        st.caption(ngettext("With N(0, 1) gradients, G after t steps is about t, so the effective lr follows lr/√t "
                            "(dashed): after {n} step the median element's is {ratio}× lr/√t.",
                            "With N(0, 1) gradients, G after t steps is about t, so the effective lr follows lr/√t "
                            "(dashed): after {n} steps the median element's is {ratio}× lr/√t.", run.k,
                            ratio=f"{ratio:.2f}"))
    else:
        st.caption(ngettext("With the gradient of ½‖θ‖², gradients shrink as θ → 0, so G stops growing and the "
                            "effective lr levels off above lr/√t (median element: {ratio}× lr/√t after {n} step).",
                            "With the gradient of ½‖θ‖², gradients shrink as θ → 0, so G stops growing and the "
                            "effective lr levels off above lr/√t (median element: {ratio}× lr/√t after {n} steps).",
                            run.k, ratio=f"{ratio:.3g}"))


def root_race_section(race: RootRace):
    st.header(_("2 · Race on ({p})²", p=ROOT_PROBLEM.describe()),
              help=TERMS.help(races.racer_words(race.chosen, race.lrs)))
    if not race.chosen:
        st.info(_("No optimiser chosen: pick at least one under **Races** in the sidebar."))
        return {}
    st.markdown(ngettext("From x0 = {x0}: {racers}. Each stops when |p(x)| < 10⁻⁶ or after {n} step.",
                         "From x0 = {x0}: {racers}. Each stops when |p(x)| < 10⁻⁶ or after {n} steps.", race.steps,
                         x0=f"{race.x0:g}", racers=races.racer_words(race.chosen, race.lrs)))
    runs = root_runs(race.x0, tuple(sorted(race.lrs.items())), race.steps, race.chosen)
    story = stories.root_race_story(ROOT_PROBLEM, race.x0, race.lrs["gradient descent"], runs, race.lrs)
    # predict first: the verdict, and the race's replay and charts, which show the winner (its step count too)
    if not lesson_panel.gate("root_race", answers_hidden, N_("the race, and who wins")):
        return {}
    for sentence in story[:1] + stories.race_verdict(ROOT_PROBLEM, runs, race.lrs) + story[1:]:
        st.markdown("- " + sentence)
    box = chart_data.root_view(ROOT_PROBLEM, race.x0)
    _paths, clipped = chart_data.path_frame_1d(runs, box)
    place = player.show(replay.race_1d_replay(ROOT_PROBLEM, runs, box), key="ada_race_1d", link=True, prefix="r1_",
                        max_frame=races.MAX_STEPS)
    widgets.chart(charts.race_loss_chart(chart_data.loss_frame(ROOT_PROBLEM, runs),
                                         title=_("Loss p(x)² against step")), width="stretch")
    if clipped:
        st.caption(_("Diverging paths leave the view: x is drawn clipped to [{lo}, {hi}] and the loss to at most "
                     "{top} (hover for the true values). A run stops once |x| passes 10⁶.", lo=f"{box[0]:g}",
                     hi=f"{box[1]:g}", top=f"{charts.LOSS_AXIS_TOP:.0e}"))
    with st.expander(_("When does adapting help? The same race at every learning rate"), expanded=not answers_hidden):
        sweep_steps = min(race.steps, races.SWEEP_MAX_STEPS)
        table, sentence = sweep("root", race.x0, sweep_steps, race.chosen, i18n.language())
        st.dataframe(table.rename(columns=races.racer_label), hide_index=True, width="stretch",
                     column_config=a11y.PINNED_LR)
        st.caption(ngettext("From x0 = {x0}, one lr for every racer, at most {n} step. {sentence}",
                            "From x0 = {x0}, one lr for every racer, at most {n} steps. {sentence}", sweep_steps,
                            x0=f"{race.x0:g}", sentence=sentence))
    return place


def slowdown_section(race: RootRace):
    text = _("Adagrad divides by √G, and G = Σg² only grows, so every step is smaller than the last one would "
             "be at the same gradient. **RMSProp** (Hinton, 2012) divides by the root of a *decaying mean* "
             "of g² instead, so old gradients are forgotten; **Adam** (Kingma & Ba, 2014) adds momentum on top "
             "and corrects both means for starting at zero. Below: the effective step |Δx| / |g| of each, "
             "over one run from x0 = {x0} on the same loss ({racers}). Gradient descent's would be lr at every step.",
             x0=f"{race.x0:g}", racers=races.racer_words(races.ADAPTIVE, race.lrs))
    st.header(_("3 · Why Adagrad slows down, and what came next"), help=TERMS.help(text, also=("bias correction",)))
    st.markdown(text)
    runs = root_runs(race.x0, tuple(sorted(race.lrs.items())), race.steps, races.ADAPTIVE)
    widgets.chart(charts.effective_step_chart(slowdown.effective_step_frame(ROOT_PROBLEM, runs)), width="stretch")
    for sentence in slowdown.effective_step_story(ROOT_PROBLEM, runs, race.lrs):
        st.markdown("- " + sentence)
    st.caption(_("For Adagrad and RMSProp in 1-D, |Δx| / |g| is lr/(√G + eps) and lr/(√s + eps) (up to rounding); "
                 "Adam's step follows m, so its ratio also holds its momentum: its spikes are where it crosses the "
                 "root, where g is near 0 but m still carries it. Log scales on both axes."))


def surface_race_section(race: SurfaceRace, chosen, steps: int):
    surface = SURFACES[race.name]
    st.header(_("4 · Race on f(x, y) = {formula}", formula=surface.formula))
    if not chosen:
        st.info(_("No optimiser chosen: pick at least one under **Races** in the sidebar."))
        return {}
    sx, sy = race.start
    st.markdown(ngettext("From ({sx}, {sy}): {racers}; stop when √f < 10⁻⁶ or after {n} step.",
                         "From ({sx}, {sy}): {racers}; stop when √f < 10⁻⁶ or after {n} steps.", steps,
                         sx=f"{sx:g}", sy=f"{sy:g}", racers=races.racer_words(chosen, race.lrs)))
    runs = surface_runs(race.name, race.start, tuple(sorted(race.lrs.items())), steps, chosen)
    story = stories.bowl_story(surface, runs, race.lrs["gradient descent"], race.lrs["Adagrad"])
    if not lesson_panel.gate("surface_race", answers_hidden, N_("the race, and who wins")):
        return {}
    for sentence in story[:1] + stories.race_verdict(surface, runs, race.lrs) + story[1:]:
        st.markdown("- " + sentence)
    box = chart_data.view_box(surface, race.start)
    xs, ys, F = surface.grid(*box, n=60)
    _paths, clipped = chart_data.path_frame_2d(runs, box)
    left, right = st.columns([3, 2])
    with left:
        place = player.show(replay.race_2d_replay(runs, box, xs, ys, F, surface.minimum,
                                                  title=_("Paths over log₁₀ f (darker is lower)")), key="ada_race_2d",
                            link=True, prefix="r2_", max_frame=races.MAX_STEPS)
    widgets.chart(charts.race_loss_chart(chart_data.loss_frame(surface, runs), title=_("Loss f against step"),
                                         height=340, narrow=True), right, width="stretch")
    hint = stories.HINTS.get(race.name)
    if hint is not None:  # the suggested race, run here at exactly the settings its link holds
        hint_runs = surface_runs(hint.surface, hint.start, tuple(sorted(hint.lrs.items())), hint.steps, hint.chosen)
        st.caption(stories.hint_sentence(surface, hint, hint_runs, hint_link(hint)))
    if clipped:
        st.caption(_("A diverging path leaves the view: its points are drawn clipped to the edge of the plot, its "
                     "loss to at most {top} (hover for the true values).", top=f"{charts.LOSS_AXIS_TOP:.0e}"))
    # Runs only while open (on_change="rerun" makes ``.open`` known): up to 40 races a visitor may never look at.
    table_box = st.expander(_("The same race with one lr for all, at every learning rate"), key="ada_sweep_2d",
                            on_change="rerun")
    with table_box:
        if table_box.open:
            sweep_steps = min(steps, races.SWEEP_MAX_STEPS)
            table, sentence = sweep(race.name, race.start, sweep_steps, chosen, i18n.language())
            st.dataframe(table.rename(columns=races.racer_label), hide_index=True, width="stretch",
                         column_config=a11y.PINNED_LR)
            st.caption(ngettext("From ({sx}, {sy}), at most {n} step. {sentence}",
                                "From ({sx}, {sy}), at most {n} steps. {sentence}", sweep_steps, sx=f"{sx:g}",
                                sy=f"{sy:g}", sentence=sentence))
    return place


def hint_link(hint: stories.Hint) -> str:
    """The page's URL with the hint's settings (its racers, start, learning rates and step limit)."""
    query = {"surface": hint.surface, "sx": f"{hint.start[0]:g}", "sy": f"{hint.start[1]:g}", "steps": hint.steps,
             **{LR_KEYS_2D[name]: f"{lr:g}" for name, lr in hint.lrs.items()}, "race": list(hint.chosen)}
    return "/Adagrad?" + urlencode(query, doseq=True)


def share(ins: Inspector, k: int, root: RootRace, flat: SurfaceRace, place: dict):
    c = ins.config
    widgets.share_link("/Adagrad", {"lr": c.lr, "eps": c.eps, "seed": c.seed, "grad": c.grad, "el": ins.param,
                               "i": ins.row, "j": ins.col, "k": k, "race": list(root.chosen) or "",
                               "steps": root.steps, "x0": root.x0, "lr_race": root.lrs["gradient descent"],
                               "lr_rms": root.lrs["RMSProp"], "lr_adam": root.lrs["Adam"],
                               "surface": flat.name, "lr_2d": flat.lrs["gradient descent"],
                               "lr_ada_2d": flat.lrs["Adagrad"], "lr_rms_2d": flat.lrs["RMSProp"],
                               "lr_adam_2d": flat.lrs["Adam"], "sx": flat.start[0], "sy": flat.start[1], **place,
                               **lesson_panel.view_keys("adagrad")})


# ── the page ───────────────────────────────────────────────────────────────────────────────────────
st.title(_("Adagrad"))
answers_hidden = lesson_panel.show("adagrad")  # before the controls: a lesson step sets them
intro()
ins = inspector_settings()
root_race, surface_race = race_settings()
widgets.show_notices()
place = {}
run = inspector_section(ins) if not view.hides("inspector") else None
if not view.hides("root_race"):
    place |= root_race_section(root_race)
if not view.hides("slowdown"):
    slowdown_section(root_race)
if not view.hides("surface_race"):
    place |= surface_race_section(surface_race, root_race.chosen, root_race.steps)
if not view.hides("share"):
    share(ins, run.k if run else ins.k, root_race, surface_race, place)
board_panel.offer("adagrad", x0=root_race.x0, lrs=root_race.lrs, steps=root_race.steps,  # with board= in the link
                  chosen=root_race.chosen)
