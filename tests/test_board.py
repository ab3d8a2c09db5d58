"""The class board's database and rules (``board``), each test run against SQLite AND PostgreSQL.

PostgreSQL: a throwaway cluster on loopback, made and started here with Debian's initdb and pg_ctl in a temp
dir (as the ``postgres`` user when the tests run as root: initdb refuses root), stopped after the session.
Without Debian's postgresql (or psycopg) the PostgreSQL cases skip with the reason, and fail under
REQUIRE_BROWSER=1, as CI runs them (.ci/run installs postgresql).
"""
from __future__ import annotations

import glob
import hashlib
import math
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time

import pytest
from helpers import skip_or_fail
from reference import descent_by_hand

import board
from board import database, view
from board import store as board_store
from board.store import DUPLICATE, FULL, MAX_RUNS, RATE, RATE_LIMIT, SENT, BoardError, Forbidden, Store
from harness.launcher import free_port

T0 = float(int(time.time()))  # "now": the rules are checked at times chosen from it, not at the clock's
DAY = 86400.0


# ── the two databases ─────────────────────────────────────────────────────────────────────────────────
def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL cluster of its own on 127.0.0.1 (fsync off: a test database), for the session."""
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not initdb:
        skip_or_fail("postgresql is not installed (apt-get install -y postgresql): no /usr/lib/postgresql/*/bin/initdb")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        skip_or_fail("psycopg is not installed (pip install -r requirements-dev.txt)")
    bindir = os.path.dirname(initdb[-1])
    home = tempfile.mkdtemp(prefix="gp-postgres-")
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    data, port = os.path.join(home, "data"), free_port()
    subprocess.run(_as_postgres([f"{bindir}/initdb", "-D", data, "-U", "gp", "-A", "trust", "-E", "UTF8",
                                 "--no-sync"]), check=True, capture_output=True)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={home} -c fsync=off " \
              "-c max_connections=100"
    subprocess.run(_as_postgres([f"{bindir}/pg_ctl", "-D", data, "-o", options, "-l", f"{home}/log", "-w",
                                 "-t", "60", "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://gp@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def _empty_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS gp_runs, gp_boards, gp_schema")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """An empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/boards.sqlite3"
    pg = request.getfixturevalue("postgres_url")
    _empty_postgres(pg)
    return pg


@pytest.fixture
def store(url):
    s = Store(url)
    yield s
    s.close()


def gd(x0: float, lr: float = 0.01) -> board.Entry:
    return board.descent((1.0, -5.0, 4.0), [x0], lr, 1000, 1e-6)


# ── concurrency ─────────────────────────────────────────────────────────────────────────────────────
def _at_once(n: int, work):
    """Run work(i) for i < n in n threads released together; their results in order."""
    barrier, results, errors = threading.Barrier(n), [None] * n, []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as error:  # reported below, with the thread's index
            errors.append((i, repr(error)))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_thirty_sessions_send_at_once_and_each_run_is_on_the_board_exactly_once(url):
    replicas = [Store(url), Store(url)]  # two app processes on one database
    try:
        made, _ = replicas[0].create("descent")
        entries = [gd(x0=i / 10) for i in range(30)]

        def session(i):
            first = replicas[i % 2].send(made.code, f"session-{i}", entries[i], f"student {i}")
            again = replicas[(i + 1) % 2].send(made.code, f"session-{i}", entries[i], f"student {i}")
            return first, again

        results = _at_once(30, session)
        assert [first[0] for first, _ in results] == [SENT] * 30
        assert [again for _, again in results] == [(DUPLICATE, 0)] * 30
        runs = replicas[1].runs(made.code)
        assert len(runs) == 30 and len({r.id for r in runs}) == 30
        assert sorted(r.settings["x0"][0] for r in runs) == [i / 10 for i in range(30)]
        assert sorted(r.nickname for r in runs) == sorted(f"student {i}" for i in range(30))
        assert {r.id for r in runs} == {first[1] for first, _ in results}
    finally:
        for s in replicas:
            s.close()


