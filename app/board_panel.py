"""Streamlit glue for the class board (``board``): the lab pages' Send to the board, and the board page's pieces.

A lab page calls ``offer(lab, **settings)`` near its share link: with ``board=<code>`` in its link it shows a
nickname field and **Send to the board**; the click computes the run's entry (``board.entries``, from the
settings the page passes) and sends it. Without ``board=`` it draws nothing. A code that is malformed,
unknown or expired, or a board of another lab, gets a notice, never a traceback.

The board page (``pages/4_Class_board.py``) calls ``create_form()`` without a code and ``show(code, secret)``
with one: the links, the table and the lab's picture (a fragment that re-reads the board every
``TICK_SECONDS``), and with the teacher's secret: hide nicknames, remove a run, clear, download CSV.
"""
from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

import streamlit as st

import board
from app import a11y, shared_runs, widgets
from board import entries, view, words
from board.database import DatabaseError
from board.store import DEFAULT_DAYS, MAX_DAYS, MAX_NICKNAME, MAX_RUNS, RATE_LIMIT
from core.inputs import echo
from core.objective import Quadratic

TICK_SECONDS = 2.0    # the board view re-reads its runs this often while open
FEEDBACK = "board_feedback"
SECRET_KEY = "secret"  # the teacher's link: /Class_board?board=<code>&secret=<secret>
MAP_STARTS = 2000     # starts drawn on the descent map at most (a full board: 500 runs × up to 8 starts)


@st.cache_resource(show_spinner=False)
def _store(url: str) -> board.Store:
    return board.Store(url)


def store() -> board.Store:
    """The server's one ``board.Store`` (GP_DATABASE_URL's database)."""
    return _store(board.database_url())


def _warn(text: str) -> None:
    st.warning(widgets.plain(text), icon=":material/warning:")


def _notice(error: board.BoardError) -> None:
    _warn(words.NOTICES[error.kind].format(code=echo(board.visible(error.code))))


def base_url() -> str:
    """The scheme and host the visitor reached the app at (links to copy must be whole), or "" if unknown."""
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # not in a browser session (AppTest)
        return ""
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def students_link(code: str, lab: str) -> str:
    return f"{base_url()}{words.LAB_PATHS[lab]}?{urlencode({'board': code})}"


def board_link(code: str, secret: str | None = None) -> str:
    query = {"board": code, **({SECRET_KEY: secret} if secret else {})}
    return f"{base_url()}{words.BOARD_PATH}?{urlencode(query)}"


# ── a lab page: Send to the board ────────────────────────────────────────────────────────────────────────
BUILD = {"descent": entries.descent, "adagrad": entries.adagrad, "mlp": lambda run: entries.mlp(run())}


def _send(code: str, lab: str, settings: dict) -> None:
    """The button's callback: the entry of the page's run, sent; the result kept for the next run's message."""
    nickname = st.session_state.get("board_nickname", "")
    try:
        name, error = board.clean_nickname(nickname)
        if error:
            result = ("warning", error)
        else:
            status, run_id = store().send(code, shared_runs.follower(), BUILD[lab](**settings), name)
            result = {board.store.SENT: ("success", words.SENT.format(number=run_id)),
                      board.store.DUPLICATE: ("info", words.DUPLICATE),
                      board.store.RATE: ("warning", words.RATE.format(limit=RATE_LIMIT)),
                      board.store.FULL: ("warning", words.FULL.format(limit=MAX_RUNS))}[status]
    except board.NotReady as error:
        result = ("info", str(error))
    except board.BoardError as error:
        result = ("warning", words.NOTICES[error.kind].format(code=echo(board.visible(error.code))))
    except DatabaseError as error:
        result = ("warning", words.DATABASE_DOWN.format(error=echo(str(error))))
    st.session_state[FEEDBACK] = result


def offer(lab: str, **settings) -> None:
    """Send to the board, when the page's link holds ``board=``. ``settings``: what ``board.entries`` needs
    of this lab (descent: coefs, x0s, lr, steps, tol; adagrad: x0, lrs, steps, chosen; mlp: run, a function
    that returns the session's run)."""
    if "board" not in st.query_params:
        return
    code = st.query_params.get("board")
    try:
        found = store().board(code)
    except board.BoardError as error:
        _notice(error)
        return
    except DatabaseError as error:
        _warn(words.DATABASE_DOWN.format(error=echo(str(error))))
        return
    if found.lab != lab:
        link = students_link(found.code, found.lab)
        st.info(words.OTHER_LAB.format(title=words.LAB_TITLES[found.lab], link=f"[{link}]({link})"),
                icon=":material/info:")
        return
    with st.container(border=True):
        st.subheader(words.PANEL_TITLE)
        st.markdown(words.PANEL_TEXT.format(count=found.runs, limit=MAX_RUNS))
        row = st.container(horizontal=True, vertical_alignment="bottom")
        row.text_input("Nickname (optional)", key="board_nickname", max_chars=MAX_NICKNAME,
                       help=f"At most {MAX_NICKNAME} characters, shown to the class as you type it.")
        row.button("Send to the board", key="board_send", icon=":material/send:", type="primary", on_click=_send,
                   args=(found.code, lab, settings))
        feedback = st.session_state.pop(FEEDBACK, None)
        if feedback:
            kind, text = feedback
            {"success": st.success, "info": st.info, "warning": st.warning}[kind](widgets.plain(text))
            a11y.announce(text, key="board_announce")


