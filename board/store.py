"""The class boards and the rules they keep, in the database ``board.database`` opens (SQLite or PostgreSQL).

The rules a board keeps, whatever the page asks:
- a board's code is 96 random bits (``secrets``), 16 URL-safe characters; the teacher's secret is 144 more,
  kept only as its SHA-256 (a random secret needs no slow hash) and compared with ``hmac.compare_digest``;
- a board expires ``days`` after it is made (default 14, at most 90): an expired board takes no runs and
  shows none; expired boards are deleted when the next board is made;
- a visitor sends a setting at most once per board, at most RATE_LIMIT runs a minute (all boards), and a
  board holds at most MAX_RUNS runs; a nickname is at most MAX_NICKNAME characters, control characters
  removed, and is only ever shown as plain text.
Each send is one transaction that holds the board (SQLite ``BEGIN IMMEDIATE``; PostgreSQL ``SELECT … FOR
UPDATE`` on the board's row), so thirty sessions sending at once cannot push a board past its limit.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass

from board import words
from board.database import Database
from i18n import _

LABS = ("descent", "adagrad", "mlp")
CODE_BYTES = 12          # 96 random bits: 16 URL-safe characters
SECRET_BYTES = 18        # 144 random bits: 24 URL-safe characters
CODE = re.compile(r"[A-Za-z0-9_-]{16}")
SECRET = re.compile(r"[A-Za-z0-9_-]{24}")
DEFAULT_DAYS = 14
MAX_DAYS = 90
MAX_RUNS = 500           # runs per board
RATE_LIMIT = 20          # runs per visitor per RATE_WINDOW seconds
RATE_WINDOW = 60.0
MAX_NICKNAME = 20        # characters
MAX_ENTRY_BYTES = 16_000  # a run's settings and results as JSON (a descent run with its starts is ~1 kB)

SENT, DUPLICATE, RATE, FULL = "sent", "duplicate", "rate", "full"


class BoardError(Exception):
    """A board code that cannot be used: ``kind`` is "malformed", "unknown" or "expired" (words.NOTICES)."""

    def __init__(self, kind: str, code: str = ""):
        super().__init__(kind)
        self.kind, self.code = kind, code


class Forbidden(Exception):
    """A moderation action without the board's secret."""


@dataclass(frozen=True)
class Board:
    code: str
    lab: str
    created: float
    expires: float
    hide_names: bool
    runs: int


@dataclass(frozen=True)
class Run:
    id: int
    nickname: str
    sent: float
    settings: dict
    results: dict