def test_a_board_never_holds_more_than_its_limit_when_thirty_send_at_once(url, monkeypatch):
    assert MAX_RUNS == 500
    monkeypatch.setattr(board_store, "MAX_RUNS", 40)  # the same rule, a smaller board: a faster test
    store = Store(url, pool_size=32)
    made, _ = store.create("descent")
    entry = gd(0.0)
    for i in range(40 - 5):
        assert store.send(made.code, f"early-{i}", entry, now=T0 + i)[0] == SENT  # a visitor each: no rate limit
    _at_once(30, lambda i: store.board(made.code))  # thirty connections open (PostgreSQL): the sends overlap
    statuses = _at_once(30, lambda i: store.send(made.code, f"late-{i}", entry)[0])
    store.close()
    assert statuses.count(SENT) == 5 and statuses.count(FULL) == 25
    assert len(store.runs(made.code)) == 40


# ── the rules ───────────────────────────────────────────────────────────────────────────────────────
def test_a_restart_keeps_the_board_its_runs_and_its_secret(url):
    first = Store(url)
    made, secret = first.create("adagrad", days=3)
    entry = board.adagrad(0.0, {"gradient descent": 0.1, "Adagrad": 0.5}, 500, ("gradient descent", "Adagrad"))
    assert first.send(made.code, "v", entry, "Ann")[0] == SENT
    first.close()
    del first
    again = Store(url)  # a new process: nothing but the database in common
    try:
        found = again.board(made.code)
        assert (found.lab, found.runs, found.expires) == ("adagrad", 1, made.expires)
        assert [r.nickname for r in again.runs(made.code)] == ["Ann"]
        assert again.is_teacher(made.code, secret)
        assert again.send(made.code, "v", entry)[0] == DUPLICATE  # the visitor's runs are remembered too
    finally:
        again.close()


def test_a_visitor_sends_a_setting_once_and_at_most_twenty_runs_a_minute(store):
    made, _ = store.create("descent")
    assert store.send(made.code, "ann", gd(0.0), now=T0) == (SENT, 1)
    assert store.send(made.code, "ann", gd(0.0), now=T0 + 1)[0] == DUPLICATE
    assert store.send(made.code, "bob", gd(0.0), now=T0 + 1)[0] == SENT       # another visitor, same setting
    assert store.send(made.code, "ann", gd(0.0, lr=0.02), now=T0 + 1)[0] == SENT  # another setting
    for k in range(RATE_LIMIT - 2):  # ann's 3rd … 20th run within the minute
        assert store.send(made.code, "ann", gd(1.0 + k / 100), now=T0 + 2 + k)[0] == SENT
    assert store.send(made.code, "ann", gd(9.0), now=T0 + 59)[0] == RATE        # the 21st within 60 s
    assert store.send(made.code, "bob", gd(9.0), now=T0 + 59)[0] == SENT        # only ann is limited
    assert store.send(made.code, "ann", gd(9.0), now=T0 + 60.5)[0] == SENT      # her first run left the window
    assert len(store.runs(made.code, now=T0 + 61)) == RATE_LIMIT + 3


def test_the_rate_limit_counts_a_visitor_across_boards(store):
    boards = [store.create("descent", now=T0)[0] for _ in range(2)]
    for k in range(RATE_LIMIT):
        assert store.send(boards[k % 2].code, "ann", gd(k / 10), now=T0 + k)[0] == SENT
    assert store.send(boards[0].code, "ann", gd(5.0), now=T0 + 30)[0] == RATE


