#!/usr/bin/env python3
"""Set-up and start in one step, on a machine with only Python 3.

    python3 run.py            start the app (creates .venv on first use); on Windows: py run.py
    python3 run.py test       run the whole test suite (likewise)
    python3 run.py <args>     any other arguments go to the cchc-desktop command line

The environment lives in .venv next to this file and is rebuilt when pyproject.toml
changes. On Debian/Ubuntu as root, `test` also installs the system packages the tests
use (LibreOffice, poppler, NSIS, the Qt runtime libraries) through scripts/system-deps.sh.
"""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

MIN_PYTHON = (3, 11)


def python_too_old(version=None):
    """The one Vietnamese line to print when this Python is older than the app needs, else None.
    (This file must still parse on an old Python: no newer syntax above the check.)"""
    version = tuple(sys.version_info[:2] if version is None else version[:2])
    if version >= MIN_PYTHON:
        return None
    return ("CCHC Desktop cần Python %d.%d trở lên, máy đang chạy Python %d.%d: hãy cài Python mới "
            "(trên Windows chạy bằng: py -3.11 run.py)." % (MIN_PYTHON + version))


ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".pyproject-hash"


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_venv() -> Path:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    py = venv_python()
    if py.exists() and STAMP.exists() and STAMP.read_text().strip() == digest:
        return py
    if not py.exists():
        print("Đang tạo môi trường Python (.venv) lần đầu…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    print("Đang cài các thư viện cần thiết…", flush=True)
    pip = [str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["--upgrade", "pip"], check=True)
    subprocess.run(pip + ["-e", "%s[test]" % ROOT], check=True)
    STAMP.write_text(digest)
    return py


def main(argv):
    py = ensure_venv()
    env = dict(os.environ)
    if argv[:1] == ["test"]:
        deps = ROOT / "scripts" / "system-deps.sh"
        if sys.platform.startswith("linux") and deps.exists():
            subprocess.run(["bash", str(deps)], check=False)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        return subprocess.call([str(py), "-m", "pytest", *argv[1:]], cwd=ROOT, env=env)
    return subprocess.call([str(py), "-m", "cchc_desktop", *argv], cwd=ROOT, env=env)


if __name__ == "__main__":
    too_old = python_too_old()
    if too_old:
        sys.stderr.write(too_old + "\n")
        sys.exit(1)
    sys.exit(main(sys.argv[1:]))
