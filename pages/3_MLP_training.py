"""MLP training: a numpy net learns y = x² (or |x|, x³, sin x), live; fails far outside its training range;
and compares runs side by side."""
import time

import streamlit as st

from app import a11y, board_panel, compare_panel, lesson_panel, live_route, mlp_run, player, shared_runs, widgets
from core.inputs import parse_flag
from i18n import N_, _, language, use
from labs import glossary, table
from labs.mlp import compare as mlp_compare
from labs.mlp import curves as mlp_curves
from labs.mlp import downloads as mlp_downloads
from labs.mlp import far as mlp_far
from labs.mlp import settings as mlp_settings
from labs.mlp import words as mlp_words
from labs.mlp.charts import run_charts
from labs.mlp.replay import mlp_replay
from runs import live
from runs.pace import Pace

view = lesson_panel.open_page("mlp", title=N_("MLP training"), icon=":material/hub:")
state = st.session_state


# ── sidebar: the settings, each bound to the URL (labs.mlp.settings: one table) ──────────────────────
def widget(setting):
    """The URL-bound widget of one setting of the table, and the value it reads."""
    s, label, help_ = setting, _(setting.label), mlp_settings.help_text(setting)
    if s.kind == "list":
        return tuple(widgets.number_list(label, s.key, table.widget_value(s, s.default), help=help_,
                                         max_items=s.max_items, lo=s.lo, hi=s.hi, integer=s.integer))
    if s.kind == "choice":
        return widgets.choice(label, s.key, list(s.options), s.default, help=help_,
                              format_func=lambda option: mlp_words.option_words(s.key, option))
    if s.kind == "flag":
        return widgets.flag(label, s.key, s.default, help=help_)
    if s.kind == "text":
        return widgets.text(label, s.key, s.default, max_chars=s.max_chars, help=help_)
    return widgets.number(label, s.key, s.default, s.lo, s.hi, integer=s.kind == "int", help=help_)


def settings() -> dict:
    """Every setting with a widget, in the table's order under its header (an optimiser's own settings only
    for it), with its cap under it: URL key -> the value read."""
    values = {}
    for setting in mlp_settings.SETTINGS:
        if not setting.label or not mlp_settings.shown(setting, values.get("opt", "")):
            continue
        if setting.header:
            st.sidebar.header(_(setting.header))
        values[setting.key] = widget(setting)
        if setting.cap:
            st.sidebar.caption(_("Cap: {cap}.", cap=mlp_words.limit_caption(setting.cap)))
    return values


def run_config(values: dict):
    """The run these settings make, or None (and the reason, on the page) when they cannot run."""
    config, config_error = mlp_settings.run_config(values)
    if config_error:
        st.error(config_error, icon=":material/block:")
    return config


def train_link(config):
    """train=1: a link that starts its run on opening (once per session: later runs are the visitor's own clicks)."""
    raw_train = st.query_params.get("train")
    start, train_error = (None, None) if raw_train is None else parse_flag(raw_train, "train")
    if train_error:
        st.warning(widgets.plain(_("Ignored {error}; train=1 starts the run on opening.", error=train_error)),
                   icon=":material/warning:")
    elif start and not state.get("mlp_train_link"):
        state["mlp_train_link"] = True
        if state.get("mlp_run") is None:
            mlp_run.start(config)


def buttons(config, pinned_configs):
    """Train, Pause, Resume, Reset and Pin, each enabled when it can act; a note when the settings changed."""
    run = state.get("mlp_run")
    stale = run is not None and config is not None and run.config != config
    if stale and state["mlp_status"] == "training":
        mlp_run.set_status("paused")  # a control changed mid-run: stop following; Train starts the new run
    status = state["mlp_status"]
    row = st.container(horizontal=True)
    # Train and Reset carry no tooltip: keyboard focus moves to them (after Reset, and after Done), and a
    # focused button opens its tooltip above itself, over the lab's first sentence, until focus moves on.
    row.button(_("Train"), type="primary", icon=":material/play_arrow:", on_click=mlp_run.on_train,
               args=(config, pinned_configs), disabled=config is None or status == "training")
    row.button(_("Pause"), icon=":material/pause:", on_click=mlp_run.on_status, args=("paused", pinned_configs),
               disabled=status != "training")
    row.button(_("Resume"), icon=":material/resume:", on_click=mlp_run.on_status, args=("training", pinned_configs),
               disabled=status != "paused" or stale or run is None or run.done)
    row.button(_("Reset"), icon=":material/restart_alt:", on_click=mlp_run.on_reset, args=(pinned_configs,),
               disabled=run is None)
    row.button(_("Pin this run"), icon=":material/push_pin:", on_click=mlp_run.on_pin,
               disabled=run is None or not run.done or stale or run.config in pinned_configs
               or len(pinned_configs) >= mlp_compare.MAX_PINNED,
               help=_("Keep this finished run to compare with the next ones (at most {most}); the link below then "
                      "holds it too.", most=mlp_compare.MAX_PINNED))
    a11y.apply_focus()
    if stale:
        st.info(_("The settings changed since this run started: **Train** starts a fresh run with them."),
                icon=":material/info:")


