"""The command line as a user (or a script) drives it: one Vietnamese line on failure, never a traceback."""
import json
import shutil

import pytest

from conftest import run_cli


@pytest.fixture
def demo_db(demo_file, tmp_path):
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, path)
    return path


def _no_traceback(r):
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    assert len(r.stderr.strip().splitlines()) <= 1


@pytest.mark.parametrize("bad", ["-3", "abc", "1e9999", "2,5"])
def test_set_refuses_bad_counts_and_changes_nothing(demo_db, bad):
    before = run_cli("dump", "--db", demo_db, "--period", "2023-NAM").stdout
    r = run_cli("set", "--db", demo_db, "--period", "2023-NAM", "BM1/1", bad)
    assert r.returncode == 1
    _no_traceback(r)
    assert "BM1/1" not in r.stdout and r.stderr.startswith("cchc-desktop: ")
    assert run_cli("dump", "--db", demo_db, "--period", "2023-NAM").stdout == before


def test_set_and_get(demo_db):
    r = run_cli("set", "--db", demo_db, "--period", "2023-NAM", "BM1/2.2", "20", "--note", "5 nhiệm vụ chuyển kỳ sau")
    assert r.returncode == 0, r.stderr
    assert run_cli("get", "--db", demo_db, "--period", "2023-NAM", "BM1/2.2").stdout.strip() == "20"
    # The derived rate follows its parts.
    assert run_cli("get", "--db", demo_db, "--period", "2023-NAM", "BM1/2").stdout.strip() == "80"
    r = run_cli("get", "--db", demo_db, "--period", "2023-NAM", "BM1/2.2", "--note")
    assert r.stdout.splitlines() == ["20", "5 nhiệm vụ chuyển kỳ sau"]
    r = run_cli("set", "--db", demo_db, "--period", "2023-NAM", "BM1/2", "50")
    assert r.returncode == 1 and "tự động" in r.stderr
    r = run_cli("set", "--db", demo_db, "--period", "2023-NAM", "BM1/5", "7")
    assert r.returncode == 1 and "Có = 1" in r.stderr


def test_set_takes_a_choice_by_its_label(demo_db):
    p = ["--db", demo_db, "--period", "2023-NAM"]
    r = run_cli("set", *p, "BM7/2", "3 cấp")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "BM7/2 = 2 (3 cấp)"
    assert run_cli("get", *p, "BM7/2").stdout.strip() == "2"
    for typed, code in (("không", "0"), ("Có", "1"), ("KHONG", "0")):
        r = run_cli("set", *p, "BM1/6", typed)
        assert r.returncode == 0, r.stderr
        assert run_cli("get", *p, "BM1/6").stdout.strip() == code
    r = run_cli("set", *p, "BM1/6", "Có lẽ")
    assert r.returncode == 1 and "Không = 0; Có = 1" in r.stderr
    assert run_cli("get", *p, "BM1/6").stdout.strip() == "0"  # unchanged


def test_set_without_a_value_fails_in_one_line_and_writes_nothing(demo_db):
    before = run_cli("dump", "--db", demo_db, "--period", "2023-NAM").stdout
    r = run_cli("set", "--db", demo_db, "--period", "2023-NAM", "BM1/1")
    assert r.returncode == 1 and r.stdout == ""
    _no_traceback(r)
    assert r.stderr.startswith("cchc-desktop: Thiếu giá trị") and "BM1/1" in r.stderr
    assert run_cli("dump", "--db", demo_db, "--period", "2023-NAM").stdout == before
    # A note alone is a value-less set that works.
    r = run_cli("set", "--db", demo_db, "--period", "2023-NAM", "BM1/1", "--note", "theo sổ văn bản")
    assert r.returncode == 0 and "ghi chú" in r.stdout
    assert run_cli("get", "--db", demo_db, "--period", "2023-NAM", "BM1/1", "--note").stdout.splitlines() == \
        ["25", "theo sổ văn bản"]


