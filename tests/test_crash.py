"""Crash safety: a process making rapid edits through the core is killed (SIGKILL) at random
moments, 50 times. After each kill the file passes `PRAGMA integrity_check` and holds every
edit whose commit had returned (the child prints an edit only after `set_value` returned)."""
import os
import random
import sqlite3
import subprocess
import sys
import time

from cchc_desktop.store import check_file, open_store
from conftest import MINI, ROOT

CHILD = r"""
import sys
from cchc_desktop.store import open_store

store = open_store(sys.argv[1], sys.argv[2], backup=True)  # as the window opens it
pid = store.periods("x1")[0]["id"]
row = store.values(pid).get("A/1.1")
i = int(row["value"]) if row and row["value"] else 0
sys.stdout.write(f"ready {i}\n")
sys.stdout.flush()
while True:
    i += 1
    store.set_value(pid, "A/1.1", str(i))
    if i % 7 == 0:
        store.set_narrative(pid, "I.1", f"Lần sửa {i}")
    sys.stdout.write(f"{i}\n")  # only after the commit has returned
    sys.stdout.flush()
"""
KILLS = 50


def _committed(out: bytes) -> tuple[int | None, int | None]:
    """(value at start, last value the child reported as committed) from complete lines."""
    start, last = None, None
    for line in out.decode().split("\n")[:-1]:  # the last piece may be a half-written line
        if line.startswith("ready "):
            start = int(line.split()[1])
        elif line.strip():
            last = int(line)
    return start, last


def test_sigkill_during_rapid_edits_loses_no_committed_edit(tmp_path):
    """Two files side by side, 25 kills each (50 in all), to keep the wall time short."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(_kill_loop, tmp_path / f"crash{k}.sqlite", 20240630 + k, KILLS // 2) for k in range(2)]
        assert sum(r.result() for r in runs) == KILLS


def _kill_loop(path, seed, kills) -> int:
    store = open_store(path, MINI)
    store.create_unit("x1", "Thử", "xa")
    pid = store.create_period("x1", "2024-NAM")["id"]
    store.close()
    rng = random.Random(seed)
    known = 0  # every value up to this one is committed
    edits_seen = 0
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
    for n in range(kills):
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(MINI)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if n % 5 == 4:
            time.sleep(rng.uniform(0.0, 0.35))  # anywhere, often while opening (check, backup, lock)
        else:
            first = proc.stdout.readline()
            assert first.startswith(b"ready"), proc.stderr.read().decode()
            time.sleep(rng.uniform(0.0, 0.12))
        proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        rest = proc.stdout.read()
        err = proc.stderr.read().decode()
        proc.wait()
        out = (first + rest) if n % 5 != 4 else rest
        start, last = _committed(out)
        assert "Traceback" not in err, err
        if start is not None:
            assert start >= known  # the child saw every earlier committed edit
        # What the file holds now (SQLite replays the WAL on this first open).
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            row = conn.execute("SELECT value FROM indicator_values WHERE period_id = ? AND code = 'A/1.1'",
                               [pid]).fetchone()
            stored = int(row[0]) if row else 0
            if last is not None:
                # Every edit whose commit returned is there; at most the one in flight beyond.
                assert last <= stored <= last + 1, (n, last, stored)
                audited = {int(r[0]) for r in conn.execute(
                    "SELECT new FROM audit WHERE period_id = ? AND target = 'value:A/1.1'", [pid])}
                assert set(range(1, last + 1)) <= audited
                edits_seen += last - (start or 0)
            else:
                assert stored >= known
        finally:
            conn.close()
        known = stored
    assert edits_seen > kills  # the kills did land in the middle of editing
    check_file(path)
    store = open_store(path, MINI)
    assert int(store.values(pid)["A/1.1"]["value"]) == known
    store.close()
    return kills