def malformed(code) -> bool:
    """Whether ``code`` cannot be a board's code (wrong length or characters): no database is asked."""
    return not (isinstance(code, str) and CODE.fullmatch(code))


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def visitor_hash(visitor: str) -> str:
    """What the database keeps of a visitor: a hash of their session's id, enough to count their runs."""
    return hashlib.sha256(("visitor:" + visitor).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def visible(text: str) -> str:
    """``text`` with each control or format character (a NUL, an escape, a bidi override) shown as "�":
    for echoing a value from a link in a notice."""
    return "".join("\ufffd" if unicodedata.category(ch).startswith("C") else ch for ch in text)


def clean_nickname(text) -> tuple[str, str | None]:
    """(nickname, None) or ("", the sentence saying why not). Control and format characters (newlines, bidi
    overrides, zero-width marks) are removed and runs of spaces made one; the rest must be at most
    MAX_NICKNAME characters. Markup stays as the characters it is: pages show nicknames as plain text."""
    if text is None:
        return "", None
    text = "".join(ch if not unicodedata.category(ch).startswith("C") else " " for ch in str(text))
    text = " ".join(text.split())
    if len(text) > MAX_NICKNAME:
        return "", _(words.NICKNAME_TOO_LONG, limit=MAX_NICKNAME, length=len(text))
    return text, None


def _json(value) -> str:
    """JSON with no NaN or infinity (JSON has none; PostgreSQL and browsers refuse them): such a number is null."""
    def clean(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {str(k): clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        return v
    return json.dumps(clean(value), sort_keys=True, separators=(",", ":"), allow_nan=False)


class Store:
    """The boards in one database (``board.database.Database``: thread-safe, one transaction per call; a
    database that does not answer raises ``board.database.DatabaseError``). ``now`` arguments are for tests
    (default time.time())."""

    def __init__(self, url: str | None = None, *, pool_size: int = 8):
        self.db = Database(url, pool_size=pool_size)

    def close(self) -> None:
        """Close the database's pooled connections."""
        self.db.close()

    def schema_version(self) -> int:
        with self.db.transaction(write=False) as cur:
            return cur.execute("SELECT version FROM gp_schema").fetchone()[0]

    # -- boards -----------------------------------------------------------------------------------------
    def create(self, lab: str, days: float = DEFAULT_DAYS, *, now: float | None = None) -> tuple[Board, str]:
        """A new board for ``lab`` that expires in ``days``: (the board, the teacher's secret). The secret is
        returned once and never stored: only its hash is."""
        if lab not in LABS:
            raise ValueError(f"Invalid lab {lab!r} (one of {', '.join(LABS)})")
        if not (isinstance(days, (int, float)) and 0 < days <= MAX_DAYS):
            raise ValueError(f"Invalid days {days!r} (more than 0, at most {MAX_DAYS})")
        now = time.time() if now is None else now
        code, secret = secrets.token_urlsafe(CODE_BYTES), secrets.token_urlsafe(SECRET_BYTES)
        expires = now + days * 86400.0
        with self.db.transaction(write=True) as cur:
            cur.execute("DELETE FROM gp_runs WHERE board IN (SELECT code FROM gp_boards WHERE expires <= ?)", (now,))
            cur.execute("DELETE FROM gp_boards WHERE expires <= ?", (now,))
            cur.execute("INSERT INTO gp_boards (code, lab, secret_hash, created, expires) VALUES (?, ?, ?, ?, ?)",
                        (code, lab, secret_hash(secret), now, expires))
        return Board(code, lab, now, expires, False, 0), secret

    def board(self, code, *, now: float | None = None) -> Board:
        """The board with this code; BoardError("malformed" | "unknown" | "expired") when there is none to use."""
        if malformed(code):
            raise BoardError("malformed", code if isinstance(code, str) else "")
        now = time.time() if now is None else now
        with self.db.transaction(write=False) as cur:
            row = cur.execute("SELECT code, lab, created, expires, hide_names FROM gp_boards WHERE code = ?",
                              (code,)).fetchone()
            if row is None:
                raise BoardError("unknown", code)
            count = cur.execute("SELECT COUNT(*) FROM gp_runs WHERE board = ?", (code,)).fetchone()[0]
        board = Board(row[0], row[1], float(row[2]), float(row[3]), bool(row[4]), int(count))
        if board.expires <= now:
            raise BoardError("expired", code)
        return board

    def send(self, code: str, visitor: str, entry, nickname: str = "", *, now: float | None = None) -> tuple[str, int]:
        """Put a run on the board: (SENT, its id), or (DUPLICATE | RATE | FULL, 0) when a rule refuses it.
        ``entry`` is a ``board.entries.Entry`` of the board's lab; ``visitor`` the sender's session id."""
        now = time.time() if now is None else now
        name, error = clean_nickname(nickname)
        if error:
            raise ValueError(error)
        board = self.board(code, now=now)  # malformed, unknown, expired: BoardError
        if entry.lab != board.lab:
            raise ValueError(f"Invalid entry: a run of {entry.lab!r} for a board of {board.lab!r}")
        settings, results = _json(entry.settings), _json(entry.results)
        if len(settings) + len(results) > MAX_ENTRY_BYTES:
            raise ValueError(f"Invalid entry: {len(settings) + len(results)} bytes (at most {MAX_ENTRY_BYTES})")
        who = visitor_hash(visitor)
        with self.db.transaction(write=True) as cur:
            held = cur.execute("SELECT expires FROM gp_boards WHERE code = ?" + self.db.for_update, (code,)).fetchone()
            if held is None:  # deleted meanwhile (it expired and a new board was made)
                raise BoardError("unknown", code)
            if cur.execute("SELECT 1 FROM gp_runs WHERE board = ? AND visitor = ? AND setting = ?",
                           (code, who, entry.key)).fetchone():
                return DUPLICATE, 0
            recent = cur.execute("SELECT COUNT(*) FROM gp_runs WHERE visitor = ? AND sent > ?",
                                 (who, now - RATE_WINDOW)).fetchone()[0]
            if recent >= RATE_LIMIT:
                return RATE, 0
            if cur.execute("SELECT COUNT(*) FROM gp_runs WHERE board = ?", (code,)).fetchone()[0] >= MAX_RUNS:
                return FULL, 0
            row = cur.execute("INSERT INTO gp_runs (board, visitor, setting, nickname, sent, settings, results) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                              (code, who, entry.key, name, now, settings, results)).fetchone()
        return SENT, int(row[0])

    def runs(self, code: str, *, now: float | None = None) -> list[Run]:
        """The board's runs, oldest first (BoardError for a code that cannot be used)."""
        self.board(code, now=now)
        with self.db.transaction(write=False) as cur:
            rows = cur.execute("SELECT id, nickname, sent, settings, results FROM gp_runs WHERE board = ? ORDER BY id",
                               (code,)).fetchall()
        return [Run(int(r[0]), r[1], float(r[2]), json.loads(r[3]), json.loads(r[4])) for r in rows]

    # -- the teacher's actions: each needs the board's secret ---------------------------------------------
    def is_teacher(self, code, secret) -> bool:
        """Whether ``secret`` is this board's (compared in constant time; False for any malformed value)."""
        if malformed(code) or not (isinstance(secret, str) and SECRET.fullmatch(secret)):
            return False
        with self.db.transaction(write=False) as cur:
            row = cur.execute("SELECT secret_hash FROM gp_boards WHERE code = ?", (code,)).fetchone()
        return row is not None and hmac.compare_digest(row[0], secret_hash(secret))

    def _require(self, code, secret) -> None:
        if not self.is_teacher(code, secret):
            raise Forbidden(_(words.FORBIDDEN))

    def hide_names(self, code: str, secret: str, hide: bool) -> None:
        self._require(code, secret)
        with self.db.transaction(write=True) as cur:
            cur.execute("UPDATE gp_boards SET hide_names = ? WHERE code = ?", (int(bool(hide)), code))

    def remove(self, code: str, secret: str, run_id: int) -> bool:
        """Remove one run; whether there was one with that id on this board."""
        self._require(code, secret)
        with self.db.transaction(write=True) as cur:
            return cur.execute("DELETE FROM gp_runs WHERE board = ? AND id = ?", (code, int(run_id))).rowcount == 1

    def clear(self, code: str, secret: str) -> int:
        """Remove every run of the board; how many."""
        self._require(code, secret)
        with self.db.transaction(write=True) as cur:
            return cur.execute("DELETE FROM gp_runs WHERE board = ?", (code,)).rowcount

    def teacher_runs(self, code: str, secret: str, *, now: float | None = None) -> list[Run]:
        """The runs with their nicknames whatever the board shows (for the CSV download)."""
        self._require(code, secret)
        return self.runs(code, now=now)
