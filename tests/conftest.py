import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini.toml"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def mini_store(tmp_path):
    """A fresh data file with the small test catalogue, one unit and one period."""
    from cchc_desktop.store import open_store

    store = open_store(tmp_path / "mini.sqlite", MINI)
    store.create_unit("x1", "Thử Nghiệm", "xa", place_name="Thử Nghiệm")
    period = store.create_period("x1", "2024-NAM")
    yield store, period["id"]
    store.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    """A data file holding the demo, made once; copy it before writing to it."""
    from cchc_desktop import dataio
    from cchc_desktop.store import open_store

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    store = open_store(path)
    dataio.load_demo(store)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture
def demo_store(demo_file, tmp_path):
    """A writable copy of the demo data file."""
    import shutil

    from cchc_desktop.store import open_store

    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, path)
    store = open_store(path)
    yield store
    store.close()


def run_cli(*args, input=None):
    """Run the command line in a subprocess, as a user would."""
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "cchc_desktop", *map(str, args)],
        capture_output=True, text=True, input=input, cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def accept_all_errors(store, period: str = "2023-NAM", unit: str | None = None) -> None:
    """Accept every error of `validate` (the demo's two planted ones), as an officer would before
    making a package (issue 17: an error blocks the package until fixed or accepted)."""
    from cchc_desktop.report import rules, values

    pid = store.get_period(store.unit(unit)["code"], period)["id"]
    for f in rules.validate(values.load_report(store, unit, period)):
        if f.severity == "loi":
            store.accept_error(pid, f.rule, f.target, f.message, "Đúng như văn bản gốc của đơn vị")
