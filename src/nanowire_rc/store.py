"""A results store for long model selections: SQLite, one committed row per finished piece of work.

Two tables: ``validation`` holds one row per (dataset, model, size, seed, configuration,
representation) with its best validation accuracy, squared error and ridge penalty; ``test``
one row per (dataset, model, size, seed, grid) with the selected configuration and its test
accuracy. Rows are inserted (never replaced) in one transaction per finished chunk, so a killed
run loses at most the chunks in flight and a re-run skips everything already stored.

The ``meta`` table records the library version and the selection protocol (representations,
ridge penalties, windows, validation split, compute type). Opening a store written under another
protocol or version raises :class:`ProtocolMismatchError` rather than mixing results silently.
A store that is not a readable SQLite database, or that another process keeps locked, raises
:class:`StoreError`; neither case modifies the file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from .selection import config_key

__all__ = ["ProtocolMismatchError", "ResultsStore", "StoreError"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS validation (
    dataset TEXT NOT NULL, model TEXT NOT NULL, n_neurons INTEGER NOT NULL,
    seed INTEGER NOT NULL, config TEXT NOT NULL, representation TEXT NOT NULL,
    alpha REAL NOT NULL, val_accuracy REAL NOT NULL, val_mse REAL NOT NULL,
    memory_factor REAL, seconds REAL NOT NULL, run_id TEXT NOT NULL, finished_at REAL NOT NULL,
    PRIMARY KEY (dataset, model, n_neurons, seed, config, representation)
);
CREATE TABLE IF NOT EXISTS test (
    dataset TEXT NOT NULL, model TEXT NOT NULL, n_neurons INTEGER NOT NULL,
    seed INTEGER NOT NULL, grid TEXT NOT NULL, config TEXT NOT NULL,
    representation TEXT NOT NULL, val_accuracy REAL NOT NULL, memory_factor REAL,
    refit_alpha REAL NOT NULL, test_accuracy REAL NOT NULL, n_configs INTEGER NOT NULL,
    n_pruned INTEGER NOT NULL, seconds REAL NOT NULL, run_id TEXT NOT NULL,
    finished_at REAL NOT NULL,
    PRIMARY KEY (dataset, model, n_neurons, seed, grid)
);
"""


class StoreError(RuntimeError):
    """The results store cannot be used (corrupt, locked, unwritable); nothing was changed."""


class ProtocolMismatchError(StoreError, ValueError):
    """The store holds results of another protocol or library version."""