def test_a_board_expires_after_fourteen_days_unless_told_otherwise(store):
    made, _ = store.create("descent", now=T0)
    assert made.expires == T0 + 14 * DAY
    assert store.board(made.code, now=T0 + 14 * DAY - 1).code == made.code
    assert store.send(made.code, "v", gd(0.0), now=T0 + 14 * DAY - 1)[0] == SENT
    for call in (lambda: store.board(made.code, now=T0 + 14 * DAY),
                 lambda: store.send(made.code, "w", gd(1.0), now=T0 + 14 * DAY),
                 lambda: store.runs(made.code, now=T0 + 15 * DAY)):
        with pytest.raises(BoardError) as caught:
            call()
        assert caught.value.kind == "expired"
    short, _ = store.create("mlp", days=1, now=T0)
    assert short.expires == T0 + DAY
    for days in (0, -1, 91, math.nan, "14"):
        with pytest.raises(ValueError):
            store.create("descent", days=days)
    # Made after the first expired: the expired board and its runs are deleted.
    store.create("descent", now=T0 + 20 * DAY)
    with pytest.raises(BoardError) as caught:
        store.board(made.code, now=T0 + 20 * DAY)
    assert caught.value.kind == "unknown"


HOSTILE_NICKNAMES = ["<script>alert(1)", "[a](http://ev.il)", "**bold** :red[x]", "<img src=x>",
                     "$\\frac{1}{0}$", "a\u202eb\u200bc\nd\te\x00f", "=HYPERLINK(\"x\")"]


@pytest.mark.parametrize("name", HOSTILE_NICKNAMES)
def test_a_hostile_nickname_is_kept_as_the_characters_it_is_without_control_characters(store, name):
    made, _ = store.create("descent")
    cleaned, error = board.clean_nickname(name)
    assert error is None
    assert not any(ch in cleaned for ch in "\u202e\u200b\n\t\x00")
    assert store.send(made.code, "v", gd(0.0), name)[0] == SENT
    assert store.runs(made.code)[0].nickname == cleaned
    assert view.table("descent", store.runs(made.code), hide=False)["nickname"].tolist() == [cleaned]


def test_a_nickname_is_at_most_twenty_characters(store):
    made, _ = store.create("descent")
    assert board.clean_nickname("x" * 20) == ("x" * 20, None)
    assert board.clean_nickname("  a   b  ") == ("a b", None)
    for name in ("x" * 21, "y" * 10_000):
        cleaned, error = board.clean_nickname(name)
        assert cleaned == "" and str(len(name)) in error
        with pytest.raises(ValueError):
            store.send(made.code, "v", gd(0.0), name)
    assert store.runs(made.code) == []


HOSTILE_CODES = ["", " ", "<b>x</b>", "[a](http://x.y)", "a" * 15, "a" * 17, "a" * 10_000, "abc\x00defghijklmno",
                 "abcdefghijklmn\nq", "abcdefghijklmnó", "../../etc/passwd", "' OR 1=1 --", None, 12345]


@pytest.mark.parametrize("code", HOSTILE_CODES, ids=range(len(HOSTILE_CODES)))
def test_a_malformed_code_is_refused_by_its_form(store, code):
    assert board.malformed(code)
    with pytest.raises(BoardError) as caught:
        store.board(code)
    assert caught.value.kind == "malformed"
    with pytest.raises(BoardError):
        store.send(code, "v", gd(0.0))


def test_an_unknown_code_is_unknown(store):
    store.create("descent")
    with pytest.raises(BoardError) as caught:
        store.board("A" * 16)
    assert caught.value.kind == "unknown"


def test_codes_and_secrets_are_random_and_the_secret_is_kept_only_as_its_hash(store, url):
    made = [store.create("descent") for _ in range(50)]
    codes, secrets_ = [b.code for b, _ in made], [s for _, s in made]
    assert len(set(codes)) == len(set(secrets_)) == 50
    assert all(len(c) == 16 and board_store.CODE.fullmatch(c) for c in codes)  # 16 × 6 = 96 random bits
    assert all(len(s) == 24 for s in secrets_) and not set(codes) & set(secrets_)
    stored = _all_cells(url)
    assert not any(s in cell for s in secrets_ for cell in stored)
    assert hashlib.sha256(secrets_[0].encode()).hexdigest() in stored