def test_validate_exit_codes(demo_db):
    r = run_cli("validate", "--db", demo_db, "--period", "2023-NAM")
    # The demo's errors are the seed's two impossible statements (resources/demo/NOTES.md).
    assert r.returncode == 1 and "Tổng cộng: 2 lỗi, 13 cảnh báo." in r.stdout, r.stdout
    assert "[Cảnh báo] Chưa nhập" in r.stdout and "[Lỗi] Mục III.1 (Ưu điểm): lời văn ghi “trên 100 %" in r.stdout
    run_cli("set", "--db", demo_db, "--period", "2023-NAM", "BM1/2.2", "30")  # more done than planned
    r = run_cli("validate", "--db", demo_db, "--period", "2023-NAM", "--json")
    assert r.returncode == 1
    findings = json.loads(r.stdout)
    assert any(f["target"] == "BM1/2.2" and f["severity"] == "loi" for f in findings)


def test_dump_load_round_trip_is_identical(demo_db, tmp_path):
    first = run_cli("dump", "--db", demo_db, "--period", "2023-NAM")
    (tmp_path / "k.json").write_text(first.stdout, encoding="utf-8")
    r = run_cli("load", "--db", tmp_path / "new.sqlite", tmp_path / "k.json")
    assert r.returncode == 0, r.stderr
    second = run_cli("dump", "--db", tmp_path / "new.sqlite", "--period", "2023-NAM")
    assert second.stdout == first.stdout
    # Loading again without --replace is refused and changes nothing.
    r = run_cli("load", "--db", tmp_path / "new.sqlite", tmp_path / "k.json")
    assert r.returncode == 1 and "đã có" in r.stderr


