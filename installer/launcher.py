"""Entry point of the frozen app (PyInstaller): the same program as `cchc-desktop`.

No arguments start the window; `demo`, `validate`, `export`, … work as on the command line;
a double-clicked .cchc package runs `gui --open-package FILE` (installer/cchc-desktop.nsi).
Before handing over to cchc_desktop.cli.main it fixes two things a frozen build needs:

- the windowed Windows build has no console (sys.stdout / sys.stderr are None): output goes
  nowhere, and an error line is shown in a Windows message box instead of being lost;
- matplotlib's font cache lives in the user's cache folder, not in a fresh temporary folder
  for every start (PyInstaller's default), so the first chart of a session is not slowed
  by a rebuild of the font list.
"""
import io
import os
import sys


class _Collect(io.StringIO):
    """Stands in for a missing stderr: keeps what is written, shown in a message box at exit."""


def _fix_streams() -> _Collect | None:
    collected = None
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    if sys.stderr is None:
        collected = _Collect()
        sys.stderr = collected
    return collected


def _show_error(text: str) -> None:
    if sys.platform != "win32" or not text.strip():
        return
    try:
        import ctypes

        MB_ICONERROR = 0x10
        ctypes.windll.user32.MessageBoxW(None, text.strip()[:2000], "CCHC Desktop", MB_ICONERROR)
    except Exception:
        pass


def _matplotlib_cache() -> None:
    if not getattr(sys, "frozen", False):
        return
    try:
        import platformdirs

        folder = os.path.join(platformdirs.user_cache_dir("CCHC Desktop", appauthor=False), "matplotlib")
        os.makedirs(folder, exist_ok=True)
        os.environ["MPLCONFIGDIR"] = folder
    except Exception:  # keep PyInstaller's temporary folder
        pass


def _report_resources() -> None:
    """CCHC_PRINT_RESOURCE_DIR=1: print where resources are looked up and whether Python runs in
UTF-8 mode (the smoke test checks both)."""
    if os.environ.get("CCHC_PRINT_RESOURCE_DIR"):
        from cchc_desktop import paths

        print(f"resource_dir={paths.resource_dir()}", flush=True)
        print(f"utf8_mode={sys.flags.utf8_mode}", flush=True)  # the spec's -X utf8


def _bench_window() -> int:
    """bench/bench_frozen.py: `[gui] --db FILE` shows the window, fills it, and exits at once
    (the same code path frozen and from the source tree)."""
    args = [a for a in sys.argv[1:] if a != "gui"]
    db = args[args.index("--db") + 1] if "--db" in args else None
    from ui.shell.app import run as run_window

    return run_window(db, quit_after_show=True)


def run() -> int:
    collected = _fix_streams()
    import warnings

    # matplotlib's 3D toolkit is left out of the bundle on purpose (no 3D chart): no warning
    warnings.filterwarnings("ignore", message="Unable to import Axes3D")
    _matplotlib_cache()
    _report_resources()
    from cchc_desktop.cli import main

    try:
        code = _bench_window() if os.environ.get("CCHC_BENCH_QUIT_AFTER_SHOW") else main()
    except SystemExit as e:  # argparse errors and --help
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    if collected is not None and code not in (0, None):
        _show_error(collected.getvalue())
    return code or 0


if __name__ == "__main__":
    sys.exit(run())