# ── the board page ──────────────────────────────────────────────────────────────────────────────────────
LAB_CHOICES = {words.LAB_TITLES[lab]: lab for lab in board.store.LABS}


def _create() -> None:
    lab = LAB_CHOICES[st.session_state["board_lab"]]
    days = int(st.session_state["board_days"])
    try:
        made, secret = store().create(lab, days)
    except DatabaseError as error:
        st.session_state[FEEDBACK] = ("warning", words.DATABASE_DOWN.format(error=echo(str(error))))
        return
    st.query_params["board"] = made.code
    st.query_params[SECRET_KEY] = secret


def create_form() -> None:
    """Make a board: its lab and how many days it collects runs (the default stated)."""
    st.markdown("A class board collects every student's run of one lab on one page, where the class sees its "
                "own experiment: each student opens the students' link, runs the lab and presses **Send to the "
                "board**. You get two links: the students' link, and the teacher's link, which can also hide "
                "nicknames, remove runs, clear the board and download it as CSV.")
    feedback = st.session_state.pop(FEEDBACK, None)
    if feedback:
        _warn(feedback[1])
    with st.container(border=True):
        st.radio("Lab", list(LAB_CHOICES), key="board_lab", horizontal=True)
        st.number_input("Expires after (days)", min_value=1, max_value=MAX_DAYS, value=DEFAULT_DAYS, step=1,
                        key="board_days", help=f"Between 1 and {MAX_DAYS} days; {DEFAULT_DAYS} unless you change it. "
                        "An expired board takes no more runs.")
        st.caption(f"The board expires {DEFAULT_DAYS} days after it is made unless you choose otherwise; it holds at "
                   f"most {MAX_RUNS} runs, each student sends at most {RATE_LIMIT} a minute and each setting once.")
        st.button("Create the board", key="board_create", icon=":material/add:", type="primary", on_click=_create)


def _date(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%d %B %Y, %H:%M UTC")


def show(code, secret) -> None:
    """The board view for ``code``; with its ``secret``, the teacher's links and actions too."""
    try:
        found = store().board(code)
        teacher = secret is not None and store().is_teacher(code, secret)
    except board.BoardError as error:
        _notice(error)
        st.markdown(f":material/add: [Make a new board]({words.BOARD_PATH})")
        return
    except DatabaseError as error:
        _warn(words.DATABASE_DOWN.format(error=echo(str(error))))
        return
    if secret is not None and not teacher:
        _warn("The teacher's secret in this link is not this board's: the board is shown without the teacher's "
              "actions.")
    days = round((found.expires - found.created) / 86400)
    st.markdown(words.EXPIRES.format(title=words.LAB_TITLES[found.lab], date=_date(found.expires), days=days))
    with st.expander("Links", expanded=teacher, key="board_links"):
        st.markdown("**Students' link**: send it to the class. It opens the lab with **Send to the board**.")
        st.code(students_link(found.code, found.lab), language=None, wrap_lines=True)
        st.markdown("**The board for the class** (to show on a projector): this page without the teacher's actions.")
        st.code(board_link(found.code), language=None, wrap_lines=True)
        if teacher:
            st.markdown("**Your teacher's link**: keep it to yourself. It can hide nicknames, remove runs, clear the "
                        "board and download it.")
            st.code(board_link(found.code, secret), language=None, wrap_lines=True)
    narrow = a11y.narrow_screen()
    st.fragment(_board_view, run_every=TICK_SECONDS)(found.code, found.lab, narrow)
    if teacher:
        _teacher_actions(found.code, found.lab, secret)


def _board_view(code: str, lab: str, narrow: bool) -> None:
    """The runs as a table and as the lab's picture (re-read every TICK_SECONDS)."""
    try:
        found = store().board(code)
        runs = store().runs(code)
    except board.BoardError as error:
        _notice(error)
        return
    except DatabaseError as error:
        _warn(words.DATABASE_DOWN.format(error=echo(str(error))))
        return
    st.header("The class's runs")
    st.caption(words.COUNT.format(count=len(runs), limit=MAX_RUNS))
    if not runs:
        st.info(words.EMPTY, icon=":material/hourglass_empty:")
        return
    hide = found.hide_names
    if lab == "descent":
        _descent_picture(runs, hide, narrow)
    elif lab == "adagrad":
        rows = view.adagrad_rows(runs, hide)
        st.altair_chart(view.adagrad_chart(rows, narrow=narrow), width="stretch")
        st.caption(words.ADAGRAD_PICTURE)
    else:
        _mlp_picture(runs, hide, narrow)
    table = view.table(lab, runs, hide)
    st.dataframe(table, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(table)))  # no empty rows


