"""The usage database ``<data_dir>/usage.sqlite``: question log, feedback and curated answers.

It lives in the data directory so a backup of that directory includes it. The default
rollback journal (not WAL) keeps every committed row in the one file, so a plain copy of
the directory is a complete backup. Each call opens its own connection (sqlite3
connections are not shared between the app's worker threads); writes are single rows, so
the 30 s busy timeout is never reached in practice.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

FILENAME = "usage.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at TEXT NOT NULL,
    question TEXT NOT NULL,
    standalone TEXT NOT NULL DEFAULT '',
    found INTEGER NOT NULL,
    mode TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    citations TEXT NOT NULL DEFAULT '[]',
    curated_id INTEGER,
    user TEXT,
    ip TEXT
);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions(asked_at);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id INTEGER,
    rated_at TEXT NOT NULL,
    useful INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL DEFAULT '',
    standalone TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    citations TEXT NOT NULL DEFAULT '[]',
    mode TEXT NOT NULL DEFAULT '',
    user TEXT,
    ip TEXT
);
CREATE INDEX IF NOT EXISTS feedback_rated_at ON feedback(rated_at);
CREATE TABLE IF NOT EXISTS faq (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    variants TEXT NOT NULL DEFAULT '[]',
    answer TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_at TEXT NOT NULL
);
"""


def now() -> str:
    """Local wall-clock time to the second, as administrators read and filter it (YYYY-MM-DD HH:MM:SS)."""
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / FILENAME


@contextmanager
def connect(data_dir: Path):
    """A connection with the schema in place; commits on success, rolls back on error."""
    path = db_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30)
    con.row_factory = sqlite3.Row
    try:
        con.executescript(SCHEMA)
        yield con
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()
