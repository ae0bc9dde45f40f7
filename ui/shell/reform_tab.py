"""A section of the report in the window: its indicator forms, the extra panel some sections
show (PANELS: which widget, under which title, before or after the forms), its narrative editor;
in an upper level's window, a notice that the communes' figures are consolidated elsewhere."""
from __future__ import annotations

from dataclasses import dataclass

from cchc_desktop.domain.catalogue import aggregation
from cchc_desktop.report.values import outline
from ui import messages
from ui.entry.documents import DocumentsPanel
from ui.entry.dossier_tab import DossierPanel
from ui.entry.indicator_form import IndicatorForm
from ui.entry.narrative_editor import NarrativeEditor
from ui.qt import QFrame, QHBoxLayout, QLabel, QPushButton, QSplitter, Qt, QTabWidget, QVBoxLayout, QWidget
from cchc_desktop.domain.units import KIND_WORDS, UPPER_KINDS, label


@dataclass(frozen=True)
class Panel:
    """An extra panel of a section: a widget built with the window's context, its sub-tab title,
    and whether it comes before the section's indicator forms."""
    widget: type
    title: str
    first: bool = False


PANELS: dict[str, Panel] = {
    "I": Panel(DocumentsPanel, "Văn bản đã ban hành"),
    "II.2": Panel(DossierPanel, "Hồ sơ một cửa", first=True),
}

# At the top of a section with forms, in an upper level's window (huyện, tỉnh): one line, a button.
UPPER_NOTICE = "Số liệu các xã được cộng ở Tổng hợp số liệu; {upper} chỉ nhập dòng riêng: {rows}."
UPPER_NOTICE_NONE = "Số liệu các xã được cộng ở Tổng hợp số liệu; mục này không có dòng riêng nào {upper} phải nhập."
UPPER_NOTICE_TIP = ("Các biểu mẫu ở đây là của {unit}: số liệu của các xã không nhập lại ở đây mà được cộng từ gói "
                    "nộp của các xã, xem và xuất ở Công cụ → Tổng hợp số liệu (Xuất Word / Xuất Excel trên thanh "
                    "công cụ cũng xuất báo cáo tổng hợp). Chỉ các dòng không cộng từ xã mới nhập ở đây.")
UPPER_NOTICE_BUTTON = "Mở Tổng hợp số liệu"


