"""One window per data file: a second start on the same file brings the first window forward.

The OS lock of cchc_desktop/store/lock.py is what guarantees one writer; this module only
makes the second start friendly. The first instance listens on a QLocalServer whose name is
derived from the data file's full path; a second instance on the same file connects, asks it
to come forward (`raise_`, `activateWindow`, where the OS allows) and exits with a message.

    guard = single_instance.claim(path)   # None: another window has the file, it was asked to come forward
    ...
    guard.attach(window)                  # once the window exists
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ui.qt import QLocalServer, QLocalSocket, QObject, Signal  # Qt itself only when needed (~20 ms)

ALREADY_OPEN = (
    "Tệp dữ liệu “{name}” đang được mở ở một cửa sổ CCHC Desktop khác; cửa sổ đó đã được đưa lên "
    "trước. Hãy làm việc trên cửa sổ đó (hai cửa sổ cùng ghi một tệp sẽ dễ ghi đè lên nhau)."
)
_HELLO = b"cchc-activate\n"


def server_name(data_path: str | Path | None) -> str:
    """The same name for every spelling of one file's path (case-insensitive on Windows).

    None is the default data file (its path is not computed before the window shows)."""
    if data_path is None:  # per user: the default file lives in the user's own folder
        import getpass

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

    def __init__(self, server: QLocalServer | None, name: str):
        super().__init__()
        self.name = name
        self.server = server
        self._window = None
        if server is not None:
            server.setParent(self)
            server.newConnection.connect(self._on_connection)

    def _on_connection(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            if sock.bytesAvailable() or sock.waitForReadyRead(500):
                if _HELLO.strip() in bytes(sock.readAll()):
                    self.activate_requested.emit()
            sock.disconnectFromServer()
            sock.deleteLater()

    def attach(self, window) -> None:
        """Bring `window` forward whenever another start on the same file asks for it."""
        self._window = window
        self.activate_requested.connect(lambda: bring_forward(window))

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None


def bring_forward(window) -> None:
    from ui.qt import Qt

    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()


def claim(data_path: str | Path | None, timeout_ms: int = 800) -> InstanceGuard | None:
    """Become the instance for this file, or (None) ask the one that is to come forward."""
    name = server_name(data_path)
    sock = QLocalSocket()
    sock.connectToServer(name)
    if sock.waitForConnected(timeout_ms):
        sock.write(_HELLO)
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