def _all_cells(url: str) -> list[str]:
    if url.startswith("sqlite"):
        conn = sqlite3.connect(database.sqlite_path(url))
        rows = conn.execute("SELECT * FROM gp_boards").fetchall() + conn.execute("SELECT * FROM gp_runs").fetchall()
        conn.close()
    else:
        import psycopg

        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT * FROM gp_boards").fetchall() + conn.execute("SELECT * FROM gp_runs").fetchall()
    return [str(cell) for row in rows for cell in row]


def test_every_moderation_action_needs_the_secret(store):
    made, secret = store.create("descent")
    other, other_secret = store.create("descent")
    for i in range(3):
        store.send(made.code, f"v{i}", gd(float(i)), f"n{i}")
    first = store.runs(made.code)[0].id
    wrong = [None, "", secret[:-1], secret + "x", secret.upper() if secret.upper() != secret else "A" * 24,
             other_secret, made.code, "<b>" * 8, "x" * 10_000]
    actions = [lambda s: store.hide_names(made.code, s, True), lambda s: store.remove(made.code, s, first),
               lambda s: store.clear(made.code, s), lambda s: store.teacher_runs(made.code, s)]
    for action in actions:
        for bad in wrong:
            with pytest.raises(Forbidden):
                action(bad)
    assert len(store.runs(made.code)) == 3 and not store.board(made.code).hide_names
    with pytest.raises(Forbidden):  # a board's secret is not another board's
        store.clear(other.code, secret)
    store.hide_names(made.code, secret, True)
    assert store.board(made.code).hide_names
    assert set(view.table("descent", store.runs(made.code), hide=True)["nickname"]) == {view.HIDDEN_NAME}
    assert [r.nickname for r in store.teacher_runs(made.code, secret)] == ["n0", "n1", "n2"]
    assert store.remove(made.code, secret, first) and not store.remove(made.code, secret, first)
    assert len(store.runs(made.code)) == 2
    assert store.clear(made.code, secret) == 2 and store.runs(made.code) == []


def test_the_schema_is_versioned_and_a_newer_one_is_refused(store, url):
    assert store.schema_version() == database.SCHEMA_VERSION == 1
    if url.startswith("sqlite"):
        conn = sqlite3.connect(database.sqlite_path(url))
        conn.execute("UPDATE gp_schema SET version = 2")
        conn.commit()
        conn.close()
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE gp_schema SET version = 2")
    with pytest.raises(database.DatabaseError, match="schema version 2"):
        Store(url).board("A" * 16)


def test_sqlite_is_in_wal_mode_in_a_folder_made_on_first_use(tmp_path):
    path = tmp_path / "new" / "folder" / "b.sqlite3"
    Store(f"sqlite:///{path}").create("descent")
    assert path.exists()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_default_database_is_a_file_beside_the_app(monkeypatch):
    monkeypatch.delenv("GP_DATABASE_URL", raising=False)
    assert database.sqlite_path(board.database_url()) == database.ROOT / "data" / "boards.sqlite3"
    monkeypatch.setenv("GP_DATABASE_URL", "postgresql://u@h/db")
    assert board.database_url() == "postgresql://u@h/db"
    assert database.sqlite_path("sqlite:///rel/b.db") == database.ROOT / "rel" / "b.db"
    with pytest.raises(ValueError):
        database.sqlite_path("sqlite:/nowhere")