# ── the live view: follows the run (runs.live says what is due), draws the progress, the pictures ────────
def run_panel(show_units: bool, config, pinned_configs, ticking: bool, lang: str):
    """The buttons and the live view, a fragment of the page: the buttons' clicks and the stream's end rerun it
    alone. Not streamed, it ticks while a run trains (``ticking``): each run of it follows the run a while."""
    use(lang)  # a fragment's rerun starts here, not at the page's top, where the language is chosen
    if ticking and state["mlp_status"] != "training":
        st.rerun()  # the run ended in this view's last run, which showed Done: now the whole page, done
    mlp_run.settle()  # done since the stream's last frame: drawn done, buttons and all
    if not view.hides("buttons"):
        buttons(config, pinned_configs)
    if ticking:
        hide_running_indicator()
    live_view(show_units, config, pinned_configs)


def live_view(show_units: bool, config, pinned_configs=()):
    run = state.get("mlp_run")
    if run is None:
        untrained(config, show_units)
        return
    pace: Pace = state["mlp_pace"]
    # Screen readers hear the state as each run of this view begins (every few seconds: at most once per epoch).
    a11y.announce(mlp_words.announcement(run, state["mlp_status"]), key="mlp_announce")
    if state["mlp_status"] == "training" and mlp_run.streamed():
        stream_view(run, pace, pinned_configs)
        return
    bar, notes, charts, probes = st.empty(), st.empty(), st.empty(), st.empty()
    cadence = state.setdefault("mlp_cadence", live.cadence())
    loop_seconds = live.LOOP_SECONDS if shared_runs.connection_known() else live.SHORT_LOOP_SECONDS
    shown_notes = []
    for moment in live.follow_live(shared_runs.run_pool(), shared_runs.follower(), run, state["mlp_status"], pace,
                                   cadence, loop_seconds=loop_seconds, connected=shared_runs.visitor_connected):
        run = state["mlp_run"] = moment.run
        if moment.notes is not None:
            shown_notes = moment.notes
        if moment.done:
            state["mlp_status"] = "done"
            a11y.want_focus("Reset", only_if_lost=True)  # Pause is disabled now
            draw_progress(bar, notes, run, pace, shown_notes)
            # End this run of the view: the browser shows Done at once, a small change. The view's next tick
            # (live.TICK_SECONDS) reruns the whole page: it stops ticking and draws the final charts, the
            # downloads and the replay, the heavy part. (A rerun now would drop the Done note unsent.)
            if not shared_runs.connection_known():
                st.rerun()  # no browser to tick (AppTest): the whole page now
            return
        if moment.picture == "full":  # paused or done: the bar, the notes, the full charts, the probes' table
            draw_progress(bar, notes, run, pace, shown_notes)
            params = run.params
            with charts.container():
                draw_charts(run, params, show_units)
            with probes.container():
                draw_probes(run, params)
        elif moment.bar or moment.picture or moment.notes is not None:
            with charts:  # training: one component draws the progress, the notes and the picture, in place
                draw_live(run, pace, shown_notes)  # a click on a button interrupts the loop here, between frames
    if state["mlp_status"] != "training":
        draw_downloads(run)
        if state["mlp_status"] == "done":
            draw_replay(run)


