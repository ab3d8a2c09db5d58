"""Adagrad: step it by hand and see every quantity, then race it against gradient descent and momentum."""
import streamlit as st

import player
import ui
from core import adagrad_lab as lab
from core.charts import adagrad as charts
from core.charts import replay
from core.objective import Quadratic
from core.surfaces import SURFACES

st.set_page_config(page_title="Adagrad · Gradient Playground", page_icon=":material/tune:", layout="wide")
ui.page_style()

ROOT_PROBLEM = Quadratic()  # p(x) = x² − 5x + 4, loss p(x)²
RACE_LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.5, 1.0, 2.0)
SURFACE_LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
MAX_STEPS = 5000
START_BOX = 10.0  # the 2-D start point lies in [−10, 10]²
SWEEP_MAX_STEPS = 2000  # the learning-rate tables run 27 races each: keep them to about a second


def _step(n: int) -> None:
    st.session_state["k"] = min(lab.MAX_K, int(st.session_state.get("k", 0)) + n)


def _reset() -> None:
    st.session_state["k"] = 0


@st.cache_data(max_entries=32, show_spinner="Racing at every learning rate…")
def _sweep(surface_name: str, x0, max_steps: int):
    problem = ROOT_PROBLEM if surface_name == "root" else SURFACES[surface_name]
    lrs = RACE_LRS if surface_name == "root" else SURFACE_LRS
    return lab.lr_sweep(problem, x0, lrs, max_steps)


st.title("Adagrad")
st.markdown("Adagrad gives every parameter its own step size, **lr / (√G + eps)**, where G is the sum of that "
            "parameter's squared gradients so far: step it by hand, then race it against plain gradient "
            "descent and momentum.")

# --- Sidebar -----------------------------------------------------------------------------------------
st.sidebar.header("Step inspector")
lr = ui.number("Learning rate lr", "lr", 0.1, 1e-6, 10.0, step=0.01, help="Adagrad's base learning rate (0, 10].")
eps = ui.number("eps", "eps", 1e-8, 0.0, 1.0, step=1e-8, fmt="%g",
                help="Added to √G so the step stays finite before any gradient is seen; in [0, 1].")
seed = ui.number("Seed", "seed", 0, 0, lab.MAX_SEED, integer=True,
                 help="Seeds the parameters and the N(0, 1) gradients: same seed, same run.")
grad_source = ui.choice("Gradients", "grad", list(lab.GRAD_SOURCES), "noise", horizontal=False,
                        help="noise: a fresh N(0, 1) draw each step (the exercise). quadratic: the gradient "
                             "of ½‖θ‖², which is θ itself, so the parameters converge to 0.")
param = ui.choice("Element of", "el", ["W", "b"], "W", help="Inspect an element of the matrix W or the vector b.")
row = ui.number("Row i", "i", 2, 0, 9, integer=True, help="W[i, j] or b[i].")
col = ui.number("Column j", "j", 3, 0, 9, integer=True, help="Column of W[i, j] (unused for b).")
k = ui.number("Steps taken k", "k", 0, 0, lab.MAX_K, integer=True,
              help=f"How many Adagrad steps have been taken (≤ {lab.MAX_K}); the buttons change it.")

st.sidebar.header("Race on (x² − 5x + 4)²")
x0 = ui.number("Start x0", "x0", 0.0, -1e3, 1e3, step=0.5, help="Where all three optimisers start.")
lr_race = ui.number("Learning rate (all three)", "lr_race", 0.2, 1e-6, 10.0, step=0.01,
                    help="The same lr for gradient descent, momentum (β 0.9) and Adagrad.")
steps = ui.number("Max steps", "steps", 1000, 1, MAX_STEPS, integer=True,
                  help=f"Each race stops after this many steps (≤ {MAX_STEPS}).")

st.sidebar.header("Race on a 2-D surface")
surface_name = ui.choice("Surface", "surface", list(SURFACES), "bowl",
                         help="bowl: x² + 25·y², 25× steeper along y. rosenbrock: a curved, flat valley.")
surface = SURFACES[surface_name]
lr_2d = ui.number("lr of gradient descent and momentum", "lr_2d", 0.035, 1e-6, 10.0, step=0.005,
                  help="On the bowl, gradient descent is stable only for lr < 0.04.")
