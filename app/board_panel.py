"""Streamlit glue for the class board (``board``): the lab pages' Send to the board, and the board page's pieces.

A lab page calls ``offer(lab, **settings)`` near its share link: with ``board=<code>`` in its link it shows a
nickname field and **Send to the board**; the click computes the run's entry (``board.entries``, from the
settings the page passes) and sends it. Without ``board=`` it draws nothing. A code that is malformed,
unknown or expired, or a board of another lab, gets a notice, never a traceback.

The board page (``pages/4_Class_board.py``) calls ``create_form()`` without a code and ``show(code, secret)``
with one: the links, the table and the lab's picture (a fragment that re-reads the board every
``TICK_SECONDS``), and with the teacher's secret: hide nicknames, remove a run, clear, download CSV.

Words are in the page's language (``i18n``); a link made on a Russian page carries ``lang=ru`` (the students'
and the projector's links open in the language of the teacher who made them). Callbacks run before the page
sets its language, and so does the board view's fragment when it reruns alone: i18n then asks the session
(``app.language`` registers it).
"""
from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

import streamlit as st

import board
import i18n
from app import a11y, shared_runs, widgets
from board import entries, view, words
from board.database import DatabaseError
from board.store import DEFAULT_DAYS, MAX_DAYS, MAX_NICKNAME, MAX_RUNS, RATE_LIMIT
from core.inputs import echo
from core.objective import Quadratic
from i18n import _

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


def _read(read):
    """What ``read()`` reads from the board's store, or None once a notice has said why it could not."""
    try:
        return read()
    except board.BoardError as error:
        _notice(error)
    except DatabaseError as error:
        _warn(_database_down(error))
    return None


def _board_error(error: board.BoardError) -> str:
    return _(words.NOTICES[error.kind], code=echo(board.visible(error.code)))


def _database_down(error: DatabaseError) -> str:
    return _(words.DATABASE_DOWN, error=echo(str(error)))


def _notice(error: board.BoardError) -> None:
    _warn(_board_error(error))


def base_url() -> str:
    """The scheme and host the visitor reached the app at (links to copy must be whole), or "" if unknown."""
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # not in a browser session (AppTest)
        return ""
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _language() -> dict:
    """The link's ``lang=``: the page's language unless it is the default (English links stay as they were)."""
    return {"lang": i18n.language()} if i18n.language() != i18n.DEFAULT else {}


def students_link(code: str, lab: str) -> str:
    return f"{base_url()}{words.LAB_PATHS[lab]}?{urlencode({'board': code, **_language()})}"


def board_link(code: str | None = None, secret: str | None = None) -> str:
    """The board page for ``code`` (with the teacher's ``secret``), or the page that makes a board (no code)."""
    query = {**({"board": code} if code else {}), **({SECRET_KEY: secret} if secret else {}), **_language()}
    return f"{base_url()}{words.BOARD_PATH}" + (f"?{urlencode(query)}" if query else "")


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
            result = {board.store.SENT: ("success", _(words.SENT, number=run_id)),
                      board.store.DUPLICATE: ("info", _(words.DUPLICATE)),
                      board.store.RATE: ("warning", words.rate(RATE_LIMIT)),
                      board.store.FULL: ("warning", words.full(MAX_RUNS))}[status]
    except board.NotReady as error:
        result = ("info", str(error))
    except board.BoardError as error:
        result = ("warning", _board_error(error))
    except DatabaseError as error:
        result = ("warning", _database_down(error))
    st.session_state[FEEDBACK] = result