def stream_view(run, pace: Pace, pinned_configs=()):
    """While training, streamed: follow the run once (this starts it, or queues it), draw its frame now, and
    let the browser read the next ones from the stream; the stream follows the run while the page shows it.
    The browser reruns the panel when the run is done (then: the finished view) or its stream was lost."""
    pool = shared_runs.run_pool()
    follow = pool.follow(run.config, shared_runs.follower())
    if not follow.refused:
        pool.leave(shared_runs.follower())  # the stream follows it from here (two leases: "shared with others")
    run = state["mlp_run"] = follow.view or run
    state["mlp_marked"] = live.mark(pace, run.samples_seen, state.get("mlp_marked"), time.perf_counter())
    if run.done:
        mlp_run.finish(run)
        mlp_run.rerun_panel()  # done: the buttons, the Done note, the final charts, the downloads
    notes = live.progress_notes(run, pace, "training", follow, pool.workers)
    picture = shared_runs.per_run(run, "live " + language(), lambda: live.live_picture(run))
    frame = live.live_frame(run, picture, pace, "training", notes)
    if follow.refused:  # the server is full: no stream to read yet; this page keeps trying
        player.live(frame, key="mlp_live")
        time.sleep(live.REFUSED_RETRY_SECONDS)
        mlp_run.rerun_panel()
    player.live(frame, key="mlp_live", stream=live_route.url(run.config),  # the URL asks for the page's language
                on_end=lambda: mlp_run.on_stream_end(pinned_configs))


def untrained(config, show_units: bool):
    """Before Train: the net with its initial weights (the charts and the probes that training updates)."""
    if config is None:
        return
    st.info(_(mlp_words.UNTRAINED_NOTE), icon=":material/play_circle:")
    run = shared_runs.untrained_view(config)
    params = run.params
    draw_charts(run, params, show_units, cache="untrained charts")  # kept apart from the trained run's
    draw_probes(run, params, cache="untrained probes")


# Each live redraw is one message to the browser per element (and a render there): the bar is one element,
# redrawn in place; the notes under it are a few, redrawn only when they change.
def draw_progress(bar, notes, run, pace: Pace, lines):
    c = run.config
    bar.progress(run.samples_seen / run.total_samples,
                 text=mlp_words.progress_text(run.epoch, c.epochs, run.samples_seen, run.total_samples,
                                              pace.samples_per_second,
                                              stopped=run.failed is not None or run.error is not None))
    with notes.container():
        for kind, text, icon in lines:
            getattr(st, kind)(text, **({"icon": icon} if icon else {}))


CHART_TERMS = ("kink", "dead unit")  # defined where the fit chart's caption first names them


def draw_charts(run, params, show_units: bool, cache: str = "charts"):
    c = run.config
    # Everyone following this run draws the same charts: computed once per chunk for all of them.
    loss, fit, n_kinks, dead = shared_runs.per_run(run, (cache + "+units" if show_units else cache) + language(),
                                                   lambda: run_charts(run, params, show_units))
    loss_col, fit_col = st.columns(2)
    if len(run.history_rows):
        widgets.chart(container=loss_col, chart=loss, width="stretch")
        loss_col.caption(_("Light: the loss of each stretch of training; dark: its rolling mean; dashed: epoch ends."))
    else:  # before the first stretch of training: no loss to plot yet
        loss_col.markdown(_("**Training loss**"))
        loss_col.caption(_("None yet: training adds the loss of each stretch of samples here, with its rolling mean."))
    widgets.chart(container=fit_col, chart=fit, width="stretch")
    fit_col.caption(mlp_words.fit_caption(c, n_kinks, dead),
                    help=None if dead is None else glossary.tooltip(CHART_TERMS))
    if show_units:
        fit_col.caption(mlp_curves.units_caption(run.net, params, c.x_min, c.x_max))


def draw_live(run, pace: Pace, notes):
    """While training: the player's live mode draws the progress, the ``notes`` and the light picture (SVG
    drawn in the browser, no Vega, the far probe in its note) in one element, taking each frame in place and
    gliding to it. The picture is the same for every follower of the run (computed once per chunk)."""
    picture = shared_runs.per_run(run, "live " + language(), lambda: live.live_picture(run))
    player.live(live.live_frame(run, picture, pace, "training", notes), key="mlp_live")