lr_ada_2d = ui.number("lr of Adagrad", "lr_ada_2d", 1.0, 1e-6, 10.0, step=0.1,
                      help="Adagrad's steps are about lr in size at first, whatever the gradient.")
sx = ui.number("Start x", "sx", surface.default_start[0], -START_BOX, START_BOX, step=0.5, help="Start point, x.")
sy = ui.number("Start y", "sy", surface.default_start[1], -START_BOX, START_BOX, step=0.5, help="Start point, y.")

ui.show_notices()

# --- 1. Step inspector -------------------------------------------------------------------------------
st.header("1 · Step inspector")
st.markdown("The exercise's parameters: a 10×10 matrix **W** and a 10-vector **b**, N(0, 1) from the seed. "
            "Each step draws a gradient g, adds g² to G, and moves θ by **−lr·g / (√G + eps)**.")
config = lab.InspectorConfig(lr=lr, eps=eps, seed=int(seed), grad=grad_source)
run = lab.run_inspector(config, int(k), start=st.session_state.get("ada_run"))
st.session_state["ada_run"] = run

b1, b2, b3, status = st.columns([1, 1, 1, 4])
b1.button("Step", on_click=_step, args=(1,), disabled=k >= lab.MAX_K, width="stretch")
b2.button("Step ×10", on_click=_step, args=(10,), disabled=k >= lab.MAX_K, width="stretch")
b3.button("Reset", on_click=_reset, width="stretch")
status.markdown(f"**{run.k} step{'s' if run.k != 1 else ''} taken** (k = {run.k}, at most {lab.MAX_K}) · "
                f"gradients: {lab.GRAD_SOURCES[grad_source]}")

index = lab.element_index(param, int(row), int(col))
label = lab.element_label(index)
if run.k == 0:
    st.info("No step taken yet: G is 0 everywhere. Press **Step** to take the first one.")
else:
    left, right = st.columns(2)
    frame = lab.matrix_frame(run)
    chosen = (int(row), int(col)) if param == "W" else None
    left.altair_chart(charts.matrix_heatmap(frame, "G", title=f"W's accumulated G = Σ g² after {run.k} steps",
                                            color_title="G", chosen=chosen, log=True), width="stretch")
    right.altair_chart(charts.matrix_heatmap(frame, "effective lr", title="W's effective lr = lr / (√G + eps)",
                                             color_title="effective lr", chosen=chosen, log=True,
                                             scheme="plasma"), width="stretch")
    st.caption("Colour scales are logarithmic. The outlined cell is the element in the table below.")

st.subheader(f"The last steps of {label}")
table = lab.step_table(run, index)
if table.empty:
    st.write(f"{label} starts at θ = {run.theta[0, index]:.6g}.")
else:
    st.table(table.style.format("{:.8g}", subset=list(table.columns[1:])), hide_index=True)
    st.caption("Check a row by hand: G = previous G + g²; effective lr = lr / (√G + eps); "
               "update = −effective lr · g; θ after = θ before + update.")

if run.k >= 2:
    watched = [index] + [i for i in (0, 55, 99, 105) if i != index][:3]
    st.altair_chart(charts.effective_lr_chart(lab.effective_lr_series(run, watched)), width="stretch")
    ratio = lab.envelope_ratio(run)
    if grad_source == "noise":
        st.caption(f"With N(0, 1) gradients, G after t steps is about t, so the effective lr follows lr/√t "
                   f"(dashed): after {run.k} steps the median element's is {ratio:.2f}× lr/√t.")
    else:
        st.caption(f"With the gradient of ½‖θ‖², gradients shrink as θ → 0, so G stops growing and the "
                   f"effective lr levels off above lr/√t (median element: {ratio:.3g}× lr/√t after {run.k} steps).")

# --- 2. Race on the root-finding problem -------------------------------------------------------------
st.header(f"2 · Race on ({ROOT_PROBLEM.describe()})²")
st.markdown(f"Gradient descent, momentum (β {lab.MOMENTUM_BETA}) and Adagrad, all from x0 = {x0:g} with "
            f"lr = {lr_race:g}, stop when |p(x)| < 10⁻⁶.")
