"""run.py refuses an old Python with one Vietnamese line, before touching anything."""
import importlib.util
import subprocess
import sys

from tests.conftest import ROOT


def _run_py():
    spec = importlib.util.spec_from_file_location("run_py", ROOT / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_version_check():
    run_py = _run_py()
    assert run_py.python_too_old((3, 11, 0)) is None
    assert run_py.python_too_old((3, 13, 2)) is None
    line = run_py.python_too_old((3, 10, 12))
    assert "cần Python 3.11 trở lên" in line and "Python 3.10" in line and "py -3.11 run.py" in line
    assert "\n" not in line


def test_an_old_python_gets_one_line_and_exit_1(tmp_path):
    """run.py copied to an empty folder, run as if by Python 3.9: no .venv is created."""
    script = tmp_path / "run.py"
    script.write_bytes((ROOT / "run.py").read_bytes())
    code = ("import sys, runpy; sys.version_info = (3, 9, 18, 'final', 0); "
            f"runpy.run_path({str(script)!r}, run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1 and lines[0].startswith("CCHC Desktop cần Python 3.11 trở lên")
    assert not (tmp_path / ".venv").exists()
