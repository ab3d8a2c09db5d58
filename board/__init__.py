"""The class board: one link collects every student's run of a lab, and the class sees its own experiment.

No Streamlit here (``app/board_panel.py`` is the glue). ``board.database`` is the database (SQLite by
default, PostgreSQL when ``GP_DATABASE_URL`` says so) and its schema; ``board.store`` the board's rules in it:
unguessable codes, the teacher's secret kept only as a hash, expiry, and the limits; ``board.entries`` is what
each lab sends (settings and results, computed here from ``core``, never by the page); ``board.view`` turns a
board's runs into its table, its picture and its CSV; ``board.words`` holds the sentences, as templates with
named fields.
"""
from board.database import database_url
from board.entries import Entry, NotReady, adagrad, descent, mlp
from board.store import BoardError, Forbidden, Store, clean_nickname, malformed, visible

__all__ = ["BoardError", "Entry", "Forbidden", "NotReady", "Store", "adagrad", "clean_nickname", "database_url",
           "descent", "malformed", "mlp", "visible"]