class ResultsStore:
    """Open (or create) the store at ``path`` for ``protocol``; ``fresh`` deletes it first."""

    def __init__(self, path: str | os.PathLike, protocol: dict, fresh: bool = False,
                 timeout: float = 10.0):
        self.path = Path(path)
        self.protocol = json.dumps(protocol, sort_keys=True)
        self.run_id = uuid.uuid4().hex[:12]
        if fresh:
            self.path.unlink(missing_ok=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("BEGIN IMMEDIATE")  # fail fast, here, if someone holds the lock
            self._db.execute("COMMIT")
            self._db.executescript(_SCHEMA)
            self._check_meta()
        except sqlite3.OperationalError as err:
            raise self._explain(err) from None
        except sqlite3.DatabaseError as err:
            raise StoreError(
                f"{self.path} is not a readable results store ({err}). Nothing was changed; "
                "move the file aside (or pass --fresh to delete it) and run again."
            ) from None

    def _explain(self, err: sqlite3.OperationalError) -> StoreError:
        if "locked" in str(err) or "busy" in str(err):
            return StoreError(
                f"{self.path} is locked by another process (another run writing to it?). "
                "Nothing was changed; wait for it to finish or use another --out directory."
            )
        return StoreError(f"cannot use {self.path}: {err}. Nothing was changed.")

    def _check_meta(self) -> None:
        rows = dict(self._db.execute("SELECT key, value FROM meta"))
        if not rows:
            with self._transaction():
                self._db.execute("INSERT INTO meta VALUES ('protocol', ?)", (self.protocol,))
                self._db.execute("INSERT INTO meta VALUES ('created_at', ?)", (str(time.time()),))
            return
        if rows.get("protocol") != self.protocol:
            stored = json.loads(rows.get("protocol", "{}"))
            ours = json.loads(self.protocol)
            diff = sorted(k for k in set(stored) | set(ours) if stored.get(k) != ours.get(k))
            raise ProtocolMismatchError(
                f"{self.path} holds results of a different protocol or library version "
                f"(differs in: {', '.join(diff)}). Results are never mixed: use another --out "
                "directory, or --fresh to start this one over."
            )

    def _transaction(self):
        db = self._db

        class _Tx:
            def __enter__(self):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self, exc_type, exc, tb):
                db.execute("ROLLBACK" if exc_type else "COMMIT")

        return _Tx()

    def _write(self, sql: str, rows: Iterable[tuple]) -> None:
        try:
            with self._transaction():
                self._db.executemany(sql, rows)
        except sqlite3.OperationalError as err:
            raise self._explain(err) from None

    def done_configs(self, group: tuple) -> set[str]:
        """Configuration keys already evaluated for ``group = (dataset, model, size, seed)``."""
        cur = self._db.execute(
            "SELECT DISTINCT config FROM validation WHERE dataset=? AND model=? AND n_neurons=? "
            "AND seed=?", group)
        return {r[0] for r in cur}

    def add_validation(self, group: tuple, rows: list[dict], seconds: float) -> None:
        """Store one chunk's validation rows in one transaction."""
        now = time.time()
        per_row = seconds / max(len(rows), 1)
        self._write(
            "INSERT INTO validation VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(*group, config_key(r), r["representation"], r["alpha"], r["val_accuracy"],
              r["val_mse"], r.get("memory_factor"), per_row, self.run_id, now) for r in rows])

    def validation_rows(self, group: tuple | None = None) -> list[dict]:
        """Stored validation rows (of one group, or all), configuration decoded."""
        sql = ("SELECT dataset, model, n_neurons, seed, config, representation, alpha, "
               "val_accuracy, val_mse, memory_factor, seconds, run_id FROM validation")
        args: tuple = ()
        if group is not None:
            sql += " WHERE dataset=? AND model=? AND n_neurons=? AND seed=?"
            args = group
        sql += " ORDER BY dataset, model, n_neurons, seed, config, representation"
        names = ("dataset", "model", "n_neurons", "seed", "config", "representation", "alpha",
                 "val_accuracy", "val_mse", "memory_factor", "seconds", "run_id")
        return [dict(zip(names, r, strict=True)) for r in self._db.execute(sql, args)]

    def test_result(self, group: tuple, grid: str) -> dict | None:
        rows = self.test_rows((*group, grid))
        return rows[0] if rows else None

    def add_test(self, group: tuple, grid: str, result: dict) -> None:
        self._write(
            "INSERT INTO test VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(*group, grid, result["config"], result["representation"],
              result["val_accuracy"], result.get("memory_factor"), result["refit_alpha"],
              result["test_accuracy"], result["n_configs"], result["n_pruned"],
              result["seconds"], self.run_id, time.time())])

    def test_rows(self, key: tuple | None = None) -> list[dict]:
        """Stored test rows (one ``(dataset, model, size, seed, grid)``, or all)."""
        names = ("dataset", "model", "n_neurons", "seed", "grid", "config", "representation",
                 "val_accuracy", "memory_factor", "refit_alpha", "test_accuracy", "n_configs",
                 "n_pruned", "seconds", "run_id")
        sql = f"SELECT {', '.join(names)} FROM test"
        args: tuple = ()
        if key is not None:
            sql += " WHERE dataset=? AND model=? AND n_neurons=? AND seed=? AND grid=?"
            args = key
        sql += " ORDER BY dataset, model, n_neurons, seed"
        return [dict(zip(names, r, strict=True)) for r in self._db.execute(sql, args)]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