def draw_probes(run, params, cache: str = "probes"):
    c = run.config
    table, far = shared_runs.per_run(run, cache + language(), lambda: (mlp_words.probe_table(run.probes, c.target),
                                                          mlp_far.far_probe(run.net, params, c.x_min, c.x_max,
                                                                            target=c.target)))
    probes_col, far_col = st.columns([3, 2])
    probes_col.header(_("Predictions after each epoch"))
    probes_col.dataframe(table, hide_index=True)
    if view.hides("far"):
        return
    why = far.sentence()  # words of the page's language: ``far`` is cached per language
    # Terms the fit chart's caption defined already (a ReLU net's kinks and dead units) are not defined again.
    known = glossary.KNOWN + (CHART_TERMS if c.activation == "relu" else ())
    far_col.header(_("Far outside: x = {x}", x=f"{far.x:g}"), help=glossary.FirstUse(known).help(why))
    if answers_hidden:  # predict first: the answer folded away (an expander: this may be drawn often in one run)
        far_col = far_col.expander(_("Show the net's answer at x = {x}", x=f"{far.x:g}"), icon=":material/visibility:")
    far_col.metric(_("prediction at x = {x}", x=f"{far.x:g}"), mlp_words.format_value(far.prediction),
                   delta=far.delta_words, delta_color="off")
    far_col.markdown(far.headline)  # the one-line answer; the why on request
    with far_col.expander(_("Why?")):
        st.markdown(why)


def draw_downloads(run):
    st.header(_("Downloads"))
    npz_col, csv_col = st.columns([1, 1, 3])[:2]
    weights, history = shared_runs.per_run(run, "downloads", lambda: mlp_downloads.files(run))
    npz_col.download_button(_("Weights (.npz)"), weights, "mlp_weights.npz",
                            "application/octet-stream", icon=":material/download:", on_click="ignore")
    csv_col.download_button(_("Loss history (CSV)"), history, "mlp_loss_history.csv",
                            "text/csv", icon=":material/download:", on_click="ignore")


def draw_replay(run):
    st.header(_("Replay the training"))
    st.caption(_(mlp_words.REPLAY_NOTE))
    c = run.config
    replay = shared_runs.per_run(run, "replay" + language(),
                                 lambda: mlp_replay(run.net, run.snapshots, c.x_min, c.x_max, target=c.target))
    player.show(replay, key="mlp_replay")


def hide_running_indicator():
    """While a run trains, this page's script is always running (the live view follows the run), so
    Streamlit's "Running…" indicator would spin the whole time, repainting every visitor's page (about
    0.03 s of CPU a second each): the progress bar says that the page is working."""
    st.html("<style>[data-testid='stStatusWidget'] { display: none; }</style>")


def share(values: dict, pinned_configs):
    query = mlp_settings.share_query(values | {"compare": mlp_compare.format_compare(pinned_configs)})
    widgets.share_link("/MLP_training", query | lesson_panel.view_keys("mlp"))


# ── the page ───────────────────────────────────────────────────────────────────────────────────────
st.title(_("MLP training"))
answers_hidden = lesson_panel.show("mlp")  # before the controls: a lesson step sets them
intro = st.empty()  # says what the net learns: written once the target control is read
values = settings()
show_units = values["units"]
widgets.show_notices()
intro.markdown(mlp_words.target_sentence(values["target"]))
pinned_configs = compare_panel.compared_runs(values["compare"])
config = run_config(values)
shared_runs.run_pool()  # the first visitor after a server start starts the workers before anyone presses Train
state.setdefault("mlp_status", "idle")  # idle | training | paused | done
train_link(config)
live_area = st.container()  # the buttons and the live view, filled last: the share link below must not wait
compare_area = st.container()
st.divider()
if not view.hides("share"):
    share(values, pinned_configs)
board_panel.offer("mlp", run=lambda: state.get("mlp_run"))  # with board= in the link: a finished run
with compare_area:
    ticking = bool(pinned_configs) and state.get("mlp_compare_pending", True)  # this script run's choice
    if not view.hides("comparison"):
        st.fragment(compare_panel.show, run_every=1.0 if ticking else None)(config, pinned_configs, ticking,
                                                                              language())
with live_area:  # not streamed, the panel ticks while training: each run of it follows the run a while (runs.live)
    ticks = state["mlp_status"] == "training" and not mlp_run.streamed()
    st.fragment(run_panel, run_every=live.TICK_SECONDS if ticks else None)(show_units, config, pinned_configs, ticks,
                                                                           language())
