"""MLP training: a numpy net learns y = x², live; and fails far outside its training range."""
import time

import streamlit as st

import player
import ui
from core import mlp_lab
from core.charts.mlp import fit_spec, loss_spec
from core.charts.replay import LIVE_LOSS_ROWS, mlp_live, mlp_replay
from core.train import LIMITS
from runs.cadence import Cadence

st.set_page_config(page_title="MLP training · Gradient Playground", page_icon=":material/hub:", layout="wide")
ui.page_style()

CHUNK_SECONDS = 0.18  # the live view waits at most this long for the next chunk; the progress redraws
CHART_SECONDS = 0.4   # at most this often, the live picture at most this often (runs.cadence),
CHART_SESSIONS = 2.5  # and when more sessions than this watch runs on the server, proportionally less often
MAX_CHART_SECONDS = 2.0
LOOP_SECONDS = 3.0    # one run of the live view follows and redraws chunk after chunk for this long,
TICK_SECONDS = 0.25   # then the next run starts this soon after (a button click interrupts either)

st.title("MLP training")
st.markdown(
    "A numpy network learns **y = x²** from points in [−3, 3] (the defaults are the original exercise: "
    "1 → 100 → 1, ReLU, 20,000 points, SGD + momentum); watch its loss and fit live, then ask it about "
    "**x = 103**."
)

# -- controls (bound to the URL) ------------------------------------------------------------------
st.sidebar.header("Network")
hidden = ui.number_list("Hidden layer sizes", "hidden", "100", max_items=LIMITS["layers"], lo=1,
                        hi=LIMITS["units"], integer=True,
                        help="Comma-separated units per hidden layer, e.g. 100 or 64,32.")
st.sidebar.caption(f"Cap: {mlp_lab.limit_caption('hidden')}.")
activation = ui.choice("Activation", "act", ["relu", "sigmoid"], "relu", help="Hidden layers; the output is linear.")
st.sidebar.header("Optimiser")
optimizer = ui.choice("Optimiser", "opt", ["momentum", "sgd", "adagrad", "rmsprop", "adam"], "momentum",
                      help="momentum: v ← β·v − lr·g. sgd: −lr·g. adagrad: −lr·g/√(Σg²). rmsprop: −lr·g/√s, "
                           "s a decaying mean of g². adam: momentum's mean of g over rmsprop's √s, bias-corrected.")
lr = ui.number("Learning rate", "lr", 1e-5, 1e-9, 10.0, step=1e-5, fmt="%.6g",
               help="Step size, in (0, 10]. Too large and the loss blows up.")
beta = ui.number("Momentum β", "mom", 0.9, 0.0, 0.999, step=0.05, help="In [0, 1); used by momentum only.")
adaptive = {}  # the chosen adaptive optimiser's own hyperparameters (defaults: torch's)
if optimizer == "rmsprop":
    adaptive["decay"] = ui.number("Decay ρ", "decay", 0.99, 0.0, 0.9999, step=0.01, fmt="%g",
                                  help="s ← ρ·s + (1 − ρ)·g²; in [0, 1). Closer to 1 remembers more gradients.")
if optimizer == "adam":
    adaptive["b1"] = ui.number("β₁", "b1", 0.9, 0.0, 0.9999, step=0.01, fmt="%g",
                               help="Decay of the mean of g (momentum); in [0, 1).")
    adaptive["b2"] = ui.number("β₂", "b2", 0.999, 0.0, 0.9999, step=0.001, fmt="%g",
                               help="Decay of the mean of g²; in [0, 1).")
if optimizer in ("adagrad", "rmsprop", "adam"):
    adaptive["eps"] = ui.number("eps", "eps", 1e-8, 0.0, 1.0, step=1e-8, fmt="%g",
                                help="Added to the root in the denominator; in [0, 1].")
batch_size = ui.number("Batch size", "batch", 1, 1, LIMITS["batch_size"], integer=True,
                       help=f"Samples per step; {mlp_lab.limit_caption('batch_size')}.")
st.sidebar.caption(f"Cap: {mlp_lab.limit_caption('batch_size')}.")
epochs = ui.number("Epochs", "epochs", 20, 1, LIMITS["epochs"], integer=True,
                   help=f"Passes over the data; {mlp_lab.limit_caption('epochs')}.")
st.sidebar.caption(f"Cap: {mlp_lab.limit_caption('epochs')}.")
st.sidebar.header("Data")
n_samples = ui.number("Samples", "n", 20_000, 1, LIMITS["n_samples"], integer=True, step=1000,
                      help=f"Points x ~ U(−3, 3); {mlp_lab.limit_caption('n_samples')}.")