# ── what each lab sends, against independent truth ─────────────────────────────────────────────────────
@pytest.mark.parametrize("x0, lr", [(0.0, 0.01), (3.0, 0.01), (5.0, 0.05), (-3.0, 0.1), (10.0, 0.01)])
def test_a_descent_entry_holds_each_starts_outcome_as_a_loop_by_hand_finds_it(x0, lr):
    entry = board.descent((1, -5, 4), [x0], lr, 1000, 1e-6)
    (start,) = entry.results["starts"]
    x, steps, status = descent_by_hand(1.0, -5.0, 4.0, x0, lr)
    assert start["steps"] == steps
    if status == "converged":
        assert start["outcome"] == ("left root" if abs(x - 1) < abs(x - 4) else "right root")
        assert start["x"] == pytest.approx(x, abs=1e-9)
    elif status == "diverged":
        assert start["outcome"] == "diverged"
    assert entry.settings == {"a": 1.0, "b": -5.0, "c": 4.0, "x0": [x0], "lr": lr, "steps": 1000, "tol": 1e-6}


def _race_by_hand(x0, lr, kind, steps=1000, tol=1e-6):
    """Gradient descent or Adagrad on (x² − 5x + 4)², written out: (status, steps, x)."""
    x, G = x0, 0.0
    for t in range(1, steps + 1):
        p = x * x - 5 * x + 4
        g = 2 * p * (2 * x - 5)
        if kind == "Adagrad":
            G += g * g
            x = x - lr * g / (math.sqrt(G) + 1e-8)
        else:
            x = x - lr * g
        if not math.isfinite(x) or abs(x) > 1e6:
            return "diverged", t, x
        if abs(x * x - 5 * x + 4) < tol:
            return "converged", t, x
    return "max_steps", steps, x


@pytest.mark.parametrize("x0, lr_gd, lr_ada", [(0.0, 0.01, 0.5), (0.0, 0.2, 0.2), (6.0, 0.005, 1.0), (3.0, 0.02, 0.1)])
def test_an_adagrad_entry_names_the_racer_a_loop_by_hand_finds_fastest(x0, lr_gd, lr_ada):
    entry = board.adagrad(x0, {"gradient descent": lr_gd, "Adagrad": lr_ada}, 1000, ("Adagrad", "gradient descent"))
    by_hand = {name: _race_by_hand(x0, lr, name) for name, lr in (("gradient descent", lr_gd), ("Adagrad", lr_ada))}
    for racer in entry.results["racers"]:
        status, steps, x = by_hand[racer["name"]]
        assert (racer["status"], racer["steps"]) == (status, steps)
        if status == "converged":
            assert racer["root"] == (1.0 if abs(x - 1) < abs(x - 4) else 4.0)
    done = sorted((s[1], name) for name, s in by_hand.items() if s[0] == "converged" and s[1] > 1)
    assert entry.results["winner"] == (done[0][1] if done else None)


def test_an_mlp_entry_is_a_finished_run_its_changed_settings_and_its_numbers():
    from core.train import TrainConfig, Trainer

    trainer = Trainer(TrainConfig(epochs=1, n_samples=200, lr=0.002, activation="tanh", seed=3))
    with pytest.raises(board.NotReady):
        board.mlp(None)
    trainer.train(10**9)
    entry = board.mlp(trainer)
    assert entry.settings == {"act": "tanh", "lr": 0.002, "epochs": 1, "n": 200, "seed": 3}
    at = trainer.predict([-2.0, -1.0, 1.0, 2.0, 103.0])  # the net's own numbers, not the lab's summary
    assert [entry.results[k] for k in ("f(-2)", "f(-1)", "f(1)", "f(2)", "f(103)")] == pytest.approx(list(at))
    last = trainer.history[trainer.history["epoch"] > 0]["loss"]
    assert entry.results["final_loss"] == pytest.approx(float(last.mean()))


def test_the_csv_keeps_every_nickname_and_no_cell_is_a_formula(store):
    made, secret = store.create("descent")
    store.send(made.code, "a", gd(0.0), "=1+1")
    store.send(made.code, "b", gd(1.0), "Ann")
    store.hide_names(made.code, secret, True)
    text = view.csv("descent", store.teacher_runs(made.code, secret)).decode()
    lines = text.splitlines()
    assert lines[0].startswith("run,sent (UTC),nickname") and len(lines) == 3
    assert "'=1+1" in lines[1] and ",Ann," in lines[2]
