"""The boards' database: SQLite or PostgreSQL behind one interface, and the one versioned schema the app creates.

Where: ``GP_DATABASE_URL``. Unset, an SQLite file ``data/boards.sqlite3`` beside the app (the folder is created
on first use and git-ignored); ``sqlite:///relative/path`` or ``sqlite:////absolute/path`` (SQLAlchemy's form)
or a bare file path name another file; ``postgresql://user@host/db`` uses PostgreSQL through psycopg 3, an
optional dependency imported only then, so that several replicas behind nginx share their boards.

``Database.transaction`` is the only way in: one transaction per call, SQL written once with ``?``
placeholders. What the two databases spell differently stays here: the column types, the placeholders, how a
writer holds the board (``Database.for_update``), and how two replicas starting at once agree on the schema.
The board's rules are ``board.store``'s.
"""
from __future__ import annotations

import os
import queue
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from board import words
from i18n import _

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = ROOT / "data" / "boards.sqlite3"

SCHEMA_VERSION = 1
# One schema for both databases: {id} and {real} are the two column types they spell differently.
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS gp_boards (
        code TEXT PRIMARY KEY,
        lab TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created {real} NOT NULL,
        expires {real} NOT NULL,
        hide_names INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS gp_runs (
        id {id},
        board TEXT NOT NULL REFERENCES gp_boards(code) ON DELETE CASCADE,
        visitor TEXT NOT NULL,
        setting TEXT NOT NULL,
        nickname TEXT NOT NULL DEFAULT '',
        sent {real} NOT NULL,
        settings TEXT NOT NULL,
        results TEXT NOT NULL,
        UNIQUE (board, visitor, setting))""",
    "CREATE INDEX IF NOT EXISTS gp_runs_board ON gp_runs (board, id)",
    "CREATE INDEX IF NOT EXISTS gp_runs_visitor ON gp_runs (visitor, sent)",
)
TYPES = {"sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "real": "REAL"},
         "postgresql": {"id": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "real": "DOUBLE PRECISION"}}
# Steps from one schema version to the next: MIGRATIONS[v] takes a version-v database to v + 1.
MIGRATIONS: dict[int, tuple[str, ...]] = {}


class DatabaseError(Exception):
    """The database did not answer or refused (its own error is the cause)."""


def database_url() -> str:
    """``GP_DATABASE_URL``, or the default SQLite file beside the app."""
    return os.environ.get("GP_DATABASE_URL") or f"sqlite:///{DEFAULT_PATH}"


def sqlite_path(url: str) -> Path:
    """The file an SQLite URL (or a bare path) names; a relative one is under the project root."""
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:////") else ROOT / url[len("sqlite:///"):]
    if url.startswith("sqlite:"):
        raise ValueError(f"Invalid GP_DATABASE_URL {url!r}: write sqlite:///relative/path or sqlite:////absolute/path")
    return Path(url)


class Database:
    """One database. Thread-safe: every transaction takes a connection of its own (SQLite) or one from a small
    pool (PostgreSQL); the schema is created or migrated before the first one."""

    def __init__(self, url: str | None = None, *, pool_size: int = 8):
        self.url = url or database_url()
        self.kind = "postgresql" if self.url.startswith(("postgresql://", "postgres://")) else "sqlite"
        self._pool: queue.LifoQueue = queue.LifoQueue(maxsize=pool_size)
        self._ready = False
        self._ready_lock = threading.Lock()
        if self.kind == "sqlite":
            self.path = sqlite_path(self.url)
        else:
            try:
                import psycopg  # noqa: F401  (optional: only a PostgreSQL database needs it)
            except ImportError as error:
                raise DatabaseError(_(words.NO_PSYCOPG)) from error

    @property
    def for_update(self) -> str:
        """What a SELECT appends to hold the rows it reads until the transaction ends. SQLite's BEGIN IMMEDIATE
        already holds the whole database for writing; PostgreSQL locks the rows."""
        return " FOR UPDATE" if self.kind == "postgresql" else ""

    @contextmanager
    def transaction(self, *, write: bool):
        """A cursor inside one transaction: committed on success, rolled back on any error. SQLite's writers
        take the database's write lock at BEGIN (IMMEDIATE), so two never deadlock upgrading a read."""
        self._ensure_schema()
        conn = None
        if self.kind == "postgresql":
            try:
                conn = self._pool.get_nowait()
            except queue.Empty:
                pass
        try:
            if conn is None:
                conn = self._connect()
            if self.kind == "sqlite":
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield Cursor(conn, self.kind)
            conn.commit()
        except (sqlite3.Error, *self._driver_errors()) as error:
            self._discard(conn)
            conn = None
            raise DatabaseError(str(error)) from error
        except BaseException:
            if conn is not None:
                try:
                    conn.rollback()
                except Exception:  # a broken connection: drop it
                    self._discard(conn)
                    conn = None
            raise
        finally:
            if conn is not None:
                self._release(conn)

    def close(self) -> None:
        """Close the pooled connections (PostgreSQL; SQLite keeps none open)."""
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                return

    # -- connections ------------------------------------------------------------------------------------
    def _connect(self):
        try:
            return self._open()
        except (OSError, sqlite3.Error, *self._driver_errors()) as error:  # e.g. a data folder it may not make
            raise DatabaseError(str(error)) from error

    def _open(self):
        if self.kind == "sqlite":
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")  # in WAL mode: durable across a crash of the app
            return conn
        import psycopg

        return psycopg.connect(self.url, autocommit=False, connect_timeout=10)

    def _driver_errors(self) -> tuple:
        if self.kind == "postgresql":
            import psycopg

            return (psycopg.Error,)
        return ()

    def _release(self, conn) -> None:
        if self.kind == "sqlite":
            conn.close()
            return
        try:
            self._pool.put_nowait(conn)
        except queue.Full:
            conn.close()

    @staticmethod
    def _discard(conn) -> None:
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass

    # -- the schema -------------------------------------------------------------------------------------
    def _ensure_schema(self) -> None:
        with self._ready_lock:
            if self._ready:
                return
            conn = self._connect()
            try:
                cur = Cursor(conn, self.kind)
                if self.kind == "sqlite":
                    conn.execute("PRAGMA journal_mode = WAL")  # kept in the file: readers never wait for a writer
                    conn.execute("BEGIN IMMEDIATE")
                else:  # two replicas starting at once: one creates, the other waits and finds it made
                    cur.execute("SELECT pg_advisory_xact_lock(7300031)")
                cur.execute("CREATE TABLE IF NOT EXISTS gp_schema (version INTEGER NOT NULL)")
                row = cur.execute("SELECT version FROM gp_schema").fetchone()
                version = row[0] if row else 0
                if version > SCHEMA_VERSION:
                    raise DatabaseError(_(words.NEWER_SCHEMA, found=version, known=SCHEMA_VERSION))
                if version == 0:
                    for statement in SCHEMA:
                        cur.execute(statement.format(**TYPES[self.kind]))
                    cur.execute("INSERT INTO gp_schema (version) VALUES (?)", (SCHEMA_VERSION,))
                else:
                    for step in range(version, SCHEMA_VERSION):
                        for statement in MIGRATIONS[step]:
                            cur.execute(statement.format(**TYPES[self.kind]))
                    if version != SCHEMA_VERSION:
                        cur.execute("UPDATE gp_schema SET version = ?", (SCHEMA_VERSION,))
                conn.commit()
            except (sqlite3.Error, *self._driver_errors()) as error:
                conn.rollback()
                raise DatabaseError(str(error)) from error
            finally:
                conn.close()
            self._ready = True


class Cursor:
    """The two drivers behind one interface: SQL written with ``?`` placeholders (psycopg's are ``%s``)."""

    def __init__(self, conn, kind: str):
        self.conn, self.kind = conn, kind

    def execute(self, sql: str, params: tuple = ()):
        if self.kind == "postgresql":
            return self.conn.execute(sql.replace("?", "%s"), params)
        return self.conn.execute(sql, params)
