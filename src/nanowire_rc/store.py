"""A results store for long model selections: SQLite, one committed row per finished piece of work.

Two tables: ``validation`` holds one row per (dataset, model, size, seed, configuration,
representation) with its best validation accuracy, squared error and ridge penalty; ``test``
one row per (dataset, model, size, seed, grid) with the selected configuration and its test
accuracy. Rows are inserted (never replaced) in one transaction per finished chunk, so a killed
run loses at most the chunks in flight and a re-run skips everything already stored.

What is never mixed or lost (docs/errors.md, "Model selection and its results store"): the
``meta`` table records the library version and protocol (another one:
:class:`ProtocolMismatchError`); the ``datasets`` table a SHA-256 fingerprint per dataset
(changed contents: :class:`DatasetChangedError`); an advisory lock on ``results.sqlite.lock``,
released by the operating system even on ``kill -9``, keeps it to one process
(:class:`StoreInUseError`, even with ``fresh=True``); a file is inspected read-only before any
write, and a foreign, non-SQLite or damaged one raises :class:`StoreError` and is left as it is
(``fresh=True`` deletes only a non-SQLite or damaged one), as does damage found later: never a
bare ``sqlite3.DatabaseError``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from .exceptions import DatasetChangedError, ProtocolMismatchError, StoreError, StoreInUseError

__all__ = ["DatasetChangedError", "ProtocolMismatchError", "ResultsStore", "StoreError",
           "StoreInUseError"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
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


def _store_columns() -> dict[str, list[str]]:
    """Each table of a store and its columns, as the schema creates them."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(_SCHEMA)
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: [r[1] for r in db.execute(f"PRAGMA table_info({t})")] for t in tables}
    finally:
        db.close()


_COLUMNS = _store_columns()


class _ProcessLock:
    """An exclusive advisory lock on ``path`` held by this process until :meth:`release`.

    The operating system drops it when the process ends, however it ends, so a crashed run never
    leaves a store locked. The file records who holds it, for the message others get.
    """

    def __init__(self, path: Path, store: Path):
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _try_lock(self._fd)
        except OSError:
            holder = _read_holder(self._fd)
            os.close(self._fd)
            raise StoreInUseError(
                f"{store} is in use by another process{holder}. Nothing was changed (--fresh "
                "deletes nothing while it runs): wait for that run to finish, stop it (Ctrl-C "
                "keeps its finished work), or use another --out directory."
            ) from None
        os.ftruncate(self._fd, 0)
        os.write(self._fd, json.dumps({"pid": os.getpid(), "started_at": time.time(),
                                       "command": " ".join(sys.argv)}).encode())

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def _try_lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _read_holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info["started_at"]))
        return f" (pid {info['pid']}, since {started}: {info['command']})"
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ""


