"""Adagrad: step it by hand and see every quantity, see why it slows down and what came next (RMSProp, Adam),
and race the five optimisers on a 1-D loss and on 2-D surfaces."""
from typing import NamedTuple
from urllib.parse import urlencode

import streamlit as st

from app import a11y, board_panel, lesson_panel, player, widgets
from core.inputs import parse_number
from core.objective import Quadratic
from core.surfaces import SURFACES
from labs import glossary
from labs.adagrad import chart_data, inspector, races, replay, slowdown, stories
from labs.adagrad import charts as charts
from labs.descent import format as descent_format

view = lesson_panel.open_page("adagrad", title="Adagrad", icon=":material/tune:")

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


@st.cache_data(max_entries=32, show_spinner="Racing at every learning rate…")
def sweep(surface_name: str, x0, max_steps: int, chosen):
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
                          help=f"{help} In [{races.LR_MIN:g}, {races.LR_MAX:g}].")


def inspector_settings() -> Inspector:
    st.sidebar.header("Step inspector")
    lr = widgets.number("Learning rate lr", "lr", 0.1, 1e-6, 10.0, step=0.01,
                        help="Adagrad's base learning rate (0, 10].")
    eps = widgets.number("eps", "eps", 1e-8, 0.0, 1.0, step=1e-8, fmt="%g",
                         help="Added to √G so the step stays finite before any gradient is seen; in [0, 1].")
    seed = widgets.number("Seed", "seed", 0, 0, inspector.MAX_SEED, integer=True,
                          help="Seeds the parameters and the N(0, 1) gradients: same seed, same run.")
    grad = widgets.choice("Gradients", "grad", list(inspector.GRAD_SOURCES), "noise", horizontal=False,
                          help="noise: a fresh N(0, 1) draw each step (the exercise). quadratic: the gradient "
                          "of ½‖θ‖², which is θ itself, so the parameters converge to 0.")
    param = widgets.choice("Element of", "el", ["W", "b"], "W",
                           help="Inspect an element of the matrix W or the vector b.")
    row = widgets.number("Row i", "i", 2, 0, 9, integer=True, help="W[i, j] or b[i].")
    col = widgets.number("Column j", "j", 3, 0, 9, integer=True, help="Column of W[i, j] (unused for b).")
    k = widgets.number("Steps taken k", "k", 0, 0, inspector.MAX_K, integer=True,
                       help=f"How many Adagrad steps have been taken (≤ {inspector.MAX_K}); the buttons change it.")
    config = inspector.InspectorConfig(lr=lr, eps=eps, seed=int(seed), grad=grad)
    return Inspector(config, param, int(row), int(col), int(k))


def race_settings() -> tuple[RootRace, SurfaceRace]:
    st.sidebar.header("Races")
    chosen = widgets.multi("Optimisers", "race", list(races.RACERS), list(races.DEFAULT_RACERS),
                           help="Which optimisers race, on both problems and in the learning-rate tables.")
    steps = widgets.number("Max steps", "steps", 1000, 1, races.MAX_STEPS, integer=True,
                           help=f"Each race stops after this many steps (≤ {races.MAX_STEPS}).")
    st.sidebar.subheader(f"On ({ROOT_PROBLEM.describe()})²")
    x0 = widgets.number("Start x0", "x0", 0.0, -1e3, 1e3, step=0.5, help="Where every optimiser starts.")
    lr_race = _lr("lr of gradient descent, momentum and Adagrad", "lr_race", 0.2, 0.01,
                  "One lr for the three: the original race.")
    lr_rms = _lr("lr of RMSProp", "lr_rms", 0.01, 0.005, "RMSProp's first step is lr/√(1 − ρ) = 10·lr in size.")
    lr_adam = _lr("lr of Adam", "lr_adam", 0.03, 0.01, "Adam's first step is lr in size.")
    st.sidebar.subheader("On a 2-D surface")
    surface_name = widgets.choice("Surface", "surface", list(SURFACES), "bowl",
                                  help="bowl: x² + 25·y², 25× steeper along y. rosenbrock: a curved, flat valley.")
    surface = SURFACES[surface_name]
    lr_2d = _lr("lr of gradient descent and momentum", "lr_2d", 0.035, 0.005,
                "On the bowl, gradient descent is stable only for lr < 0.04.")
    lr_ada_2d = _lr("lr of Adagrad", "lr_ada_2d", 1.0, 0.1, "Adagrad's steps are about lr in size at first.")
    lr_rms_2d = _lr("lr of RMSProp", "lr_rms_2d", 0.03, 0.01, "RMSProp's steps are about lr/√(1 − ρ) at first.")
    lr_adam_2d = _lr("lr of Adam", "lr_adam_2d", 0.1, 0.01, "Adam's steps are about lr in size.")
    box = races.START_BOX
    sx = widgets.number("Start x", "sx", surface.default_start[0], -box, box, step=0.5, help="Start point, x.")
    sy = widgets.number("Start y", "sy", surface.default_start[1], -box, box, step=0.5, help="Start point, y.")
    chosen = tuple(chosen)
    root = RootRace(chosen, x0, {"gradient descent": lr_race, "momentum": lr_race, "Adagrad": lr_race,
                                 "RMSProp": lr_rms, "Adam": lr_adam}, int(steps))
    flat = SurfaceRace(surface_name, (sx, sy), {"gradient descent": lr_2d, "momentum": lr_2d, "Adagrad": lr_ada_2d,
                                                "RMSProp": lr_rms_2d, "Adam": lr_adam_2d})
    return root, flat


