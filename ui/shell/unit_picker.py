"""Province, then commune, picked from the official list of 1/7/2025 (searchable combo boxes that
match loosely, as official_units does: "hai phong", "P. Tân Hưng"); a unit outside the list only
by ticking "Đơn vị không có trong danh mục", with a warning. Used by the welcome form and by
Thông tin chung (Chọn theo danh mục…)."""
from __future__ import annotations

from cchc_desktop.domain import units
from cchc_desktop.domain import official_choice as oc, official_units as ou
from cchc_desktop.errors import UserError
from ui.qt import QCheckBox, QComboBox, QCompleter, QFormLayout, QLabel, QLineEdit, QStringListModel, Qt, QWidget

OUTSIDE_KINDS = (("xa", "xã"), ("phuong", "phường"), ("dac_khu", "đặc khu"))
OUTSIDE_WARNING = ("Đơn vị ngoài danh mục đơn vị hành chính từ ngày 01/7/2025: hãy chắc chắn tên và loại đơn vị "
                   "đúng với nghị quyết của Ủy ban Thường vụ Quốc hội; cấp trên sẽ không thấy đơn vị này trong "
                   "danh sách các đơn vị của tỉnh.")


class SearchCombo(QComboBox):
    """An editable combo box over `items` (objects with `.name`) whose popup lists what `find`
    returns for the typed text, best first."""

    def __init__(self, find, parent=None):
        super().__init__(parent)
        self.find = find
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        completer.activated.connect(self._chosen)
        self.lineEdit().textEdited.connect(self._search)
        self.items: list = []

    def set_items(self, items) -> None:
        self.items = list(items)
        self.blockSignals(True)
        self.clear()
        for it in self.items:
            self.addItem(it.name)
        self.setCurrentIndex(-1)
        self.blockSignals(False)
        self.setEditText("")

    def _search(self, text: str) -> None:
        self._model.setStringList([it.name for it in self.find(text)][:50])

    def _chosen(self, text: str) -> None:
        self.setCurrentIndex(self.findText(text, Qt.MatchFlag.MatchExactly))

    def choice(self):
        """The item shown or the one the typed text names (several or none: None)."""
        text = self.currentText().strip()
        exact = [it for it in self.items if it.name == text]
        if exact:
            return exact[0]
        found = self.find(text, best_only=True) if text else []
        return found[0] if len(found) == 1 else None


class UnitPicker(QWidget):
    """The unit's identity: province and commune from the list, or (ticked) a unit outside it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.province = SearchCombo(lambda t, best_only=False: ou.find_provinces(t, best_only=best_only))
        self.province.set_items(ou.provinces())
        self.province.lineEdit().setPlaceholderText("gõ để tìm, ví dụ: hai phong")
        form.addRow("Tỉnh/thành phố:", self.province)
        self.unit = SearchCombo(self._find_units)
        self.unit.lineEdit().setPlaceholderText("chọn tỉnh/thành phố trước, rồi gõ tên để tìm")
        form.addRow("Xã/phường/đặc khu:", self.unit)
        self.outside = QCheckBox("Đơn vị không có trong danh mục")
        form.addRow("", self.outside)
        self.kind = QComboBox()
        for code, word in OUTSIDE_KINDS:
            self.kind.addItem(word, code)
        self.name = QLineEdit()
        self.name.setPlaceholderText("tên đơn vị (không cần ghi chữ “xã”, “phường”)")
        form.addRow("Loại đơn vị:", self.kind)
        form.addRow("Tên đơn vị:", self.name)
        self.warning = QLabel(OUTSIDE_WARNING)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color:#8a5a00;")
        form.addRow(self.warning)
        self._form = form
        self.province.currentIndexChanged.connect(self._province_changed)
        self.province.lineEdit().editingFinished.connect(self._province_changed)
        self.outside.toggled.connect(self._outside_toggled)
        self._outside_toggled(False)

    def _find_units(self, text: str, best_only: bool = False):
        p = self.province.choice()
        return ou.find_units(text, p.code, best_only=best_only) if p else []

    def _province_changed(self, *_):
        p = self.province.choice()
        codes = [u.code for u in self.unit.items]
        wanted = list(ou.units(p.code)) if p else []
        if [u.code for u in wanted] != codes:
            self.unit.set_items(wanted)

    def _outside_toggled(self, on: bool) -> None:
        for w in (self.kind, self.name, self.warning):
            self._form.setRowVisible(w, on)
        self._form.setRowVisible(self.unit, not on)

    def select(self, unit_code: str | None = None, province_code: str | None = None) -> None:
        """Show a unit of the list (Thông tin chung: the unit as it is)."""
        u = ou.unit(unit_code) if unit_code else None
        p = u.province if u else (ou.province(province_code) if province_code else None)
        if p:
            self.province.setCurrentIndex(self.province.findText(p.name, Qt.MatchFlag.MatchExactly))
            self._province_changed()
        if u:
            self.unit.setCurrentIndex(self.unit.findText(u.name, Qt.MatchFlag.MatchExactly))

    def fields(self) -> dict:
        """code, name, kind and the unit record's fields (official_choice.unit_fields); UserError
        (Vietnamese, says what to choose) when the choice is incomplete."""
        p = self.province.choice()
        if p is None:
            raise UserError("Hãy chọn tỉnh/thành phố trong danh sách.")
        if not self.outside.isChecked():
            u = self.unit.choice()
            if u is None:
                raise UserError(f"Hãy chọn xã/phường/đặc khu của {p.name} trong danh sách (hoặc đánh dấu "
                                "“Đơn vị không có trong danh mục”).")
            return oc.unit_fields(u)
        kind = self.kind.currentData()
        name = units.bare_name(self.name.text(), kind)
        if not name:
            raise UserError("Hãy nhập tên đơn vị.")
        return {"code": oc.own_code(kind, name), "name": name, "kind": kind, "upper_name": oc.upper_name(p),
                "upper_code": p.code, "province": p.short_name, "place_name": name}
