"""The MLP page's Compare panel: the runs pinned in this session or listed in a compare= link, beside the
current one (their loss curves, their fits and a table), with Unpin and Clear. A fragment of the page: it reruns
alone, once a second, while a pinned run is still computing."""
import streamlit as st

from app import shared_runs, widgets
from i18n import _, use
from labs.mlp import compare as mlp_compare
from labs.mlp import words as mlp_words
from labs.mlp.charts import compare_fit_spec, compare_loss_spec
from runs import live

state = st.session_state


def compared_runs(compare_text: str) -> list:
    pinned_configs, compare_notice = mlp_compare.parse_compare(compare_text)
    if compare_notice:
        st.warning(widgets.plain(compare_notice), icon=":material/warning:")
    return pinned_configs


# Unpin and Clear are buttons of the Compare section, a fragment: a click reruns only that section, with the
# pinned runs it was drawn with, and leaves the compare= control (in the sidebar, in the link) as it was: the
# run stayed on the page. Their callbacks ask for the whole page (st.rerun in a callback does that).
def unpin(config):
    state["compare"] = mlp_compare.unpinned(state.get("compare", ""), config)
    state.get("mlp_pinned", {}).pop(config, None)
    st.rerun()


def clear_pinned():
    state["compare"] = ""
    state.pop("mlp_pinned", None)
    st.rerun()


PIN_FOLLOWER = "{}:pinned"  # the id under which a session follows the pinned run being computed


def pinned_views(pinned_configs) -> tuple[list, bool]:
    """The pinned runs' summaries (None for one the server has not started yet), and whether any is
    unfinished: ``runs.live.follow_pinned`` computes the unfinished ones one at a time."""
    return live.follow_pinned(shared_runs.run_pool(), PIN_FOLLOWER.format(shared_runs.follower()), pinned_configs,
                              state.setdefault("mlp_pinned", {}),
                              lambda run: shared_runs.per_run(run, "summary", lambda: mlp_compare.summarize(run)))


def show(config, pinned_configs, ticking: bool, lang: str):
    use(lang)  # a fragment's rerun starts here, not at the page's top, where the language is chosen
    if not pinned_configs:
        return
    views, pending = pinned_views(pinned_configs)
    st.subheader(_("Compare"))
    current = state.get("mlp_run")
    base = current.config if current is not None else config or pinned_configs[0]
    labels = mlp_compare.run_labels(base, pinned_configs)
    summary = None if current is None else shared_runs.per_run(current, "summary",  # numbers only: one language
                                                               lambda: mlp_compare.summarize(current))
    names, runs = mlp_compare.shown_runs(labels, summary, views)
    if pending:
        st.caption(mlp_compare.pending_words(labels[1:], views))
    _charts(base, current, labels, names, runs)
    row = st.container(horizontal=True)
    for i, (run, c) in enumerate(zip(labels[1:], pinned_configs)):  # run: its label
        row.button(_("Unpin {run}", run=run), key=f"mlp_unpin_{i}", icon=":material/close:", on_click=unpin, args=(c,))
    row.button(_("Clear"), key="mlp_clear", icon=":material/clear_all:", on_click=clear_pinned,
               help=_("Unpin every run."))
    state["mlp_compare_pending"] = pending
    if pending != ticking:
        st.rerun()  # the whole page: tick while a pinned run computes, stop once none does


def _charts(base, current, labels, names, runs):
    first = base.x_min, base.x_max
    loss_col, fit_col = st.columns(2)
    widgets.chart(container=loss_col, chart=compare_loss_spec(mlp_compare.compare_loss_curves(names, runs), names),
                             width="stretch")
    widgets.chart(container=fit_col, chart=compare_fit_spec(mlp_compare.compare_fits(names, runs),
                                                  mlp_compare.target_curve(base.target, *first), names, *first,
                                                  label=mlp_words.target_label(base.target)), width="stretch")
    st.caption(mlp_compare.table_caption(None if current is None else labels[0]))
    right = st.column_config.TextColumn(alignment="right")  # the table is text: its numbers aligned as numbers
    st.dataframe(mlp_compare.compare_table(names, runs), hide_index=True,
                 column_config=dict.fromkeys(mlp_compare.number_columns(), right))
