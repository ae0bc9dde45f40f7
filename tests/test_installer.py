"""The installer's static pieces: version resource, icon, NSIS script, spec (no build here;
.ci/run builds the bundle and runs installer/smoke-test.sh)."""
import importlib.util
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"


def _version_info():
    spec = importlib.util.spec_from_file_location("version_info", INSTALLER / "version_info.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class _Node:
    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs


def test_version_resource_is_the_package_version_with_vietnamese_strings(tmp_path):
    from cchc_desktop import __version__

    vi = _version_info()
    assert vi.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert vi.version_tuple("1.2.3rc1") == (1, 2, 3, 0)
    out = vi.write(tmp_path / "v.txt")
    text = out.read_text(encoding="utf-8")
    names = {n: type(n, (_Node,), {}) for n in (
        "VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo", "VarStruct")}
    info = eval(text, names)  # the text form PyInstaller evaluates the same way
    ffi = info.kwargs["ffi"]
    assert ffi.kwargs["filevers"] == vi.version_tuple(__version__)
    tables = info.kwargs["kids"][0].args[0]
    assert [t.args[0] for t in tables] == ["042A04B0", "040904B0"]
    vi_strings = {s.args[0]: s.args[1] for s in tables[0].args[1]}
    assert vi_strings["FileDescription"] == "CCHC Desktop — Báo cáo cải cách hành chính"
    assert vi_strings["FileVersion"] == __version__
    assert vi_strings["OriginalFilename"] == "cchc-desktop.exe"


def test_icon_has_the_windows_sizes():
    data = (ROOT / "resources" / "icons" / "app.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = {struct.unpack_from("<B", data, 6 + 16 * i)[0] or 256 for i in range(count)}
    assert sizes == {16, 24, 32, 48, 256}
    assert (ROOT / "resources" / "icons" / "app.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_nsis_script_is_per_user_by_default_and_keeps_the_data_folder():
    nsi = (INSTALLER / "cchc-desktop.nsi").read_text(encoding="utf-8-sig")
    assert "RequestExecutionLevel user" in nsi
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_NAME}"' in nsi
    assert '!insertmacro MUI_LANGUAGE "Vietnamese"' in nsi
    assert 'Software\\Classes\\.cchc' in nsi
    # keys go to SHCTX: HKCU unless the all-users mode set SetShellVarContext all
    assert "WriteRegStr HKCU" not in nsi and "WriteRegStr HKLM" not in nsi
    assert "StrCpy $AllUsers 0" in nsi.split("Function .onInit")[1].split("FunctionEnd")[0]
    uninstall = nsi[nsi.index('Section "Uninstall"'):]
    # only the program's own files: no recursive delete of the install folder or the data folder
    assert 'RMDir /r "$INSTDIR"' not in uninstall
    assert "$DataDir\"" not in uninstall.replace('DetailPrint', '')
    assert 'RMDir /r "$LOCALAPPDATA' not in uninstall


def _function(nsi, name):
    return nsi[nsi.index(f"Function {name}"):].split("FunctionEnd")[0]


def test_nsis_refuses_what_cannot_run_and_offers_all_users():
    nsi = (INSTALLER / "cchc-desktop.nsi").read_text(encoding="utf-8-sig")
    init = _function(nsi, ".onInit")
    assert "${IfNot} ${RunningX64}" in init and "Windows 64-bit" in init
    assert "${IfNot} ${AtLeastWin10}" in init and "${AtLeastBuild} ${MIN_WINDOWS_BUILD}" in init
    assert "!define MIN_WINDOWS_BUILD 17763" in nsi  # Windows 10 1809, Qt 6's oldest
    assert init.count("Abort") == 2
    # elevated as another account than the one logged on: warned, all users offered
    assert "$SessionUser != $ProcessUser" in init and "không phải tài khoản đang đăng nhập" in init
    assert '"/ALLUSERS"' in init
    assert '"$PROGRAMFILES64\\${APP_NAME}"' in _function(nsi, "DefaultDir")
    assert 'ExecShell "runas"' in _function(nsi, "Elevate")
    assert "Page custom ModePage ModePageLeave" in nsi
    assert 'ReadRegStr $0 HKLM "${UNINST_KEY}"' in _function(nsi, "un.onInit")


def test_version_resource_takes_four_numbers_from_any_version():
    vi = _version_info()
    assert vi.four_part("0.2.0rc1") == "0.2.0.0"
    assert vi.four_part("0.2.0") == "0.2.0.0"
    assert vi.four_part("1.0") == "1.0.0.0"
    assert vi.four_part("2.1.3.dev4") == "2.1.3.0"
    assert vi.four_part("1.2.3.4.5") == "1.2.3.4"
    assert vi.four_part("70000.1") == "65535.1.0.0"  # each part is a 16-bit number


makensis = pytest.mark.skipif(shutil.which("makensis") is None, reason="NSIS not installed")


def _makensis(tmp_path, *defines):
    payload = tmp_path / "payload"
    (payload / "_internal").mkdir(parents=True)
    for name in ("cchc-desktop.exe", "cchc-desktop-cli.exe", "_internal/python311.dll"):
        (payload / name).write_bytes(b"MZ")
    out = tmp_path / "cai-dat.exe"
    done = subprocess.run(["makensis", "-V2", "-WX", "-INPUTCHARSET", "UTF8", "-DNOCOMPRESS",
                           f"-DPAYLOAD_DIR={payload}", f"-DOUTFILE={out}", *defines,
                           str(INSTALLER / "cchc-desktop.nsi")], capture_output=True, text=True)
    return done, out


@makensis
def test_nsis_compiles_a_release_candidate_with_warnings_as_errors(tmp_path):
    vi = _version_info()
    done, out = _makensis(tmp_path, "-DVERSION=0.2.0rc1", f"-DVERSION4={vi.four_part('0.2.0rc1')}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.read_bytes()[:2] == b"MZ"


@makensis
def test_nsis_refuses_a_version_without_its_four_numbers(tmp_path):
    done, _ = _makensis(tmp_path, "-DVERSION=0.2.0rc1")
    assert done.returncode != 0 and "VERSION4" in done.stdout + done.stderr


def test_spec_is_one_folder_and_windowed_on_windows():
    spec = (INSTALLER / "cchc-desktop.spec").read_text(encoding="utf-8")
    assert "COLLECT(" in spec and "exclude_binaries=True" in spec  # one-folder, not one-file
    assert "console=not IS_WIN" in spec
    assert '"tkinter"' in spec and '"PySide6.QtQml"' in spec


def _launcher():
    spec = importlib.util.spec_from_file_location("cchc_launcher", INSTALLER / "launcher.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_a_double_clicked_package_opens_in_the_window(tmp_path, monkeypatch):
    """Explorer runs `"…\\cchc-desktop.exe" gui --open-package "%1"`; the launcher hands that
    argv to the command line unchanged, which asks the window to open the package."""
    import re
    import shlex
    import sys

    from cchc_desktop import cli

    nsi = (INSTALLER / "cchc-desktop.nsi").read_text(encoding="utf-8-sig")
    args = re.search(r"!define OPEN_PACKAGE_ARGS '(.*)'", nsi).group(1)
    assert '"$INSTDIR\\${EXE}" ${OPEN_PACKAGE_ARGS}' in nsi  # the shell\open\command value
    package = tmp_path / "USB của xã" / "xa-chi-lang-nam_2023-NAM.cchc"  # spaces: "%1" is quoted
    argv = shlex.split(args.replace("%1", str(package)))
    assert argv == ["gui", "--open-package", str(package)]
    launcher = _launcher()
    assert not hasattr(launcher, "_package_hint")  # the stop-gap is gone
    seen = []
    monkeypatch.setattr("sys.argv", ["cchc-desktop.exe", *argv])
    monkeypatch.setattr(cli, "main", lambda: seen.append(list(sys.argv[1:])) or 0)
    assert launcher.run() == 0
    assert seen == [argv]
    opened = []
    monkeypatch.setattr("ui.shell.app.run", lambda db, **kw: opened.append((db, kw)) or 0)
    parsed = cli.build_parser().parse_args(argv)
    assert parsed.func(parsed) == 0
    assert opened == [(None, {"screenshot_dir": None, "open_package": str(package)})]


def test_launcher_gives_a_windowed_build_somewhere_to_write(monkeypatch):
    launcher = _launcher()
    monkeypatch.setattr("sys.stdout", None)
    monkeypatch.setattr("sys.stderr", None)
    collected = launcher._fix_streams()
    import sys

    print("x")
    sys.stderr.write("cchc-desktop: lỗi\n")
    assert collected.getvalue() == "cchc-desktop: lỗi\n"