st.sidebar.caption(f"Cap: {mlp_lab.limit_caption('n_samples')}.")
noise = ui.number("Noise", "noise", 0.01, 0.0, 10.0, step=0.01, help="y = x² + noise·N(0, 1); in [0, 10].")
seed = ui.number("Seed", "seed", 0, 0, 2**31 - 1, integer=True, help="Same seed, same run, bit for bit.")
shuffle = ui.flag("Shuffle each epoch", "shuffle", False, help="The original visits the points in one fixed order.")
ui.show_notices()

config, config_error = mlp_lab.build_config(
    hidden=tuple(hidden), activation=activation, optimizer=optimizer, lr=lr, momentum=beta,
    batch_size=batch_size, epochs=epochs, n_samples=n_samples, noise=noise, seed=seed, shuffle=shuffle, **adaptive)
if config_error:
    st.error(config_error, icon=":material/block:")

# -- run state: the run this session watches (a view: data only), a status and its pace ------------------
# Runs are values: the server keeps each config's run once, trains it in worker processes while someone
# follows it, and every session with the same settings follows or replays that one run (ui.run_pool).
ui.run_pool()  # the first visitor after a server start starts the workers before anyone presses Train
state = st.session_state
state.setdefault("mlp_status", "idle")  # idle | training | paused | done
run = state.get("mlp_run")  # a runs.store.RunView: the run as this session last drew it
stale = run is not None and config is not None and run.config != config


def start_training():
    if config is None:
        return
    state["mlp_run"] = ui.run_view(config)
    state["mlp_pace"] = mlp_lab.Pace(target_seconds=CHUNK_SECONDS)
    state["mlp_status"] = "training"
    ui.want_focus("Pause")  # Train is disabled now: keyboard focus goes to the button that stops the run


def set_status(status):
    state["mlp_status"] = status
    ui.want_focus("Resume" if status == "paused" else "Pause")
    if status != "training":
        ui.run_pool().leave(ui.follower())  # nobody else watching: the run stops costing CPU
    if "mlp_pace" in state:
        state["mlp_pace"].pause()  # the time until the next chunk is not training time


def reset():
    ui.run_pool().leave(ui.follower())
    for key in ("mlp_run", "mlp_pace"):
        state.pop(key, None)
    state["mlp_status"] = "idle"
    ui.want_focus("Train")


if stale and state["mlp_status"] == "training":
    set_status("paused")  # a control changed mid-run: stop following; Train starts the new run
status = state["mlp_status"]

buttons = st.container(horizontal=True)
buttons.button("Train", type="primary", icon=":material/play_arrow:", on_click=start_training,
               disabled=config is None or status == "training",
               help="Run these settings. A run with the same settings already on this server is shown, not "
                    "computed again: the same settings give the same numbers.")
buttons.button("Pause", icon=":material/pause:", on_click=set_status, args=("paused",),
               disabled=status != "training")
buttons.button("Resume", icon=":material/resume:", on_click=set_status, args=("training",),
               disabled=status != "paused" or stale or run is None or run.done)
buttons.button("Reset", icon=":material/restart_alt:", on_click=reset,
               disabled=state.get("mlp_run") is None, help="Forget the run.")
ui.apply_focus()
if stale:
    st.info("The settings changed since this run started: **Train** starts a fresh run with them.",
            icon=":material/info:")