# ── sections ───────────────────────────────────────────────────────────────────────────────────────
def intro():
    st.markdown("Adagrad gives every parameter its own step size, **lr / (√G + eps)**, where G is the sum of that "
                "parameter's squared gradients so far: step it by hand, see why it slows down and what came next "
                "(RMSProp, Adam), then race them against plain gradient descent and momentum.")


TERMS = glossary.FirstUse()  # each term a learner meets here is defined at its first heading, in this run


def inspector_section(ins: Inspector) -> inspector.InspectorRun:
    text = ("The exercise's parameters: a 10×10 matrix **W** and a 10-vector **b**, N(0, 1) from the seed. "
            "Each step draws a gradient g, adds g² to G, and moves θ by **−lr·g / (√G + eps)**.")
    st.header("1 · Step inspector", help=TERMS.help(text, also=("effective learning rate",)))
    st.markdown(text)
    run = inspector.run_inspector(ins.config, ins.k, start=st.session_state.get("ada_run"))
    st.session_state["ada_run"] = run
    b1, b2, b3, status = st.columns([1, 1, 1, 4])
    b1.button("Step", on_click=_step, args=(1,), disabled=ins.k >= inspector.MAX_K, width="stretch")
    b2.button("Step ×10", on_click=_step, args=(10,), disabled=ins.k >= inspector.MAX_K, width="stretch")
    b3.button("Reset", on_click=_reset, width="stretch")
    status.markdown(f"**{run.k} step{'s' if run.k != 1 else ''} taken** (k = {run.k}, at most {inspector.MAX_K}) · "
                    f"gradients: {inspector.GRAD_SOURCES[ins.config.grad]}")
    index = inspector.element_index(ins.param, ins.row, ins.col)
    if run.k == 0:
        st.info("No step taken yet: G is 0 everywhere. Press **Step** to take the first one.")
    else:
        matrices(run, (ins.row, ins.col) if ins.param == "W" else None)
    step_table(run, index)
    if run.k >= 2:
        effective_lr_section(run, index)
    return run


def matrices(run, chosen):
    left, right = st.columns(2)
    frame = inspector.matrix_frame(run)
    title = f"W's accumulated G = Σ g² after {descent_format.plural(run.k, 'step')}"
    left.altair_chart(charts.matrix_heatmap(frame, "G", title=title, color_title="G", chosen=chosen, log=True),
                      width="stretch")
    right.altair_chart(charts.matrix_heatmap(frame, "effective lr", title="W's effective lr = lr / (√G + eps)",
                                             color_title="effective lr", chosen=chosen, log=True,
                                             scheme="plasma"), width="stretch")
    st.caption("Colour scales are logarithmic. The outlined cell is the element in the table below.")


