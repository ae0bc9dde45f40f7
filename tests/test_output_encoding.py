"""Every command prints Vietnamese under any code page (issue 18): on Windows a redirected or
piped stdout gets the ANSI code page, simulated here with PYTHONIOENCODING."""
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _run(encoding, *args):
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "cchc_desktop", *map(str, args)],
                          capture_output=True, cwd=ROOT, env=env)


@pytest.mark.parametrize("encoding", ["cp1252", "cp1258"])
def test_commands_print_utf8_under_a_code_page_without_vietnamese(tmp_path, encoding):
    db = tmp_path / "dữ liệu.sqlite"
    demo = _run(encoding, "demo", "--db", db)
    assert demo.returncode == 0, demo.stderr
    assert "Đã tạo dữ liệu mẫu (xã Chi Lăng Nam" in demo.stdout.decode("utf-8")
    assert str(db) in demo.stdout.decode("utf-8")

    validate = _run(encoding, "validate", "--db", db, "--period", "2023-NAM")
    assert validate.returncode in (0, 1), validate.stderr
    out = validate.stdout.decode("utf-8")
    assert "Tổng cộng" in out or "Không phát hiện" in out
    assert b"Traceback" not in validate.stderr

    missing = _run(encoding, "validate", "--db", tmp_path / "không có.sqlite", "--period", "2023-NAM")
    assert missing.returncode == 1
    assert missing.stderr.decode("utf-8").startswith("cchc-desktop: Không tìm thấy tệp dữ liệu")

    usage = _run(encoding, "validate")  # argparse's own error, before any command runs
    assert usage.returncode == 2
    assert "thiếu đối số bắt buộc" in usage.stderr.decode("utf-8")