def offer(lab: str, **settings) -> None:
    """Send to the board, when the page's link holds ``board=``. ``settings``: what ``board.entries`` needs
    of this lab (descent: coefs, x0s, lr, steps, tol; adagrad: x0, lrs, steps, chosen; mlp: run, a function
    that returns the session's run)."""
    if "board" not in st.query_params:
        return
    code = st.query_params.get("board")
    found = _read(lambda: store().board(code))
    if found is None:
        return
    if found.lab != lab:
        link = students_link(found.code, found.lab)
        st.info(_(words.OTHER_LAB, title=_(words.LAB_TITLES[found.lab]), link=f"[{link}]({link})"),
                icon=":material/info:")
        return
    with st.container(border=True):
        st.subheader(_(words.PANEL_TITLE))
        st.markdown(_(words.PANEL_TEXT, count=found.runs, limit=MAX_RUNS))
        row = st.container(horizontal=True, vertical_alignment="bottom")
        row.text_input(_("Nickname (optional)"), key="board_nickname", max_chars=MAX_NICKNAME,
                       help=_("At most {limit} characters, shown to the class as you type it.", limit=MAX_NICKNAME))
        row.button(_("Send to the board"), key="board_send", icon=":material/send:", type="primary", on_click=_send,
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
        st.session_state[FEEDBACK] = ("warning", _database_down(error))
        return
    st.query_params["board"] = made.code
    st.query_params[SECRET_KEY] = secret


def create_form() -> None:
    """Make a board: its lab and how many days it collects runs (the default stated)."""
    st.markdown(_("A class board collects every student's run of one lab on one page, where the class sees its "
                  "own experiment: each student opens the students' link, runs the lab and presses **Send to the "
                  "board**. You get two links: the students' link, and the teacher's link, which can also hide "
                  "nicknames, remove runs, clear the board and download it as CSV."))
    feedback = st.session_state.pop(FEEDBACK, None)
    if feedback:
        _warn(feedback[1])
    with st.container(border=True):
        st.radio(_("Lab"), list(LAB_CHOICES), key="board_lab", horizontal=True, format_func=_)  # English values
        st.number_input(_("Expires after (days)"), min_value=1, max_value=MAX_DAYS, value=DEFAULT_DAYS, step=1,
                        key="board_days", help=_("Between 1 and {most} days; {default} unless you change it. An "
                                                 "expired board takes no more runs.", most=MAX_DAYS,
                                                 default=DEFAULT_DAYS))
        st.caption(_("The board expires {days} days after it is made unless you choose otherwise; it holds at most "
                     "{runs} runs, each student sends at most {rate} a minute and each setting once.",
                     days=DEFAULT_DAYS, runs=MAX_RUNS, rate=RATE_LIMIT))
        st.button(_("Create the board"), key="board_create", icon=":material/add:", type="primary", on_click=_create)


def _date(seconds: float) -> str:
    """'05 December 2026, 08:18 UTC' (in Russian '05 декабря 2026, 08:18 UTC')."""
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    return _(words.DATE, day=f"{moment:%d}", month=_(words.MONTHS[moment.month - 1]), year=f"{moment:%Y}",
             time=f"{moment:%H:%M}")


def show(code, secret) -> None:
    """The board view for ``code``; with its ``secret``, the teacher's links and actions too."""
    try:
        found = store().board(code)
        teacher = secret is not None and store().is_teacher(code, secret)
    except board.BoardError as error:
        _notice(error)
        new = board_link() if _language() else words.BOARD_PATH  # an English link as it always was
        st.markdown(":material/add: " + _("[Make a new board]({link})", link=new))
        return
    except DatabaseError as error:
        _warn(_database_down(error))
        return
    if secret is not None and not teacher:
        _warn(_("The teacher's secret in this link is not this board's: the board is shown without the teacher's "
                "actions."))
    days = round((found.expires - found.created) / 86400)
    st.markdown(words.expires(_(words.LAB_TITLES[found.lab]), _date(found.expires), days))
    with st.expander(_("Links"), expanded=teacher, key="board_links"):
        st.markdown(_("**Students' link**: send it to the class. It opens the lab with **Send to the board**."))
        st.code(students_link(found.code, found.lab), language=None, wrap_lines=True)
        st.markdown(_("**The board for the class** (to show on a projector): this page without the teacher's "
                      "actions."))
        st.code(board_link(found.code), language=None, wrap_lines=True)
        if teacher:
            st.markdown(_("**Your teacher's link**: keep it to yourself. It can hide nicknames, remove runs, clear "
                          "the board and download it."))
            st.code(board_link(found.code, secret), language=None, wrap_lines=True)
    narrow = a11y.narrow_screen()
    st.fragment(_board_view, run_every=TICK_SECONDS)(found.code, found.lab, narrow)
    if teacher:
        _teacher_actions(found.code, found.lab, secret)


def _board_view(code: str, lab: str, narrow: bool) -> None:
    """The runs as a table and as the lab's picture (re-read every TICK_SECONDS)."""
    read = _read(lambda: (store().board(code), store().runs(code)))
    if read is None:
        return
    found, runs = read
    st.header(_("The class's runs"))
    st.caption(words.count(len(runs), MAX_RUNS))
    if not runs:
        st.info(_(words.EMPTY), icon=":material/hourglass_empty:")
        return
    hide = found.hide_names
    if lab == "descent":
        _descent_picture(runs, hide, narrow)
    elif lab == "adagrad":
        rows = view.adagrad_rows(runs, hide)
        widgets.chart(view.adagrad_chart(rows, narrow=narrow), width="stretch")
        st.caption(_(words.ADAGRAD_PICTURE))
    else:
        _mlp_picture(runs, hide, narrow)
    table = view.shown(view.table(lab, runs, hide))
    st.dataframe(table, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(table)))  # no empty rows