def step_table(run, index):
    label = inspector.element_label(index)
    st.subheader(f"The last steps of {label}")
    table = inspector.step_table(run, index)
    if table.empty:
        st.write(f"{label} starts at θ = {run.theta[0, index]:.6g}.")
        return
    # Predict first: the newest step shows g; G, the effective lr, the update and θ after wait for the toggle (a new
    # one for every step and element, so each new step starts hidden).
    newest = inspector.step_answer(run, index)
    c = run.config
    line = st.empty()  # the one-line answer, above the toggle that decides it
    shown = st.toggle("Show this step's update", key=f"ada_show_{run.k}_{index}_{c.lr}_{c.eps}_{c.seed}_{c.grad}")
    line.markdown(newest.headline(shown))
    if shown:
        with st.expander("Why?"):
            st.markdown(newest.why)
    else:
        table = inspector.hide_newest(table)
    # Two halves side by side (stacked on a phone, where seven columns were cut off at the right edge).
    for column, part in zip(st.columns(2), inspector.STEP_TABLE_PARTS):
        half = table[list(part)]
        column.table(half.style.format(inspector.table_cell, subset=list(part[1:])), hide_index=True)
    st.caption("Check a row by hand: G = previous G + g²; effective lr = lr / (√G + eps); "
               "update = −effective lr · g; θ after = θ before + update.")


def effective_lr_section(run, index):
    st.altair_chart(charts.effective_lr_chart(inspector.effective_lr_series(run, inspector.watched_elements(index))),
                    width="stretch")
    ratio = inspector.envelope_ratio(run)
    if run.config.grad == "noise":
        st.caption(f"With N(0, 1) gradients, G after t steps is about t, so the effective lr follows lr/√t "
                   f"(dashed): after {run.k} steps the median element's is {ratio:.2f}× lr/√t.")
    else:
        st.caption(f"With the gradient of ½‖θ‖², gradients shrink as θ → 0, so G stops growing and the "
                   f"effective lr levels off above lr/√t (median element: {ratio:.3g}× lr/√t after {run.k} steps).")


def root_race_section(race: RootRace):
    st.header(f"2 · Race on ({ROOT_PROBLEM.describe()})²", help=TERMS.help(races.racer_words(race.chosen, race.lrs)))
    if not race.chosen:
        st.info("No optimiser chosen: pick at least one under **Races** in the sidebar.")
        return {}
    st.markdown(f"From x0 = {race.x0:g}: {races.racer_words(race.chosen, race.lrs)}. Each stops when |p(x)| < 10⁻⁶ or "
                f"after {race.steps} steps.")
    runs = root_runs(race.x0, tuple(sorted(race.lrs.items())), race.steps, race.chosen)
    story = stories.root_race_story(ROOT_PROBLEM, race.x0, race.lrs["gradient descent"], runs, race.lrs)
    # predict first: the verdict, and the race's replay and charts, which show the winner (its step count too)
    if not lesson_panel.gate("root_race", answers_hidden, "the race, and who wins"):
        return {}
    for sentence in story[:1] + stories.race_verdict(ROOT_PROBLEM, runs, race.lrs) + story[1:]:
        st.markdown("- " + sentence)
    box = chart_data.root_view(ROOT_PROBLEM, race.x0)
    _, clipped = chart_data.path_frame_1d(runs, box)
    place = player.show(replay.race_1d_replay(ROOT_PROBLEM, runs, box), key="ada_race_1d", link=True, prefix="r1_",
                        max_frame=races.MAX_STEPS)
    st.altair_chart(charts.race_loss_chart(chart_data.loss_frame(ROOT_PROBLEM, runs), title="Loss p(x)² against step"),
                    width="stretch")
    if clipped:
        st.caption(f"Diverging paths leave the view: x is drawn clipped to [{box[0]:g}, {box[1]:g}] and the "
                   f"loss to at most {charts.LOSS_AXIS_TOP:.0e} (hover for the true values). A run stops once "
                   "|x| passes 10⁶.")
    with st.expander("When does adapting help? The same race at every learning rate", expanded=not answers_hidden):
        sweep_steps = min(race.steps, races.SWEEP_MAX_STEPS)
        table, sentence = sweep("root", race.x0, sweep_steps, race.chosen)
        st.dataframe(table, hide_index=True, width="stretch", column_config=a11y.PINNED_LR)
        st.caption(f"From x0 = {race.x0:g}, one lr for every racer, at most {sweep_steps} steps. {sentence}")
    return place