class ResultsStore:
    """Open (or create) the store at ``path`` for ``protocol``; ``fresh`` deletes it first.

    The store is held by this process until :meth:`close` (or the end of a ``with`` block).

    Parameters
    ----------
    path : str or path-like
        The SQLite file (``OUT/results.sqlite`` on the command line); its directory is created.
    protocol : dict
        JSON-serialisable description of what makes results comparable (library version,
        selection protocol); recorded in a new store, checked against an existing one.
    fresh : bool, default False
        Delete an existing store first (only once this process holds it).
    timeout : float, default 10.0
        Seconds SQLite waits for a lock before giving up.

    Raises
    ------
    StoreError
        If the directory cannot be created, the file is not a readable results store or it
        is locked.
    StoreInUseError
        If another process holds the store.
    ProtocolMismatchError
        If the store holds results of another protocol.

    Examples
    --------
    >>> from nanowire_rc.store import ResultsStore
    >>> group = ("SyntheticControl", "nanowire", 100, 0)
    >>> row = {"config": '{"dt": 0.1, "input_scaling": 0.8}', "representation": "mean",
    ...        "alpha": 1.0, "val_accuracy": 0.9, "val_mse": 0.2}
    >>> with ResultsStore("out/results.sqlite", {"n_windows": 8}) as store:
    ...     store.add_validation(group, [row], seconds=1.5)
    ...     store.done_configs(group)
    {'{"dt": 0.1, "input_scaling": 0.8}'}
    """

    def __init__(self, path: str | os.PathLike, protocol: dict, fresh: bool = False,
                 timeout: float = 10.0):
        self.path = Path(path)
        self.protocol = json.dumps(protocol, sort_keys=True)
        self.run_id = uuid.uuid4().hex[:12]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create the directory {self.path.parent} for the results "
                             f"store: {err.strerror or err}. Choose another --out.") from None
        try:
            self._lock = _ProcessLock(self.path.with_name(self.path.name + ".lock"), self.path)
        except OSError as err:
            raise StoreError(f"cannot use {self.path}: {err.strerror or err}. Nothing was "
                             "changed; choose another --out.") from None
        try:
            damage = self._inspect(timeout, fresh)
            if fresh:  # only once this process holds the store: nobody else is using it
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            elif damage:
                raise StoreError(
                    f"{self.path} is not a readable results store ({damage}). Nothing was "
                    "changed; move the file aside (or pass --fresh to delete it) and run again.")
            self._open(timeout)
        except BaseException:
            self._lock.release()
            raise

    def _inspect(self, timeout: float, fresh: bool) -> str | None:
        """Look at an existing file, read-only, before anything writes to it.

        Raises :class:`StoreError` for another application's SQLite database (never ours to
        change or delete) and :class:`ProtocolMismatchError` for a store of another schema
        (unless ``fresh``); returns what is wrong with a damaged or non-SQLite file (which
        ``fresh`` may delete), or None for a store (or no file) that can be opened.
        """
        try:
            if not self.path.exists() or self.path.stat().st_size == 0:
                return None
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                 timeout=timeout)
        except (OSError, sqlite3.OperationalError) as err:
            raise StoreError(f"cannot read {self.path}: {err}. Nothing was changed.") from None
        try:
            names = db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name "
                               "NOT LIKE 'sqlite%'").fetchall()
            tables = {name: [r[0] for r in db.execute(
                "SELECT name FROM pragma_table_info(?) ORDER BY cid", (name,))]
                for (name,) in names}
            foreign = sorted(t for t in tables if tables[t] != _COLUMNS.get(t))
            # A store names its protocol in `meta`; a database with another schema that does
            # is a store of another library version, one that does not is not ours at all.
            ours = tables.get("meta") == _COLUMNS["meta"] and db.execute(
                "SELECT COUNT(*) FROM meta WHERE key='protocol'").fetchone()[0] == 1
            marked = any(db.execute(f"PRAGMA {p}").fetchone()[0]
                         for p in ("application_id", "user_version"))
            if foreign and ours and not fresh:
                raise ProtocolMismatchError(
                    f"{self.path} holds results of another library version (its tables "
                    f"{', '.join(foreign)} differ). Results are never mixed: use another --out "
                    "directory, or --fresh to start this one over.")
            # Tables without a protocol are ours only as the whole schema a crash left before
            # its first row (a lone `meta(key, value)` of another application is not).
            half_made = set(tables) == set(_COLUMNS) and not foreign
            if (foreign and not ours) or (marked and not tables) or (
                    tables and not ours and not half_made):
                what = (f"tables a store has not: {', '.join(foreign)}" if foreign
                        else "marked with another application's id" if marked and not tables
                        else f"tables {', '.join(sorted(tables))} without a store's protocol")
                raise StoreError(
                    f"{self.path} is an SQLite database of another application, not a results "
                    f"store ({what}). It was left as it is (--fresh does not delete it "
                    "either): choose another --out directory, or move the file aside.")
            problems = [r[0] for r in db.execute("PRAGMA quick_check")]
            return None if problems == ["ok"] else "damaged: " + "; ".join(problems[:3])
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise self._explain(err) from None
            return str(err)
        except sqlite3.DatabaseError as err:  # not SQLite, or a page damaged beyond reading
            return str(err)
        finally:
            db.close()

    def _open(self, timeout: float) -> None:
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
        except sqlite3.DatabaseError as err:
            raise self._failure(err) from None

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as err:
            raise self._failure(err) from None

    def _failure(self, err: sqlite3.DatabaseError) -> StoreError:
        """The StoreError of a read or write that failed after the store was opened."""
        if isinstance(err, sqlite3.OperationalError):
            return self._explain(err)
        return StoreError(
            f"{self.path} cannot be read any more ({err}): the file is damaged. Nothing more "
            "is written to it; move it aside (or pass --fresh to delete it) and run again.")

    def done_configs(self, group: tuple) -> set[str]:
        """Configuration keys already evaluated for ``group = (dataset, model, size, seed)``.

        Parameters
        ----------
        group : tuple
            ``(dataset, model, n_neurons, seed)``.

        Returns
        -------
        set of str
            The :func:`~nanowire_rc.selection._config_key` of every stored configuration.

        Examples
        --------
        >>> from nanowire_rc.store import ResultsStore
        >>> with ResultsStore("results.sqlite", {"n_windows": 8}, fresh=True) as store:
        ...     store.done_configs(("SyntheticControl", "nanowire", 100, 0))
        set()
        """
        rows = self._query(
            "SELECT DISTINCT config FROM validation WHERE dataset=? AND model=? AND n_neurons=? "
            "AND seed=?", tuple(group))
        return {r[0] for r in rows}

    def add_validation(self, group: tuple, rows: list[dict], seconds: float) -> None:
        """Store one chunk's validation rows in one transaction.

        Parameters
        ----------
        group : tuple
            ``(dataset, model, n_neurons, seed)``.
        rows : list of dict
            One per (configuration, representation): ``config`` (the configuration's canonical
            text, :func:`~nanowire_rc.selection._config_key`: the store never interprets it),
            ``representation``, ``alpha``, ``val_accuracy``, ``val_mse`` and optionally
            ``memory_factor``.
        seconds : float
            Time the chunk took; spread evenly over its rows.

        Raises
        ------
        StoreError
            If the database is locked or cannot be written; nothing is stored then.

        Examples
        --------
        >>> from nanowire_rc.store import ResultsStore
        >>> group = ("SyntheticControl", "nanowire", 100, 0)
        >>> row = {"config": '{"dt": 0.1}', "representation": "mean", "alpha": 1.0,
        ...        "val_accuracy": 0.9, "val_mse": 0.2}
        >>> with ResultsStore("results.sqlite", {"n_windows": 8}, fresh=True) as store:
        ...     store.add_validation(group, [row], seconds=1.5)
        ...     [r["val_accuracy"] for r in store.validation_rows(group)]
        [0.9]
        """
        now = time.time()
        per_row = seconds / max(len(rows), 1)
        self._write(
            "INSERT INTO validation VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(*group, r["config"], r["representation"], r["alpha"], r["val_accuracy"],
              r["val_mse"], r.get("memory_factor"), per_row, self.run_id, now) for r in rows])

    def validation_rows(self, group: tuple | None = None) -> list[dict]:
        """Stored validation rows (of one group, or all), in a fixed order.

        Parameters
        ----------
        group : tuple, optional
            ``(dataset, model, n_neurons, seed)``; default: every group.

        Returns
        -------
        list of dict
            One per row: ``dataset, model, n_neurons, seed, config`` (its key text),
            ``representation, alpha, val_accuracy, val_mse, memory_factor, seconds, run_id``.

        Examples
        --------
        >>> from nanowire_rc.store import ResultsStore
        >>> with ResultsStore("results.sqlite", {"n_windows": 8}, fresh=True) as store:
        ...     store.validation_rows()
        []
        """
        sql = ("SELECT dataset, model, n_neurons, seed, config, representation, alpha, "
               "val_accuracy, val_mse, memory_factor, seconds, run_id FROM validation")
        args: tuple = ()
        if group is not None:
            sql += " WHERE dataset=? AND model=? AND n_neurons=? AND seed=?"
            args = group
        sql += " ORDER BY dataset, model, n_neurons, seed, config, representation"
        names = ("dataset", "model", "n_neurons", "seed", "config", "representation", "alpha",
                 "val_accuracy", "val_mse", "memory_factor", "seconds", "run_id")
        return [dict(zip(names, r, strict=True)) for r in self._query(sql, tuple(args))]

    def test_result(self, group: tuple, grid: str) -> dict | None:
        """The stored test row of ``group`` under ``grid``, or None if it has not run yet.

        Parameters
        ----------
        group : tuple
            ``(dataset, model, n_neurons, seed)``.
        grid : str
            Identifier of the hyper-parameter grid the selection ran over.

        Returns
        -------
        dict or None
            The row, as :meth:`test_rows` gives it.

        Examples
        --------
        >>> from nanowire_rc.store import ResultsStore
        >>> with ResultsStore("results.sqlite", {"n_windows": 8}, fresh=True) as store:
        ...     print(store.test_result(("SyntheticControl", "nanowire", 100, 0), "quick"))
        None
        """
        rows = self.test_rows((*group, grid))
        return rows[0] if rows else None

    def add_test(self, group: tuple, grid: str, result: dict) -> None:
        """Store the test result of ``group``'s selected configuration.

        Parameters
        ----------
        group, grid : tuple, str
            As for :meth:`test_result`.
        result : dict
            ``config`` (key text), ``representation``, ``val_accuracy``, ``refit_alpha``,
            ``test_accuracy``, ``n_configs``, ``n_pruned``, ``seconds`` and optionally
            ``memory_factor``.

        Raises
        ------
        StoreError
            When the database cannot be written (locked, read-only, full): the result is not
            stored.

        Examples
        --------
        >>> from nanowire_rc.store import ResultsStore
        >>> group = ("SyntheticControl", "nanowire", 100, 0)
        >>> result = {"config": '{"dt": 0.1}', "representation": "mean", "val_accuracy": 0.9,
        ...           "refit_alpha": 1.0, "test_accuracy": 0.95, "n_configs": 8,
        ...           "n_pruned": 2, "seconds": 3.0}
        >>> with ResultsStore("results.sqlite", {"n_windows": 8}, fresh=True) as store:
        ...     store.add_test(group, "quick", result)
        ...     store.test_result(group, "quick")["test_accuracy"]
        0.95
        """
        self._write(
            "INSERT INTO test VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(*group, grid, result["config"], result["representation"],
              result["val_accuracy"], result.get("memory_factor"), result["refit_alpha"],
              result["test_accuracy"], result["n_configs"], result["n_pruned"],
              result["seconds"], self.run_id, time.time())])

    def test_rows(self, key: tuple | None = None) -> list[dict]:
        """Stored test rows (one ``(dataset, model, size, seed, grid)``, or all).

        Parameters
        ----------
        key : tuple, optional
            ``(dataset, model, n_neurons, seed, grid)``; default: every row.

        Returns
        -------
        list of dict
            One per row: ``dataset, model, n_neurons, seed, grid, config, representation,
            val_accuracy, memory_factor, refit_alpha, test_accuracy, n_configs, n_pruned,
            seconds, run_id``.

        Examples
        --------
        >>> from nanowire_rc.store import ResultsStore
        >>> with ResultsStore("results.sqlite", {"n_windows": 8}, fresh=True) as store:
        ...     store.test_rows()
        []
        """
        names = ("dataset", "model", "n_neurons", "seed", "grid", "config", "representation",
                 "val_accuracy", "memory_factor", "refit_alpha", "test_accuracy", "n_configs",
                 "n_pruned", "seconds", "run_id")
        sql = f"SELECT {', '.join(names)} FROM test"
        args: tuple = ()
        if key is not None:
            sql += " WHERE dataset=? AND model=? AND n_neurons=? AND seed=? AND grid=?"
            args = key
        sql += " ORDER BY dataset, model, n_neurons, seed"
        return [dict(zip(names, r, strict=True)) for r in self._query(sql, tuple(args))]

    def check_datasets(self, fingerprints: dict[str, dict[str, str]]) -> None:
        """Record each dataset's fingerprint, or refuse one that changed since it was recorded.

        Parameters
        ----------
        fingerprints : dict
            Maps a dataset name to ``{part: digest}`` (e.g. ``"train values"``), as
            :func:`~nanowire_rc.datasets.splits_fingerprint` gives it.

        Raises
        ------
        DatasetChangedError
            Naming the dataset and the parts that differ, when the store already holds another
            fingerprint under that name; nothing is written then.

        Examples
        --------
        >>> from nanowire_rc.datasets import load_ucr, splits_fingerprint
        >>> from nanowire_rc.store import ResultsStore
        >>> train, test = (load_ucr("SyntheticControl", s) for s in ("train", "test"))
        >>> with ResultsStore("results.sqlite", {"n_windows": 8}, fresh=True) as store:
        ...     store.check_datasets({"SyntheticControl": splits_fingerprint(train, test)})
        """
        stored = dict(self._query("SELECT name, fingerprint FROM datasets"))
        for name, parts in sorted(fingerprints.items()):
            if name in stored and json.loads(stored[name]) != parts:
                old = json.loads(stored[name])
                changed = sorted(k for k in set(old) | set(parts) if old.get(k) != parts.get(k))
                raise DatasetChangedError(
                    f"{self.path} holds results for a different dataset named {name!r}: its "
                    f"{', '.join(changed)} changed since they were stored. Results are never "
                    "mixed: use another --out directory, or --fresh to start this one over."
                )
        self._write("INSERT OR IGNORE INTO datasets VALUES (?, ?)",
                    [(n, json.dumps(p, sort_keys=True)) for n, p in fingerprints.items()
                     if n not in stored])

    def close(self) -> None:
        """Close the database and let other processes use the store.

        Examples
        --------
        >>> from nanowire_rc.store import ResultsStore
        >>> store = ResultsStore("results.sqlite", {"n_windows": 8})
        >>> store.close()
        >>> ResultsStore("results.sqlite", {"n_windows": 8}).close()  # free again
        """
        self._db.close()
        self._lock.release()

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