# -- the live view: follows the run, redraws the progress after each chunk, the charts every few --------
@st.fragment(run_every=TICK_SECONDS if state["mlp_status"] == "training" else None)
def live_view():
    run = state.get("mlp_run")
    if run is None:
        st.info("Press **Train** to start. The charts and probes appear here and update as the net learns.")
        return
    pace: mlp_lab.Pace = state["mlp_pace"]
    pool, me = ui.run_pool(), ui.follower()
    bar, notes, charts, probes = st.empty(), st.empty(), st.empty(), st.empty()
    began = last_poll = time.perf_counter()
    cadence = state.setdefault("mlp_cadence", Cadence(progress_seconds=CHUNK_SECONDS, picture_seconds=CHART_SECONDS,
                                                      crowd=CHART_SESSIONS, max_seconds=MAX_CHART_SECONDS))
    first, noted = True, None
    while True:
        follow = None
        if state["mlp_status"] == "training":
            follow = pool.follow(run.config, me)  # renews this session's lease on the run
            if follow.view is not None:
                now = time.perf_counter()
                pace.record(follow.view.samples_seen - run.samples_seen, 0.0 if first else now - last_poll, now)
                last_poll = now
                run = state["mlp_run"] = follow.view
            if run.done:
                pool.leave(me)
                state["mlp_status"] = "done"
                ui.want_focus("Reset", only_if_lost=True)  # Pause is disabled now
                draw_bar(bar, run, pace)  # say so now: the page's rerun below takes a moment more
                draw_notes(notes, progress_notes(run, pace, "done", follow, pool.workers))
                st.rerun()  # the whole page: stop ticking, show the final charts and the downloads
        training = state["mlp_status"] == "training"
        now, watching = time.perf_counter(), pool.watching()
        shown = (run.samples_seen, state["mlp_status"], follow and (follow.place, follow.refused, follow.followers > 1))
        if not training or cadence.progress_due(now, shown, watching, force=first):
            draw_bar(bar, run, pace)  # a click on a button interrupts the loop here, between chunks
            lines = progress_notes(run, pace, state["mlp_status"], follow, pool.workers)
            if lines != noted:  # the notes under the bar change seldom: redrawn only then
                draw_notes(notes, lines)
                noted = lines
        if not training:  # paused or done: the full charts (tooltips, the probes' table, the far probe)
            params = run.params
            with charts.container():
                draw_charts(run, params)
            with probes.container():
                draw_probes(run, params)
        elif cadence.picture_due(now, run.samples_seen, watching, force=first):
            with charts.container():  # training: a light picture that the browser draws in a millisecond
                draw_live(run)
        first = False
        if not training or time.perf_counter() - began > LOOP_SECONDS:
            break
        pool.wait(run.config, run.samples_seen, CHUNK_SECONDS)
    ui.announce(mlp_lab.announcement(run, state["mlp_status"]), key="mlp_announce")
    if not training:
        draw_downloads(run)
        if state["mlp_status"] == "done":
            draw_replay(run)


# Each live redraw is one message to the browser per element (and a render there): the bar is one element,
# redrawn in place; the notes under it are a few, redrawn only when they change.
def draw_bar(bar, run, pace: mlp_lab.Pace):
    c = run.config
    bar.progress(run.samples_seen / run.total_samples,
                 text=mlp_lab.progress_text(run.epoch, c.epochs, run.samples_seen, run.total_samples,
                                            pace.samples_per_second,
                                            stopped=run.failed is not None or run.error is not None))


def progress_notes(run, pace: mlp_lab.Pace, status: str, follow, workers: int) -> list[tuple[str, str, str | None]]:
    """What to say under the progress bar, as (kind, Markdown, icon) rows for ``draw_notes``."""
    c = run.config
    lines = []
    step_seconds = mlp_lab.step_seconds(c.batch_size, pace.samples_per_second)
    if status == "training" and step_seconds and step_seconds > CHUNK_SECONDS * 2:
        lines.append(("caption", f"One step of this run (a batch of {c.batch_size:,}) takes about "
                                 f"{step_seconds:.1f} s; the buttons answer between steps.", None))
    if follow is not None and follow.refused:
        lines.append(("warning", f"Waiting: {follow.refused}. This page keeps trying.", ":material/hourglass_top:"))
    elif follow is not None and follow.place > 0:
        lines.append(("caption", f"In the queue: {follow.place} run{'s' if follow.place > 1 else ''} train before "
                                 f"this one resumes ({workers} train at a time on this server, taking turns).", None))
    if follow is not None and follow.followers > 1:
        lines.append(("caption", ":material/group: Shared with others on this link: one run computes it for "
                                 "everyone.", None))
    if run.failed is not None or run.error is not None:
        lines.append(("error", run.error or mlp_lab.failed_words(run), ":material/error:"))
    elif status == "paused":
        lines.append(("caption", "Paused. **Resume** continues this run.", None))
    elif status == "done":
        replayed = not pace.samples  # finished before this session pressed Train: shown at once
        seconds = run.train_seconds if replayed else pace.wall_seconds
        lines.append(("success", f"Done: {c.epochs} epochs, {run.samples_seen:,} samples in {seconds:.1f} s.", None))
        if replayed:
            lines.append(("caption", "Computed earlier on this server with the same settings, and shown at once: "
                                     "the same numbers as a fresh run.", None))
    return lines


def draw_notes(slot, lines):
    with slot.container():
        for kind, text, icon in lines:
            if icon:
                getattr(st, kind)(text, icon=icon)
            else:
                getattr(st, kind)(text)


def chart_parts(run, params):
    c = run.config
    kinks = mlp_lab.kinks(run.net, params)
    loss = loss_spec(mlp_lab.loss_curve(run.history), mlp_lab.epoch_boundaries(run.epoch))
    fit = fit_spec(mlp_lab.fit_curve(run.net, params, c.x_min, c.x_max), c.x_min, c.x_max, kinks)
    dead = mlp_lab.dead_units(run.net, params, c.x_min, c.x_max) if c.activation == "relu" else None
    return loss, fit, len(kinks), dead