@st.cache_data(max_entries=16, show_spinner=False)  # its spinner's words are the page's language: _descent_picture
def _descent_sweep(coefs, steps, tol, lrs, x0s):
    return view.descent_sweep(coefs, steps, tol, lrs, x0s)


def _descent_picture(runs, hide: bool, narrow: bool) -> None:
    key, on_map, others = view.descent_map_runs(runs)
    coefs, steps, tol = key[:3], key[3], key[4]
    points = view.descent_points(on_map, hide).tail(MAP_STARTS)
    lrs = (float(points["lr"].min()), float(points["lr"].max()))
    x0s = (float(points["x0"].min()), float(points["x0"].max()))
    with st.spinner(_("Computing the basin map…")):  # shown only if it takes a while (a cache miss)
        sw = _descent_sweep(coefs, steps, tol, lrs, x0s)
    problem = Quadratic(*coefs)
    widgets.chart(view.descent_chart(sw, problem, points, narrow=narrow), width="stretch")
    st.caption(_(words.DESCENT_MAP, poly=problem.describe(), steps=min(steps, 2000)))
    if others:
        st.caption(words.descent_others(others))


def _mlp_picture(runs, hide: bool, narrow: bool) -> None:
    varied = view.mlp_varied(runs)
    setting = None
    if varied:
        setting = st.selectbox(_("Against the setting"), varied, key="board_mlp_setting",
                               help=_("The settings that differ between the runs sent, the most varied first."))
    rows = view.mlp_rows(runs, hide)
    loss, far = (st.container(), st.container()) if narrow else st.columns(2)
    widgets.chart(container=loss, chart=view.mlp_loss_chart(runs, setting, rows), width="stretch")
    widgets.chart(container=far, chart=view.mlp_far_chart(runs, setting, rows), width="stretch")
    st.caption(_(words.MLP_PICTURE, setting=setting) if setting else _(words.MLP_NOTHING_VARIES))


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
    st.header(_("Teacher's actions"))
    feedback = st.session_state.pop(FEEDBACK, None)
    if feedback:
        _warn(feedback[1])
    st.session_state["board_hide"] = found.hide_names
    st.toggle(_("Hide nicknames"), key="board_hide", on_change=_hide_changed, args=(code, secret),
              help=_("The board shows “{hidden}” instead of each nickname; the CSV keeps them.",
                     hidden=_(view.HIDDEN_NAME)))
    left, right = st.columns(2)
    with left:
        ids = [r.id for r in runs]
        st.selectbox(_("Run"), ids, key="board_remove_id", index=None, placeholder=_("Run number"),
                     help=_("The run's number in the table's first column."))
        st.button(_("Remove this run"), key="board_remove", icon=":material/delete:", on_click=_remove,
                  args=(code, secret), disabled=not ids)
    with right:
        st.checkbox(_("Yes, remove every run"), key="board_clear_sure")
        st.button(_("Clear the board"), key="board_clear", icon=":material/clear_all:", on_click=_clear,
                  args=(code, secret), disabled=not ids)
    lang = i18n.language()  # the file is built when clicked, outside this run: in this page's language
    st.download_button(_("Download the board (CSV)"),
                       data=lambda: view.csv(lab, store().teacher_runs(code, secret), lang),
                       file_name=f"class-board-{code}.csv", mime="text/csv", icon=":material/download:",
                       on_click="ignore")
