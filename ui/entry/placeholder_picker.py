"""A searchable list of every value name the report text may use, to insert `{{name}}`.

`value_entries(data)` lists them (catalogue rows with their current value, the dossier measures
of the three agencies, the period and unit names, the blocks); `describe(name, data)` gives the
label and current value of one name (for tooltips). `PlaceholderPicker` is the dialog: a
filter box over the list (accents optional: "ho so" finds "hồ sơ"; codes are found too), arrow
keys move in the list, Enter emits `chosen(name)` and closes. Each line shows what a user
reads first, the label and the current value; the code follows, smaller and grey, at the
right. Groups are named like the paper forms: "Biểu mẫu 7 – Xây dựng chính quyền điện tử, …".
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from cchc_desktop.domain import dossiers
from cchc_desktop.report import narrative, values
from ui.qt import (
    QColor, QDialog, QDialogButtonBox, QEvent, QFontMetrics, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QStyle, QStyledItemDelegate, Qt, QVBoxLayout, Signal,
)

CODE_FG = QColor("#6b7280")

TEXT_NAMES = values.TEXT_NAMES  # the core lists the names (values.TEXT_NAMES)
BLOCK_KIND = {"ds.van_ban": "danh sách"}


@dataclass
class Entry:
    name: str
    label: str
    value: str  # current value as the report writes it ("" when blank)
    group: str

    @property
    def text(self) -> str:
        """The line of the list: label and value first (the code is drawn beside it, in grey)."""
        value = f"({self.value})" if self.value else "(chưa có số liệu)"
        return f"{self.label} {value}"


def fold(text: str) -> str:
    """Lower case without Vietnamese accents, for searching."""
    text = (text or "").lower().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def value_text(name: str, data) -> str:
    """The current value of a name as one short line ('' when blank)."""
    if name in narrative.BLOCKS:
        return "bảng" if name not in BLOCK_KIND else BLOCK_KIND[name]
    text = narrative.format_value(name, None, data)
    return "" if text == narrative.BLANK else text


def label_of(name: str, data) -> str | None:
    row = data.catalogue.rows_by_code.get(name)
    if row is not None:
        unit = f" ({row.unit})" if row.unit and row.unit != "%" and row.kind != "choice" else ""  # no codes
        return f"{row.label}{unit}"
    if name.startswith("hs."):
        return dossiers.all_value_names().get(name)
    if name in narrative.BLOCKS:
        return narrative.BLOCKS[name]
    return TEXT_NAMES.get(name)


def describe(name: str, data) -> tuple[str, str] | None:
    """(label, current value) of a known name (`BM6/1.2|dong`: with its format), None for an unknown one."""
    base, _, fmt_name = name.partition("|")
    if not data.is_known_name(base) or (fmt_name and fmt_name not in narrative.FORMATS):
        return None
    label = label_of(base, data) or base
    if not fmt_name:
        return label, value_text(base, data)
    if fmt_name == "dong":
        label = label.replace("(Triệu đồng)", "(viết bằng đồng)")
    text = narrative.format_value(base, fmt_name, data)
    return label, "" if text == narrative.BLANK else text


def form_group(form) -> str:
    """`Biểu mẫu 7 – Xây dựng chính quyền điện tử, Chính quyền số`; a form without a heading by its title."""
    if form.heading and form.title:
        return f"{form.heading} – {form.title}"
    return form.heading or form.title or form.code


def value_entries(data) -> list[Entry]:
    out: list[Entry] = []
    for form in data.catalogue.forms:
        group = form_group(form)
        for row in form.rows:
            if not row.has_value:
                continue
            out.append(Entry(row.code, label_of(row.code, data), value_text(row.code, data), group))
    for name, label in dossiers.all_value_names().items():
        out.append(Entry(name, label, value_text(name, data), "Hồ sơ một cửa"))
    for name, label in TEXT_NAMES.items():
        if data.is_known_name(name):
            out.append(Entry(name, label, value_text(name, data), "Kỳ báo cáo và đơn vị"))
    for name, label in narrative.BLOCKS.items():
        out.append(Entry(name, label, value_text(name, data), "Bảng và danh sách"))
    return out


class EntryDelegate(QStyledItemDelegate):
    """An entry's line: its text (label and value) elided at the left, the code at the right in
    a smaller grey face; group headings are drawn as they are."""

    def paint(self, painter, option, index):
        name = index.data(Qt.ItemDataRole.UserRole)
        if not name:
            return super().paint(painter, option, index)
        self.initStyleOption(option, index)
        text = option.text
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        rect = option.rect.adjusted(6, 0, -6, 0)
        small = option.font
        small.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.85))
        code_width = min(QFontMetrics(small).horizontalAdvance(name) + 4, rect.width() // 3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setFont(small)
        painter.setPen(option.palette.highlightedText().color() if selected else CODE_FG)
        painter.drawText(rect.adjusted(rect.width() - code_width, 0, 0, 0),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         QFontMetrics(small).elidedText(name, Qt.TextElideMode.ElideLeft, code_width))
        painter.setFont(index.data(Qt.ItemDataRole.FontRole) or option.font)
        painter.setPen(option.palette.highlightedText().color() if selected else option.palette.text().color())
        main = rect.adjusted(0, 0, -code_width - 10, 0)
        painter.drawText(main, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         QFontMetrics(painter.font()).elidedText(text, Qt.TextElideMode.ElideMiddle, main.width()))
        painter.restore()


class PlaceholderPicker(QDialog):
    """Filter box + list; `chosen(name)` when the user picks one (Enter, double-click, Chèn)."""

    chosen = Signal(str)

    def __init__(self, data, parent=None, initial_filter: str = "", names: list[str] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Chèn số liệu vào văn bản")
        self.resize(780, 520)
        self.entries = value_entries(data)
        if names is not None:  # only these (e.g. the candidates of a typed figure), in this order
            by_name = {e.name: e for e in self.entries}
            self.entries = [by_name[n] for n in names if n in by_name]
        layout = QVBoxLayout(self)
        hint = QLabel("Gõ vài chữ của tên chỉ tiêu, giá trị hoặc mã (có dấu hay không dấu đều được), "
                      "dùng phím mũi tên để chọn, Enter để chèn.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Tìm số liệu, ví dụ: hồ sơ trực tuyến, biểu mẫu 3, năm …")
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        self.list = QListWidget()
        self.list.setTextElideMode(Qt.ElideMiddle)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list.setUniformItemSizes(True)
        self.list.setItemDelegate(EntryDelegate(self.list))
        layout.addWidget(self.list, 1)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.PlainText)
        self.detail.setMinimumHeight(40)
        layout.addWidget(self.detail)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Chèn")
        buttons.button(QDialogButtonBox.Cancel).setText("Đóng")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.Ok)
        layout.addWidget(buttons)

        self._keys: list[str] = []
        self._ranks: list[tuple[str, str, bool]] = []  # (folded name, folded label, has a value) per list row
        group = None
        for e in self.entries:
            if e.group != group:
                group = e.group
                head = QListWidgetItem(f"— {group} —")
                head.setFlags(Qt.NoItemFlags)
                f = head.font()
                f.setBold(True)
                head.setFont(f)
                head.setData(Qt.UserRole, None)
                self.list.addItem(head)
                self._keys.append("")
                self._ranks.append(("", "", False))
            item = QListWidgetItem(e.text)
            item.setData(Qt.UserRole, e.name)
            item.setToolTip(f"{{{{{e.name}}}}}\n{e.label}\nGiá trị hiện tại: {e.value or '(chưa có)'}")
            self.list.addItem(item)
            self._keys.append(fold(f"{e.name} {e.label} {e.value} {e.group}"))
            self._ranks.append((fold(e.name), fold(e.label), bool(e.value)))

        self.filter.textChanged.connect(self.apply_filter)
        self.filter.installEventFilter(self)
        self.list.currentItemChanged.connect(self._show_detail)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.filter.setText(initial_filter)
        self.apply_filter(initial_filter)
        self.filter.setFocus()

    # --- filtering ----------------------------------------------------------------------
    def apply_filter(self, text: str = "") -> None:
        terms = fold(text).split()
        visible_rows = []
        for i, key in enumerate(self._keys):
            if not key:  # group heading: decided after its items
                continue
            show = all(t in key for t in terms)
            self.list.item(i).setHidden(not show)
            if show:
                visible_rows.append(i)
        # A heading shows when one of its items does.
        head = None
        any_visible = False
        for i, key in enumerate(self._keys + [""]):
            if not key:
                if head is not None:
                    self.list.item(head).setHidden(not any_visible)
                head, any_visible = (i if i < len(self._keys) else None), False
            elif not self.list.item(i).isHidden():
                any_visible = True
        current = self.list.currentRow()
        if visible_rows and terms:
            self.list.setCurrentRow(self._best(visible_rows, " ".join(terms)))
        elif visible_rows and (current not in visible_rows):
            self.list.setCurrentRow(visible_rows[0])
        elif not visible_rows:
            self.list.setCurrentRow(-1)
            self.detail.setText("Không có số liệu nào khớp. Hãy gõ ít chữ hơn.")
        self.ok_button.setEnabled(bool(visible_rows))

    def _best(self, rows: list[int], phrase: str) -> int:
        """The row Enter inserts: one whose label has the typed words as they were typed
        ("tiep nhan" → "Số hồ sơ tiếp nhận trong kỳ", not a row that names them among other
        words), with a value, the shortest (the most to the point); a code typed in full first;
        else the first in order."""
        def rank(i):
            name, label, has_value = self._ranks[i]
            if name == phrase:  # a code typed in full
                return (0, False, 0, i)
            if phrase in label:  # the length without the agency ("Công an xã: …"): the desk, listed first, wins a tie
                return (1, not has_value, len(label.rpartition(": ")[2]), i)
            return (2, False, 0, i)
        return min(rows, key=rank)

    def visible_names(self) -> list[str]:
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())
                if self._keys[i] and not self.list.item(i).isHidden()]

    def current_name(self) -> str | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        return item.data(Qt.UserRole)

    def _show_detail(self, item, _previous=None) -> None:
        if item is None or item.data(Qt.UserRole) is None:
            return
        name = item.data(Qt.UserRole)
        e = next(e for e in self.entries if e.name == name)
        self.detail.setText(f"Sẽ chèn {{{{{name}}}}}: {e.label}. Giá trị hiện tại: {e.value or '(chưa có số liệu)'}.")

    # --- keys ---------------------------------------------------------------------------
    def eventFilter(self, obj, event):
        if obj is self.filter and event.type() == QEvent.KeyPress:
            key = event.key()
            if key in (Qt.Key_Up, Qt.Key_Down, Qt.Key_PageUp, Qt.Key_PageDown):
                self._move(key)
                return True
        return super().eventFilter(obj, event)

    def _move(self, key) -> None:
        rows = [i for i in range(self.list.count()) if self._keys[i] and not self.list.item(i).isHidden()]
        if not rows:
            return
        cur = self.list.currentRow()
        pos = rows.index(cur) if cur in rows else -1
        step = {Qt.Key_Up: -1, Qt.Key_Down: 1, Qt.Key_PageUp: -10, Qt.Key_PageDown: 10}[key]
        pos = max(0, min(len(rows) - 1, pos + step))
        self.list.setCurrentRow(rows[pos])

    def accept(self) -> None:
        name = self.current_name()
        if not name:
            return
        self.chosen.emit(name)
        super().accept()
