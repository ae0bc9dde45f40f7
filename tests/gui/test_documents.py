"""The issued documents: the model without widgets, then the panel; read back from the data file."""
import sqlite3

import pytest

from ui.qt import Qt


def docs_in_file(ctx):
    conn = sqlite3.connect(str(ctx.store.path))
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(
            "SELECT * FROM documents WHERE period_id = ? ORDER BY position, id", [ctx.period_id])]
    finally:
        conn.close()


@pytest.fixture
def model(ctx):
    from ui.entry.documents import DocumentsModel

    return DocumentsModel(ctx)


def test_columns_and_rows(model):
    """Read by column name (the model's COLUMNS, the store's fields), never by a bare number."""
    assert model.columnCount() == len(model.COLUMNS) == 5 and model.rowCount() == 5  # the demo's documents (I.1's)
    row = [model.text(0, name) for name in ("number", "symbol", "date", "kind", "summary")]
    assert row == ["44", "KH-UBND", "30/12/2022", "Kế hoạch", "về Cải cách hành chính năm 2023"]
    assert model.headerData(model.column("date"), Qt.Horizontal) == "Ngày ban hành"
    assert model.citation(0) == "Kế hoạch số 44/KH-UBND ngày 30/12/2022 về Cải cách hành chính năm 2023"


def test_edit_writes_the_store(model, ctx):
    assert model.setData(model.cell(0, "date"), "31/12/2022")
    assert docs_in_file(ctx)[0]["date"] == "2022-12-31"
    assert model.text(0, "date") == "31/12/2022"
    assert model.setData(model.cell(0, "summary"), "về CCHC năm 2023")
    assert docs_in_file(ctx)[0]["summary"] == "về CCHC năm 2023"
    assert model.setData(model.cell(0, "date"), "")  # a date may be unknown
    assert docs_in_file(ctx)[0]["date"] is None
    # Undo, newest first.
    model.undo()
    assert docs_in_file(ctx)[0]["date"] == "2022-12-31"
    model.undo()
    assert docs_in_file(ctx)[0]["summary"] == "về Cải cách hành chính năm 2023"
    assert model.text(0, "summary") == "về Cải cách hành chính năm 2023"


def test_invalid_date_refused_and_kept_on_screen(model, ctx):
    from ui.entry.documents import COL_DATE, REJECTED_BG

    errors = []
    ctx.error.connect(errors.append)
    idx = model.index(0, COL_DATE)
    assert not model.setData(idx, "31/02/2023")
    assert docs_in_file(ctx)[0]["date"] == "2022-12-30"
    assert model.data(idx) == "31/02/2023" and model.data(idx, Qt.BackgroundRole) == REJECTED_BG
    assert errors and "không hợp lệ" in errors[0]
    assert model.setData(idx, "29.12.2022")
    assert model.data(idx) == "29/12/2022" and model.data(idx, Qt.BackgroundRole) is None


def test_parse_date():
    from ui.entry.documents import parse_date

    assert parse_date("30/12/2022") == "2022-12-30"
    assert parse_date("1-2-23") == "2023-02-01"
    assert parse_date("2022-12-30") == "2022-12-30"
    assert parse_date("  ") is None
    for bad in ("32/01/2023", "hôm qua", "2023"):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_final_period_refuses_edits(ctx):
    from ui.entry.documents import COL_NUMBER, DocumentsModel

    ctx.store.set_status(ctx.period_id, "final")
    m = DocumentsModel(ctx)
    assert not (m.flags(m.index(0, COL_NUMBER)) & Qt.ItemIsEditable)
    assert not m.setData(m.index(0, COL_NUMBER), "45")
    assert docs_in_file(ctx)[0]["number"] == "44"


@pytest.fixture
def panel(ctx, qtbot):
    from ui.entry.documents import DocumentsPanel

    w = DocumentsPanel(ctx)
    qtbot.addWidget(w)
    w.resize(1000, 420)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def test_add_type_and_remove_through_the_panel(panel, ctx, qtbot, monkeypatch):
    from ui import messages
    from ui.entry.documents import COL_NUMBER

    n = panel.model.rowCount()  # the demo's documents
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    assert panel.model.rowCount() == n + 1
    # The number cell of the new row is open for typing.
    assert panel.view.currentIndex().row() == n and panel.view.currentIndex().column() == COL_NUMBER
    from ui.qt import QApplication

    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "52")
    qtbot.keyClick(editor, Qt.Key_Tab)  # commits, goes to the symbol
    qtbot.waitUntil(lambda: docs_in_file(ctx)[-1]["number"] == "52", timeout=2000)
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "KH-UBND")
    qtbot.keyClick(editor, Qt.Key_Tab)
    qtbot.waitUntil(lambda: docs_in_file(ctx)[-1]["symbol"] == "KH-UBND", timeout=2000)
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "01/06/2023")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: docs_in_file(ctx)[-1]["date"] == "2023-06-01", timeout=2000)
    assert docs_in_file(ctx)[-1]["kind"] == "Kế hoạch"
    panel.view.setCurrentIndex(panel.model.index(n, 0))
    assert panel.citation.text() == "Báo cáo sẽ viết: Kế hoạch số 52/KH-UBND ngày 01/6/2023"
    # Remove asks first.
    monkeypatch.setattr(messages, "ask", lambda parent, text, title=None: False)
    qtbot.mouseClick(panel.remove_button, Qt.LeftButton)
    assert len(docs_in_file(ctx)) == n + 1
    monkeypatch.setattr(messages, "ask", lambda parent, text, title=None: True)
    qtbot.mouseClick(panel.remove_button, Qt.LeftButton)
    assert len(docs_in_file(ctx)) == n and panel.model.rowCount() == n


def test_panel_final_and_focus(ctx, qtbot):
    from ui.entry.documents import DocumentsPanel

    ctx.store.set_status(ctx.period_id, "final")
    w = DocumentsPanel(ctx)
    qtbot.addWidget(w)
    w.show()
    assert not w.add_button.isEnabled() and not w.remove_button.isEnabled()
    doc_id = docs_in_file(ctx)[2]["id"]
    assert w.focus_target(f"document:{doc_id}") and w.view.currentIndex().row() == 2
    assert w.focus_target("ds.van_ban")
    assert not w.focus_target("BM1/1")
    w.close()