class ReformTab(QWidget):
    """The indicator forms of one section, the section's extra panel (PANELS), its narrative editor."""

    def __init__(self, ctx, key: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.key = key
        self.forms: list[IndicatorForm] = []
        self.panel = None
        self.editor = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter)
        data = ctx.data()
        form_codes = []
        for row in data.catalogue.rows_in_section(key):
            if row.form not in form_codes:
                form_codes.append(row.form)
        parts: list[tuple[QWidget, str]] = []
        for code in form_codes:
            form = data.catalogue.form(code)
            title = f"{form.heading} — {form.title}" if form.heading else form.title
            w = IndicatorForm(ctx, key, code, title)
            self.forms.append(w)
            parts.append((w, form.heading or "Số liệu khác nêu trong báo cáo"))
        extra = PANELS.get(key)
        if extra is not None:
            self.panel = extra.widget(ctx)
            parts.insert(0 if extra.first else len(parts), (self.panel, extra.title))
        # The data part: one widget, or sub-tabs when the section has several.
        self.parts_tabs = None
        if len(parts) == 1:
            self.splitter.addWidget(parts[0][0])
        elif parts:
            self.parts_tabs = QTabWidget()
            self.parts_tabs.setDocumentMode(True)
            for w, title in parts:
                self.parts_tabs.addTab(w, title)
            self.splitter.addWidget(self.parts_tabs)
        sections = [s["key"] for s in outline() if s.get("tab") == key and s.get("text", True)]
        if sections:
            self.editor = NarrativeEditor(ctx, sections)
            self.splitter.addWidget(self.editor)
        if parts and self.editor is not None:
            small = all(isinstance(w, IndicatorForm) and w.model.rowCount() <= 6 for w, _ in parts)
            weights = [1, 5] if small else [11, 9]
            self.splitter.setStretchFactor(0, weights[0])
            self.splitter.setStretchFactor(1, weights[1])
            self.splitter.setSizes([w * 100 for w in weights])
        self._silence_banners()
        self.upper_notice = None
        if self.forms:
            self._build_upper_notice(layout)
            ctx.period_changed.connect(self._update_upper_notice)
            ctx.data_changed.connect(self._data_changed)

    def _build_upper_notice(self, layout) -> None:
        """The notice of an upper level (UPPER_NOTICE): its forms hold only its own rows, the
        communes' figures are consolidated in the roll-up dialog. Hidden for a commune."""
        self.upper_notice = QFrame(self)
        self.upper_notice.setObjectName("upperNotice")
        self.upper_notice.setStyleSheet("QFrame#upperNotice { background:#e8f1fb; border:1px solid #b6cde8; }")
        row = QHBoxLayout(self.upper_notice)
        row.setContentsMargins(8, 3, 8, 3)
        self.upper_notice_label = QLabel("")
        self.upper_notice_label.setStyleSheet("color:#173f6b;")
        self.upper_notice_label.setWordWrap(True)
        row.addWidget(self.upper_notice_label, 1)
        self.upper_notice_button = QPushButton(UPPER_NOTICE_BUTTON)
        self.upper_notice_button.setToolTip("Công cụ → Tổng hợp số liệu: số liệu cộng từ các xã, xuất Word/Excel")
        self.upper_notice_button.clicked.connect(self.open_rollup)
        row.addWidget(self.upper_notice_button)
        layout.insertWidget(0, self.upper_notice)
        self._update_upper_notice()

    def _data_changed(self, what: str) -> None:
        if what in ("*", "unit", "period"):  # another file (or unit) opened, a catalogue switched
            self._update_upper_notice()

    def _update_upper_notice(self, *_args) -> None:
        if self.upper_notice is None or self.ctx.period_id is None:
            return
        data = self.ctx.data()
        kind = data.unit.get("kind")
        upper = kind in UPPER_KINDS
        self.upper_notice.setVisible(upper)
        if not upper:
            return
        own: dict[str, list[str]] = {}
        for row in data.catalogue.rows_in_section(self.key):
            if row.editable and row.kind in ("count", "money") and \
                    aggregation(data.catalogue, row) == "khong":
                own.setdefault(row.form_name or row.form, []).append(row.stt.rstrip("."))
        word = KIND_WORDS[kind]
        rows = "; ".join(f"{form} dòng {', '.join(stts)}" for form, stts in own.items())
        text = UPPER_NOTICE.format(upper=word, rows=rows) if rows else UPPER_NOTICE_NONE.format(upper=word)
        self.upper_notice_label.setText(text)
        self.upper_notice_label.setToolTip(UPPER_NOTICE_TIP.format(unit=label(data.unit)))

    def open_rollup(self):
        """The roll-up dialog (Công cụ → Tổng hợp số liệu, ui/packages/rollup.py)."""
        feature = getattr(self.window(), "package_feature", None)
        if feature is None:
            messages.info(self, "Chức năng Tổng hợp số liệu chưa nạp được. Hãy khởi động lại phần mềm.")
            return None
        return feature.show_rollup()

    def _silence_banners(self) -> None:
        """The window shows one notice for a final period: the parts' own banners (forms, dossier
        panel, narrative editor each have one) go into a hidden holder, out of their layouts, so
        that showing them changes nothing on screen."""
        self._banner_holder = QWidget(self)
        self._banner_holder.hide()
        for w in [*self.forms, self.panel, self.editor]:
            banner = getattr(w, "banner", None)
            if isinstance(banner, QLabel):
                banner.setParent(self._banner_holder)

    def _reveal(self, widget) -> None:
        if self.parts_tabs is not None and self.parts_tabs.indexOf(widget) >= 0:
            self.parts_tabs.setCurrentWidget(widget)

    def focus_target(self, target: str) -> bool:
        for f in self.forms:
            if f.model.row_of(target) >= 0:
                self._reveal(f)
                return f.focus_code(target)
        for w in (self.panel, self.editor):
            fn = getattr(w, "focus_target", None)
            if fn is not None:
                if w is self.panel and target.startswith("hs."):
                    self._reveal(w)
                if fn(target):
                    self._reveal(w)
                    return True
        return False