def slowdown_section(race: RootRace):
    text = ("Adagrad divides by √G, and G = Σg² only grows, so every step is smaller than the last one would "
            "be at the same gradient. **RMSProp** (Hinton, 2012) divides by the root of a *decaying mean* "
            "of g² instead, so old gradients are forgotten; **Adam** (Kingma & Ba, 2014) adds momentum on top "
            "and corrects both means for starting at zero. Below: the effective step |Δx| / |g| of each, "
            f"over one run from x0 = {race.x0:g} on the same loss ({races.racer_words(races.ADAPTIVE, race.lrs)}). "
            "Gradient descent's would be lr at every step.")
    st.header("3 · Why Adagrad slows down, and what came next", help=TERMS.help(text, also=("bias correction",)))
    st.markdown(text)
    runs = root_runs(race.x0, tuple(sorted(race.lrs.items())), race.steps, races.ADAPTIVE)
    st.altair_chart(charts.effective_step_chart(slowdown.effective_step_frame(ROOT_PROBLEM, runs)), width="stretch")
    for sentence in slowdown.effective_step_story(ROOT_PROBLEM, runs, race.lrs):
        st.markdown("- " + sentence)
    st.caption("For Adagrad and RMSProp in 1-D, |Δx| / |g| is lr/(√G + eps) and lr/(√s + eps) (up to rounding); Adam's "
               "step follows m, so its ratio also holds its momentum: its spikes are where it crosses the root, "
               "where g is near 0 but m still carries it. Log scales on both axes.")


def surface_race_section(race: SurfaceRace, chosen, steps: int):
    surface = SURFACES[race.name]
    st.header(f"4 · Race on f(x, y) = {surface.formula}")
    if not chosen:
        st.info("No optimiser chosen: pick at least one under **Races** in the sidebar.")
        return {}
    sx, sy = race.start
    st.markdown(f"From ({sx:g}, {sy:g}): {races.racer_words(chosen, race.lrs)}; stop when √f < 10⁻⁶ or after "
                f"{steps} steps.")
    runs = surface_runs(race.name, race.start, tuple(sorted(race.lrs.items())), steps, chosen)
    story = stories.bowl_story(surface, runs, race.lrs["gradient descent"], race.lrs["Adagrad"])
    if not lesson_panel.gate("surface_race", answers_hidden, "the race, and who wins"):
        return {}
    for sentence in story[:1] + stories.race_verdict(surface, runs, race.lrs) + story[1:]:
        st.markdown("- " + sentence)
    box = chart_data.view_box(surface, race.start)
    xs, ys, F = surface.grid(*box, n=60)
    _, clipped = chart_data.path_frame_2d(runs, box)
    left, right = st.columns([3, 2])
    with left:
        place = player.show(replay.race_2d_replay(runs, box, xs, ys, F, surface.minimum,
                                                  title="Paths over log₁₀ f (darker is lower)"), key="ada_race_2d",
                            link=True, prefix="r2_", max_frame=races.MAX_STEPS)
    right.altair_chart(charts.race_loss_chart(chart_data.loss_frame(surface, runs), title="Loss f against step",
                                              height=340, narrow=True), width="stretch")
    hint = stories.HINTS.get(race.name)
    if hint is not None:  # the suggested race, run here at exactly the settings its link holds
        hint_runs = surface_runs(hint.surface, hint.start, tuple(sorted(hint.lrs.items())), hint.steps, hint.chosen)
        st.caption(stories.hint_sentence(surface, hint, hint_runs, hint_link(hint)))
    if clipped:
        st.caption("A diverging path leaves the view: its points are drawn clipped to the edge of the plot, its loss "
                   f"to at most {charts.LOSS_AXIS_TOP:.0e} (hover for the true values).")
    # Runs only while open (on_change="rerun" makes ``.open`` known): up to 40 races a visitor may never look at.
    table_box = st.expander("The same race with one lr for all, at every learning rate", key="ada_sweep_2d",
                            on_change="rerun")
    with table_box:
        if table_box.open:
            sweep_steps = min(steps, races.SWEEP_MAX_STEPS)
            table, sentence = sweep(race.name, race.start, sweep_steps, chosen)
            st.dataframe(table, hide_index=True, width="stretch", column_config=a11y.PINNED_LR)
            st.caption(f"From ({sx:g}, {sy:g}), at most {sweep_steps} steps. {sentence}")
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
st.title("Adagrad")
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