runs = lab.race(ROOT_PROBLEM, x0, lr_race, int(steps))
for sentence in lab.root_race_story(ROOT_PROBLEM, x0, lr_race, runs):
    st.markdown("- " + sentence)
view = lab.root_view(ROOT_PROBLEM, x0)
_, clipped = lab.path_frame_1d(runs, view)
player.show(replay.race_1d_replay(ROOT_PROBLEM, runs, view), key="ada_race_1d")
st.altair_chart(charts.race_loss_chart(lab.loss_frame(ROOT_PROBLEM, runs), title="Loss p(x)² against step"),
                width="stretch")
if clipped:
    st.caption(f"Diverging paths leave the view: x is drawn clipped to [{view[0]:g}, {view[1]:g}] and the "
               f"loss to at most {charts.LOSS_CEILING:.0e} (hover for the true values). A run stops once "
               "|x| passes 10⁶.")
with st.expander("When does adapting help? The same race at every learning rate", expanded=True):
    sweep_steps = min(int(steps), SWEEP_MAX_STEPS)
    sweep_table, sweep_sentence = _sweep("root", x0, sweep_steps)
    st.dataframe(sweep_table, hide_index=True, width="stretch", column_config=ui.PINNED_LR)
    st.caption(f"From x0 = {x0:g}, at most {sweep_steps} steps. {sweep_sentence}")

# --- 3. Race on a 2-D surface ------------------------------------------------------------------------
st.header(f"3 · Race on f(x, y) = {surface.formula}")
start = (sx, sy)
st.markdown(f"From ({sx:g}, {sy:g}): gradient descent and momentum at lr = {lr_2d:g}, Adagrad at "
            f"lr = {lr_ada_2d:g}; stop when √f < 10⁻⁶ or after {int(steps)} steps.")
runs_2d = lab.race(surface, start, lr_2d, int(steps), lr_adagrad=lr_ada_2d)
for sentence in lab.bowl_story(surface, runs_2d, lr_2d, lr_ada_2d):
    st.markdown("- " + sentence)
box = lab.view_box(surface, start)
xs, ys, F = surface.grid(*box, n=60)
_, clipped_2d = lab.path_frame_2d(runs_2d, box)
left, right = st.columns([3, 2])
with left:
    player.show(replay.race_2d_replay(runs_2d, box, xs, ys, F, surface.minimum,
                                      title="Paths over log₁₀ f (darker is lower)"), key="ada_race_2d")
right.altair_chart(charts.race_loss_chart(lab.loss_frame(surface, runs_2d), title="Loss f against step"),
                   width="stretch")
if surface_name == "rosenbrock":
    st.caption("Rosenbrock's valley is steep across and flat along: gradient descent needs lr ≈ 0.002 here. "
               "Try [start (−1.2, 1), lr 0.002 for gradient descent and momentum, 0.5 for Adagrad, 3000 steps]"
               "(/Adagrad?surface=rosenbrock&sx=-1.2&sy=1&lr_2d=0.002&lr_ada_2d=0.5&steps=3000).")
if clipped_2d:
    st.caption("A diverging path leaves the view: its points are drawn clipped to the edge of the plot, its loss "
               f"to at most {charts.LOSS_CEILING:.0e} (hover for the true values).")
with st.expander("The same race with one lr for all three, at every learning rate"):
    sweep_steps = min(int(steps), SWEEP_MAX_STEPS)
    sweep_table, sweep_sentence = _sweep(surface_name, start, sweep_steps)
    st.dataframe(sweep_table, hide_index=True, width="stretch", column_config=ui.PINNED_LR)
    st.caption(f"From ({sx:g}, {sy:g}), at most {sweep_steps} steps. {sweep_sentence}")

ui.share_link("/Adagrad", {"lr": lr, "eps": eps, "seed": int(seed), "grad": grad_source, "el": param,
                           "i": int(row), "j": int(col), "k": run.k, "x0": x0, "lr_race": lr_race,
                           "steps": int(steps), "surface": surface_name, "lr_2d": lr_2d,
                           "lr_ada_2d": lr_ada_2d, "sx": sx, "sy": sy})
