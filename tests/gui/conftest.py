"""UI tests run offscreen with pytest-qt, with Qt's own texts in Vietnamese (ui/qt_texts.py's translator);
the `window` fixture is the main window over a copy of the demo."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def vietnamese_qt_texts(qapp):
    """Qt's own texts (standard buttons, context menus, file dialog) in Vietnamese, as ui.shell.app.run
    makes the application: what the tests see is what the user sees."""
    from ui.qt_texts import install_translator

    install_translator(qapp)
    return qapp


@pytest.fixture
def ctx(demo_store, qapp):
    """An AppContext over a writable copy of the demo (unit Chi Lăng Nam, period 2023-NAM)."""
    from ui.shell.context import AppContext

    unit = demo_store.unit()
    period = demo_store.get_period(unit["code"], "2023-NAM")
    return AppContext(demo_store, unit["code"], period["id"])


@pytest.fixture
def no_dialogs(monkeypatch):
    """Message boxes never block a test: they are recorded instead, and `ask` / `choose` say yes."""
    from ui import messages

    shown = []
    monkeypatch.setattr(messages, "info", lambda parent, text, title=None: shown.append(("info", text)))
    monkeypatch.setattr(messages, "error", lambda parent, text, title=None: shown.append(("error", text)))
    monkeypatch.setattr(messages, "ask", lambda parent, text, title=None: shown.append(("ask", text)) or True)
    monkeypatch.setattr(messages, "choose",
                        lambda parent, text, yes, no, title=None: shown.append(("choose", f"{text}\n[{yes} | {no}]")) or True)
    return shown


@pytest.fixture
def window(ctx, qtbot, no_dialogs):
    from ui.shell.main_window import MainWindow

    w = MainWindow(ctx, install_features=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    w.shown_messages = no_dialogs
    return w
