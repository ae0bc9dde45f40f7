"""One window per data file: a second start on the same file brings the first window forward.

The OS lock of cchc_desktop/store/lock.py is what guarantees one writer; this module only
makes the second start friendly. The first instance listens on a QLocalServer whose name is
derived from the data file's full path; a second instance on the same file connects, asks it
to come forward (`raise_`, `activateWindow`, where the OS allows) and exits with a message.

A double-clicked package (`gui --open-package FILE.cchc`) while a window has the file open: the
second instance sends the package's path along and exits without a message; the window comes
forward and opens its import preview (Công cụ → Nhập gói của đơn vị cấp dưới… with the file
chosen). A path that arrives before the window is ready waits for `attach`.

    guard = single_instance.claim(path, package=FILE)  # None: another window has the file (and the package)
    ...
    guard.attach(window)                  # once the window exists
    follow(window, store.path)            # after the window switched to another file
"""
from __future__ import annotations

import getpass
import hashlib
import os
from pathlib import Path

from cchc_desktop import paths
from ui import messages

from ui.qt import QLocalServer, QLocalSocket, QObject, QTimer, Signal  # Qt itself only when needed (~20 ms)

ALREADY_OPEN = (
    "Tệp dữ liệu “{name}” đang được mở ở một cửa sổ CCHC Desktop khác; cửa sổ đó đã được đưa lên "
    "trước. Hãy làm việc trên cửa sổ đó (hai cửa sổ cùng ghi một tệp sẽ dễ ghi đè lên nhau)."
)
_HELLO = b"cchc-activate\n"
_PACKAGE = b"cchc-open-package\t"  # + the package's absolute path in UTF-8 + "\n"


def server_name(data_path: str | Path | None) -> str:
    """The same name for every spelling of one file's path (case-insensitive on Windows).

    None is the default data file (its path is not computed before the window shows)."""
    if data_path is None:  # per user: the default file lives in the user's own folder
        try:
            user = getpass.getuser()
        except Exception:
            user = "?"
        return "cchc-desktop-mac-dinh-" + hashlib.sha1(user.encode("utf-8")).hexdigest()[:12]
    p = Path(data_path)
    try:
        p = p.resolve()
    except OSError:
        p = p.absolute()
    key = os.path.normcase(str(p)).encode("utf-8")
    return "cchc-desktop-" + hashlib.sha1(key).hexdigest()[:20]


class InstanceGuard(QObject):
    """Held by the first instance while its window is open."""

    activate_requested = Signal()
    package_requested = Signal(str)

    def __init__(self, server: QLocalServer | None, name: str):
        super().__init__()
        self.name = name
        self.server = server
        self._window = None
        self._pending: list[str] = []  # packages handed over before the window was attached
        self.package_requested.connect(self._on_package)
        if server is not None:
            server.setParent(self)
            server.newConnection.connect(self._on_connection)

    def _on_connection(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            message = b""
            # One message a connection: read until the other start hangs up (it does once written).
            while (sock.bytesAvailable() or sock.waitForReadyRead(500)) and len(message) < 65536:
                message += bytes(sock.readAll())
            sock.disconnectFromServer()
            sock.deleteLater()
            lines = message.split(b"\n")
            if _HELLO.strip() in lines:
                self.activate_requested.emit()
            for line in lines:
                if line.startswith(_PACKAGE):
                    path = line[len(_PACKAGE):].decode("utf-8", "replace").strip()
                    if path:
                        self.package_requested.emit(path)

    def attach(self, window) -> None:
        """Bring `window` forward whenever another start on the same file asks for it, and open
        the import preview of a package it hands over (one that came before now, too)."""
        self._window = window
        window.instance_guard = self  # `follow` moves it when the window switches files
        self.activate_requested.connect(lambda: bring_forward(window))
        pending, self._pending = self._pending, []
        for path in pending:
            self._on_package(path)

    def _on_package(self, path: str) -> None:
        if self._window is None:
            self._pending.append(path)
            return
        window = self._window
        # After this slot returns: the preview is a modal dialog with its own event loop.
        QTimer.singleShot(0, lambda: open_package(window, path))

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None


def key_for(data_path: str | Path | None) -> str | Path | None:
    """The path to key a file's guard by: None for the user's default data file (what a start
    without --db claims), the path itself otherwise."""
    if data_path is None:
        return None
    try:
        default = paths.default_db_path()
        if Path(data_path).resolve() == Path(default).resolve():
            return None
    except OSError:
        pass
    return data_path


def follow(window, data_path: str | Path) -> InstanceGuard | None:
    """The window now shows `data_path`: release the guard of the file it showed and claim the
    new file's, so a second start on the old file opens it (not this window) and a start on the
    new one, or a double-clicked package, comes here. A window without a guard (tests,
    screenshots) gets none. Returns the guard the window holds now (None if none)."""
    old = getattr(window, "instance_guard", None)
    if old is None:
        return None
    key = key_for(data_path)
    if old.server is not None and old.name == server_name(key):
        return old
    old.close()
    old._window = None
    window.instance_guard = None
    guard = claim(key, timeout_ms=200)  # None: another window answers there (the OS lock keeps the file)
    if guard is not None:
        guard.attach(window)
    return guard


def bring_forward(window) -> None:
    from ui.qt import Qt  # the Qt namespace costs ~20 ms when first looked up: not before the frame

    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()


def open_package(window, path: str):
    """Bring the window forward and open its package import with `path` chosen."""
    bring_forward(window)
    return show_package_import(window, path)


def show_package_import(window, package: str):
    """The menu's package import (Công cụ → Nhập gói của đơn vị cấp dưới…) with `package` chosen:
    a double-clicked .cchc, at start (ui.shell.app.run) or sent by a second start."""
    feature = getattr(window, "package_feature", None)
    if feature is None:  # the feature did not load (its error was shown)
        messages.error(window, f"Không mở được gói “{Path(package).name}”: chức năng nhập gói chưa nạp được. "
                               "Hãy cài lại phần mềm.")
        return None
    return feature.import_packages([package])


def claim(data_path: str | Path | None, timeout_ms: int = 800, package: str | Path | None = None
          ) -> InstanceGuard | None:
    """Become the instance for this file, or (None) ask the one that is to come forward and,
    with `package`, to open that package's import preview."""
    name = server_name(data_path)
    sock = QLocalSocket()
    sock.connectToServer(name)
    if sock.waitForConnected(timeout_ms):
        message = _HELLO
        if package:
            message += _PACKAGE + str(Path(package).absolute()).encode("utf-8") + b"\n"
        sock.write(message)
        sock.flush()
        sock.waitForBytesWritten(timeout_ms)
        sock.disconnectFromServer()
        return None
    server = QLocalServer()
    server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
    if not server.listen(name):
        # A socket file left by a crash (Unix): nobody answered on it, so remove and retry.
        QLocalServer.removeServer(name)
        if not server.listen(name):
            server = None  # no forwarding then; the OS lock still keeps the file to one writer
    return InstanceGuard(server, name)