def draw_charts(run, params):
    c = run.config
    # Everyone following this run draws the same charts: computed once per chunk for all of them.
    loss, fit, n_kinks, dead = ui.per_run(run, "charts", lambda: chart_parts(run, params))
    loss_col, fit_col = st.columns(2)
    loss_col.vega_lite_chart(spec=loss, width="stretch")
    fit_col.vega_lite_chart(spec=fit, width="stretch")
    loss_col.caption("Light: the loss of each stretch of training; dark: its rolling mean; dashed: epoch ends.")
    if dead is not None:
        fit_col.caption(
            f"Shaded: the training range. Orange triangles: the first hidden layer's ReLU kinks x = −b/w, where a "
            f"unit switches on or off ({n_kinks} units). Dead units (output 0 on all of [{c.x_min:g}, "
            f"{c.x_max:g}], so they no longer learn): "
            + ", ".join(f"layer {i + 1}: {d} of {n}" for i, (d, n) in enumerate(zip(dead, c.hidden))) + ".")
    else:
        fit_col.caption("Shaded: the training range. Sigmoid units have no kinks: the prediction is smooth.")


def draw_live(run):
    """While training: one light picture (the player's still mode: SVG drawn in the browser, no Vega)
    with the far probe in its note, the same for every follower of the run (computed once)."""
    c = run.config

    def build():
        params = run.params
        far = mlp_lab.far_probe(run.net, params, c.x_min, c.x_max)
        note = (f"Light: the loss of each stretch of training; dark: its rolling mean; dotted: epoch ends. Red: "
                f"the prediction; dashed: x²; dotted: the training range; triangles: ReLU kinks. Far outside, at "
                f"x = {far.x:g}, the net says {mlp_lab.format_value(far.prediction)} (the truth is "
                f"{far.truth:,.0f}). Pause, or let the run finish, for the full charts with tooltips and the probes.")
        return mlp_live(mlp_lab.loss_curve(run.history, max_rows=LIVE_LOSS_ROWS), mlp_lab.epoch_boundaries(run.epoch),
                        mlp_lab.fit_curve(run.net, params, c.x_min, c.x_max), mlp_lab.kinks(run.net, params),
                        c.x_min, c.x_max, c.epochs, notes=[note])

    player.show(ui.per_run(run, "live", build), key=f"mlp_live_{run.samples_seen}", still=True)


def draw_probes(run, params):
    c = run.config
    table, far = ui.per_run(run, "probes", lambda: (mlp_lab.probe_table(run.probes),
                                                    mlp_lab.far_probe(run.net, params, c.x_min, c.x_max)))
    probes_col, far_col = st.columns([3, 2])
    probes_col.header("Predictions after each epoch")
    probes_col.dataframe(table, hide_index=True)
    far_col.header(f"Far outside: x = {far.x:g}")
    far_col.metric(f"prediction at x = {far.x:g}", mlp_lab.format_value(far.prediction),
                   delta=f"{mlp_lab.format_value(far.prediction - far.truth)} vs the truth {far.truth:,.0f}"
                   if far.finite else None, delta_color="off")
    far_col.markdown(far.sentence())


def draw_downloads(run):
    st.header("Downloads")
    npz_col, csv_col, _ = st.columns([1, 1, 3])
    weights, history = ui.per_run(run, "downloads", lambda: (mlp_lab.weights_npz(run.params),
                                                             mlp_lab.history_csv(run.history)))
    npz_col.download_button("Weights (.npz)", weights, "mlp_weights.npz",
                            "application/octet-stream", icon=":material/download:", on_click="ignore")
    csv_col.download_button("Loss history (CSV)", history, "mlp_loss_history.csv",
                            "text/csv", icon=":material/download:", on_click="ignore")


def draw_replay(run):
    st.header("Replay the training")
    st.caption("The fit and the probes at each recorded snapshot (the start, every epoch end and points between), "
               "played in your browser: Play, Step or drag the scrubber.")
    c = run.config
    replay = ui.per_run(run, "replay", lambda: mlp_replay(run.net, run.snapshots, c.x_min, c.x_max))
    player.show(replay, key="mlp_replay")


live_area = st.container()  # filled last: the share link below must not wait for training
st.divider()
ui.share_link("/MLP_training", {"hidden": ",".join(str(h) for h in hidden), "act": activation, "opt": optimizer,
                                "lr": lr, "mom": beta, "batch": batch_size, "epochs": epochs,
                                "n": n_samples, "noise": noise, "seed": seed,
                                "shuffle": str(shuffle).lower(), **adaptive})
with live_area:
    live_view()