def test_load_ignores_the_computed_part(demo_db, tmp_path):
    first = run_cli("dump", "--db", demo_db, "--period", "2023-NAM").stdout
    doc = json.loads(first)
    assert doc["computed"]["values"]["BM7/6.7"] == "97,6"
    doc["computed"] = {"values": {"BM7/6.7": "84", "BM9/9": "x"}, "dossiers": "rác"}
    (tmp_path / "k.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert run_cli("load", "--db", tmp_path / "a.sqlite", tmp_path / "k.json").returncode == 0
    assert run_cli("dump", "--db", tmp_path / "a.sqlite", "--period", "2023-NAM").stdout == first
    del doc["computed"]
    (tmp_path / "k.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert run_cli("load", "--db", tmp_path / "b.sqlite", tmp_path / "k.json").returncode == 0
    assert run_cli("dump", "--db", tmp_path / "b.sqlite", "--period", "2023-NAM").stdout == first


def test_list_prints_codes_labels_kinds():
    r = run_cli("list")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert any(line.startswith("BM3/3.3.1\t") and "tự tính" in line for line in lines)
    assert any(line.startswith("BM1/5\t") and "Có = 1" in line for line in lines)


@pytest.mark.parametrize("args,needle", [
    (["get", "--db", "{db}", "--period", "2023-Q4", "BM1/1"], "không đúng dạng"),
    (["get", "--db", "{db}", "--period", "2022-NAM", "BM1/1"], "chưa có kỳ báo cáo"),
    (["get", "--db", "{db}", "--period", "2023-NAM", "BM9/9"], "Không có chỉ tiêu"),
    (["validate", "--db", "{missing}", "--period", "2023-NAM"], "Không tìm thấy tệp dữ liệu"),
    (["load", "--db", "{db}", "{missing}"], "Không tìm thấy tệp"),
    (["demo", "--db", "{db}"], "đã có dữ liệu"),
    (["set", "--db", "{db}"], "thiếu đối số"),
    (["nosuchcommand"], "lựa chọn"),
])
def test_failures_are_one_vietnamese_line(demo_db, tmp_path, args, needle):
    args = [a.format(db=demo_db, missing=tmp_path / "khong-co.sqlite") for a in args]
    r = run_cli(*args)
    assert r.returncode != 0
    _no_traceback(r)
    assert needle in r.stderr


def test_foreign_file_is_refused_untouched(tmp_path):
    bad = tmp_path / "bao-cao.sqlite"
    bad.write_bytes(b"PK\x03\x04 not a database at all" * 100)
    before = bad.read_bytes()
    r = run_cli("validate", "--db", bad, "--period", "2023-NAM")
    assert r.returncode == 1 and "không phải là tệp dữ liệu" in r.stderr
    assert bad.read_bytes() == before


def test_load_rejects_bad_documents_without_writing(demo_db, tmp_path):
    doc = json.loads(run_cli("dump", "--db", demo_db, "--period", "2023-NAM").stdout)
    doc["values"]["BM1/1"]["value"] = -5
    (tmp_path / "bad.json").write_text(json.dumps(doc), encoding="utf-8")
    r = run_cli("load", "--db", tmp_path / "new.sqlite", tmp_path / "bad.json")
    assert r.returncode == 1 and "BM1/1" in r.stderr
    (tmp_path / "trash.json").write_text("{not json", encoding="utf-8")
    r = run_cli("load", "--db", tmp_path / "new.sqlite", tmp_path / "trash.json")
    assert r.returncode == 1 and "JSON" in r.stderr
    # The file exists (created on open) but holds no unit or period.
    r = run_cli("dump", "--db", tmp_path / "new.sqlite", "--period", "2023-NAM")
    assert r.returncode == 1 and "chưa có đơn vị" in r.stderr


# --- the writer lock: reading commands work while a window has the file open ----------------
def _main(capsys, *args):
    from cchc_desktop import cli

    capsys.readouterr()
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _content(path):
    import sqlite3

    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_reading_commands_work_and_writing_ones_are_refused_while_the_file_is_open(demo_db, tmp_path, capsys):
    from cchc_desktop.store import open_store
    from cchc_desktop.store.lock import IN_USE_MESSAGE

    from test_register_import import make_dossiers, write_igate

    register = write_igate(tmp_path / "so.xlsx", make_dossiers(20, seed=31))
    assert _main(capsys, "import-register", "--db", demo_db, register)[0] == 0
    usb = tmp_path / "usb"
    usb.mkdir()
    (tmp_path / "k.json").write_text(_main(capsys, "dump", "--db", demo_db, "--period", "2023-NAM")[1],
                                     encoding="utf-8")
    in_use = IN_USE_MESSAGE.format(name=demo_db.name)
    # the demo's two errors are accepted first (an error blocks the package)
    assert _main(capsys, "chap-nhan-loi", "--db", demo_db, "--period", "2023-NAM", "--tat-ca",
                 "--ly-do", "Đúng như văn bản gốc")[0] == 0
    # the first package makes the commune's signing key (a write); later ones only read
    assert _main(capsys, "package", "--db", demo_db, "--period", "2023-NAM", "--out", usb, "--chot")[0] == 0
    window = open_store(demo_db)  # lock=True, as the window holds it
    try:
        window.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = _content(demo_db)
        p = ["--db", demo_db, "--period", "2023-NAM"]
        for args in (["dump", *p], ["get", *p, "BM1/1"], ["validate", *p], ["list", "--db", demo_db],
                     ["export", *p, "--xlsx", tmp_path / "pl.xlsx"],
                     ["chart", *p, "--kind", "tiep-nhan-linh-vuc", "--out", tmp_path / "c.png"],
                     ["register-stats", *p], ["package", *p, "--out", usb, "--khong-kem-van-ban"]):
            code, out, err = _main(capsys, *args)
            assert code == (1 if args[0] == "validate" else 0) and out, (args, err)  # validate: the demo's errors
            assert "đang được mở" not in err
        assert (tmp_path / "pl.xlsx").exists() and (tmp_path / "c.png").exists()
        assert list(usb.glob("*.cchc"))
        for args in (["set", *p, "BM1/1", "26"], ["load", "--db", demo_db, tmp_path / "k.json", "--replace"],
                     ["import-register", "--db", demo_db, register], ["register-stats", *p, "--apply"],
                     ["import-package", "--db", demo_db, next(usb.glob("*.cchc"))],
                     ["demo", "--db", demo_db], ["restore", "--db", demo_db, demo_db]):
            code, out, err = _main(capsys, *args)
            assert code == 1, args
            assert (in_use in err or "chính là tệp dữ liệu" in err), (args, err)
        assert _content(demo_db) == before  # nothing written, not even by the reading commands
    finally:
        window.close()
    # closed: the writing commands work again (the package closed the period: accepting errors still writes)
    assert _main(capsys, "chap-nhan-loi", *p, "--tat-ca", "--ly-do", "Đúng như văn bản gốc")[0] == 0


def test_reading_command_does_not_upgrade_a_file_another_window_holds(tmp_path, capsys):
    import hashlib
    import shutil

    from conftest import FIXTURES
    from cchc_desktop.store.lock import WriterLock

    path = tmp_path / "cu.sqlite"
    shutil.copy(FIXTURES / "schema" / "v1.sqlite", path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    lock = WriterLock.acquire(path)  # an older window with the file open
    try:
        code, _, err = _main(capsys, "dump", "--db", path, "--period", "2023-NAM", "--unit", "x-co",
                             "--catalogue", FIXTURES / "mini.toml")
        assert code == 1 and "đang được mở" in err
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    finally:
        lock.release()
    code, out, err = _main(capsys, "dump", "--db", path, "--period", "2023-NAM", "--unit", "x-co",
                           "--catalogue", FIXTURES / "mini.toml")
    assert code == 0, err
    assert json.loads(out)["unit"]["code"] == "x-co"


# --- gui --open-package ---------------------------------------------------------------------------
@pytest.fixture
def window_calls(monkeypatch):
    import sys
    import types

    calls = []
    fake = types.ModuleType("ui.shell.app")
    fake.run = lambda db, **kw: calls.append((db, kw)) or 0
    monkeypatch.setitem(sys.modules, "ui.shell.app", fake)
    return calls


def test_gui_open_package_goes_to_the_window(window_calls, tmp_path, monkeypatch):
    from cchc_desktop import cli

    package = tmp_path / "xa-a_2023-NAM.cchc"
    package.write_bytes(b"PK")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["gui", "--db", "h.sqlite", "--open-package", package.name]) == 0
    assert window_calls[-1] == ("h.sqlite", {"screenshot_dir": None, "open_package": str(package)})
    # without `gui`, and a double-clicked package as the only argument
    assert cli.main(["--open-package", package.name, "--db", "h.sqlite"]) == 0
    assert window_calls[-1] == ("h.sqlite", {"screenshot_dir": None, "open_package": str(package)})
    assert cli.main([str(package)]) == 0
    assert window_calls[-1] == (None, {"screenshot_dir": None, "open_package": str(package)})
    # no package: the window as before (no open_package keyword at all)
    assert cli.main([]) == 0 and cli.main(["gui", "--db", "h.sqlite"]) == 0
    assert window_calls[-2:] == [(None, {"screenshot_dir": None}), ("h.sqlite", {"screenshot_dir": None})]
    assert len(window_calls) == 5


def test_list_names_the_catalogue_of_the_units_latest_period_and_load_names_replace(tmp_path, capsys):
    """Review of issue 17 (M1): `list --db` of a 2026 ward printed the Hải Dương 2023 catalogue; `load`
    of a period already there did not say how to replace it; `python -m cchc_desktop.cli` printed nothing."""
    import subprocess
    import sys

    db = tmp_path / "w.sqlite"
    assert _main(capsys, "new-unit", "--db", db, "--province", "Hải Phòng", "--name", "Lê Chân",
                 "--period", "2026-Q3")[0] == 0
    code, out, _ = _main(capsys, "list", "--db", db)
    assert code == 0 and out.startswith("Danh mục HC2-")
    dump = tmp_path / "k.json"
    dump.write_text(_main(capsys, "dump", "--db", db, "--period", "2026-Q3")[1], encoding="utf-8")
    code, _, err = _main(capsys, "load", "--db", db, dump)
    assert code == 1 and "đã có trong tệp dữ liệu" in err and "--replace" in err
    r = subprocess.run([sys.executable, "-m", "cchc_desktop.cli", "--help"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and "LỆNH" in r.stdout