@st.cache_data(max_entries=16, show_spinner="Computing the basin map…")
def _descent_sweep(coefs, steps, tol, lrs, x0s):
    return view.descent_sweep(coefs, steps, tol, lrs, x0s)


def _descent_picture(runs, hide: bool, narrow: bool) -> None:
    key, on_map, others = view.descent_map_runs(runs)
    coefs, steps, tol = key[:3], key[3], key[4]
    points = view.descent_points(on_map, hide).tail(MAP_STARTS)
    lrs = (float(points["lr"].min()), float(points["lr"].max()))
    x0s = (float(points["x0"].min()), float(points["x0"].max()))
    sw = _descent_sweep(coefs, steps, tol, lrs, x0s)
    problem = Quadratic(*coefs)
    st.altair_chart(view.descent_chart(sw, problem, points, narrow=narrow), width="stretch")
    st.caption(words.DESCENT_MAP.format(poly=problem.describe(), steps=min(steps, 2000)))
    if others:
        st.caption(words.DESCENT_OTHERS.format(count=others))


def _mlp_picture(runs, hide: bool, narrow: bool) -> None:
    varied = view.mlp_varied(runs)
    setting = None
    if varied:
        setting = st.selectbox("Against the setting", varied, key="board_mlp_setting",
                               help="The settings that differ between the runs sent, the most varied first.")
    rows = view.mlp_rows(runs, hide)
    loss, far = (st.container(), st.container()) if narrow else st.columns(2)
    loss.altair_chart(view.mlp_loss_chart(runs, setting, rows), width="stretch")
    far.altair_chart(view.mlp_far_chart(runs, setting, rows), width="stretch")
    st.caption(words.MLP_PICTURE.format(setting=setting) if setting else words.MLP_NOTHING_VARIES)


def _act(action, *args) -> None:
    try:
        action(*args)
    except (board.Forbidden, board.BoardError, DatabaseError) as error:
        st.session_state[FEEDBACK] = ("warning", str(error))


def _hide_changed(code: str, secret: str) -> None:
    _act(store().hide_names, code, secret, bool(st.session_state.get("board_hide")))


def _remove(code: str, secret: str) -> None:
    run_id = st.session_state.get("board_remove_id")
    if run_id is not None:
        _act(store().remove, code, secret, int(run_id))


def _clear(code: str, secret: str) -> None:
    if st.session_state.get("board_clear_sure"):
        _act(store().clear, code, secret)
        st.session_state["board_clear_sure"] = False


def _teacher_actions(code: str, lab: str, secret: str) -> None:
    """Hide nicknames, remove a run, clear the board, download it as CSV: each checks the secret again."""
    found = store().board(code)
    runs = store().runs(code)
    st.header("Teacher's actions")
    feedback = st.session_state.pop(FEEDBACK, None)
    if feedback:
        _warn(feedback[1])
    st.session_state["board_hide"] = found.hide_names
    st.toggle("Hide nicknames", key="board_hide", on_change=_hide_changed, args=(code, secret),
              help="The board shows “hidden” instead of each nickname; the CSV keeps them.")
    left, right = st.columns(2)
    with left:
        ids = [r.id for r in runs]
        st.selectbox("Run", ids, key="board_remove_id", index=None, placeholder="Run number",
                     help="The run's number in the table's first column.")
        st.button("Remove this run", key="board_remove", icon=":material/delete:", on_click=_remove,
                  args=(code, secret), disabled=not ids)
    with right:
        st.checkbox("Yes, remove every run", key="board_clear_sure")
        st.button("Clear the board", key="board_clear", icon=":material/clear_all:", on_click=_clear,
                  args=(code, secret), disabled=not ids)
    st.download_button("Download the board (CSV)", data=lambda: view.csv(lab, store().teacher_runs(code, secret)),
                       file_name=f"class-board-{code}.csv", mime="text/csv", icon=":material/download:",
                       on_click="ignore")
