"""The installer's static pieces: version resource, icon, NSIS script, spec (no build here;
.ci/run builds the bundle and runs installer/smoke-test.sh)."""
import importlib.util
import struct
from pathlib import Path

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


def test_nsis_script_is_per_user_and_keeps_the_data_folder():
    nsi = (INSTALLER / "cchc-desktop.nsi").read_text(encoding="utf-8-sig")
    assert "RequestExecutionLevel user" in nsi
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_NAME}"' in nsi
    assert "HKLM" not in nsi
    assert '!insertmacro MUI_LANGUAGE "Vietnamese"' in nsi
    assert 'Software\\Classes\\.cchc' in nsi
    uninstall = nsi[nsi.index('Section "Uninstall"'):]
    # only the program's own files: no recursive delete of the install folder or the data folder
    assert 'RMDir /r "$INSTDIR"' not in uninstall
    assert "DATA_DIR}\"" not in uninstall.replace('DetailPrint', '')
    assert 'RMDir /r "$LOCALAPPDATA' not in uninstall


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
