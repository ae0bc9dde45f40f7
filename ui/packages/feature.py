"""Hand-off packages in the window, the feature: its menu actions and the packages dropped onto the
main window.

- Tệp → "Xuất gói nộp cấp trên…": a draft period is closed (chốt) first, the user asked ("Chốt rồi
  xuất" / "Hủy"): the upper level receives a final figure; then a folder choice with removable drives (USB sticks) first;
  the package is written and read back on a worker thread (ui/packages/handoff.py).
- Công cụ → "Nhập gói của đơn vị cấp dưới…": files, a whole folder, or drag and drop (onto the
  dialog or the main window); a preview table before importing, then each package's result.
- Công cụ → "Tổng hợp số liệu": the roll-up dialog (ui/packages/rollup.py).
"""
from __future__ import annotations

from pathlib import Path

from cchc_desktop.errors import UserError
from cchc_desktop.exporting import package as pkg
from cchc_desktop.domain.units import UPPER_KINDS, label
from ui.packages.handoff import ExportPackageDialog, ImportPackagesDialog, package_paths
from ui.packages import rollup
from ui.packages.rollup import RollupDialog
from ui.texts import period_text
from ui.qt import QDialog, QEvent, QObject


CLOSE_FIRST = ("Gói nộp gửi cấp trên số liệu chính thức của {period}, nhưng kỳ này còn là bản nháp.\n\n"
               "Cần chốt kỳ (bản chính thức) trước khi xuất gói: sau khi chốt, số liệu và lời văn chỉ xem, "
               "không sửa được, để cấp trên nhận đúng số liệu đơn vị đã nộp. Muốn sửa sau này, hãy mở lại kỳ "
               "(menu Kỳ báo cáo → Mở lại kỳ để sửa) rồi xuất gói mới. Việc chốt được ghi vào nhật ký.")


# --- the feature ------------------------------------------------------------------------
class _DropFilter(QObject):
    """Packages dropped onto the main window open the import dialog with them."""

    def __init__(self, feature):
        super().__init__(feature.window)
        self.feature = feature

    def eventFilter(self, obj, event):  # noqa: N802
        et = event.type()
        if et in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            md = event.mimeData()
            if md.hasUrls() and package_paths(md.urls()):
                event.acceptProposedAction()
                return True
        elif et == QEvent.Type.Drop:
            md = event.mimeData()
            paths = package_paths(md.urls()) if md.hasUrls() else []
            if paths:
                event.acceptProposedAction()
                self.feature.import_packages(paths)
                return True
        return False


class PackageFeature(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.act_export = window.add_action("Tệp", "Xuất gói nộp cấp trên…", self.export_package)
        self.act_import = window.add_action("Công cụ", "Nhập gói của đơn vị cấp dưới…", self.import_packages)
        self.act_rollup = window.add_action("Công cụ", "Tổng hợp số liệu", self.show_rollup)
        self.drop_filter = _DropFilter(self)
        window.setAcceptDrops(True)
        window.installEventFilter(self.drop_filter)
        self.last_dialog = None

    @property
    def ctx(self):
        return self.window.ctx

    # export ---------------------------------------------------------------------------
    def export_package(self, folder: str | None = None, documents: bool | None = None) -> None:
        ctx = self.ctx
        if ctx.period_id is None:
            self.window.error("Chưa chọn kỳ báo cáo. Hãy chọn kỳ cần nộp ở thanh công cụ.")
            return
        unit = ctx.store.unit(ctx.unit_code)
        period = ctx.store.period(ctx.period_id)
        if unit["kind"] in UPPER_KINDS:
            self.window.error(f"{label(unit)} là cấp trên: gói nộp dành cho đơn vị cấp xã (xã, phường, đặc khu). "
                              "Để gửi số liệu tổng hợp, hãy dùng Công cụ → Tổng hợp số liệu → Xuất Word/Excel.")
            return
        if not (unit.get("upper_name") or "").strip():
            if not self.window.ask(f"{label(unit)} chưa khai báo cấp trên (huyện/tỉnh) trong Thông tin "
                                   "đơn vị. Cấp trên sẽ khó nhập gói này. Vẫn xuất gói?"):
                return
        try:
            pkg.check_ready(ctx.store, unit["code"], period["code"])  # errors neither fixed nor accepted
        except UserError as e:
            self.window.error(str(e))
            return
        draft = period.get("status") != "final"
        if draft and not self.window.choose(CLOSE_FIRST.format(period=period_text(period["code"]).lower()),
                                            "Chốt rồi xuất", "Hủy"):
            return
        if folder is None:
            dlg = ExportPackageDialog(label(unit), period_text(period["code"]), self.window)
            self.last_dialog = dlg
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return
            folder = dlg.folder()
            documents = dlg.with_documents.isChecked()
        if documents is None:
            documents = True
        if draft:  # closed only once the folder is chosen: a cancelled dialog leaves the draft as it was
            if not ctx.write("period", lambda s: s.set_status(period["id"], "final"))[0]:
                return  # the context showed why
        try:
            prepared = pkg.Prepared(ctx.store, unit["code"], period["code"], documents=documents)
        except UserError as e:
            self.window.error(str(e))
            return
        target = Path(folder)

        def work():
            if not target.is_dir():
                raise UserError(f"Thư mục “{target}” không tồn tại (USB đã rút ra?). Hãy chọn lại nơi lưu gói.")
            return pkg.write_package(prepared.members(), target / prepared.file_name)

        def done(path):
            self.last_package = path
            self.window.info(f"Đã ghi và kiểm tra lại gói nộp:\n{path}\n\nMã khóa của đơn vị: {prepared.fingerprint} "
                             "(cấp trên có thể gọi điện hỏi để đối chiếu).\n\nNếu ghi vào USB, hãy dùng “Rút thiết bị "
                             "an toàn” trước khi rút USB ra, rồi gửi USB cho cấp trên.")

        self.window.run_task("Đang ghi gói nộp", work, done)

    # import ---------------------------------------------------------------------------
    def import_packages(self, paths=None) -> ImportPackagesDialog:
        dlg = ImportPackagesDialog(self.ctx.store, self.window, on_imported=self._imported)
        self.last_dialog = dlg
        if paths:
            dlg.add_paths(paths)
        dlg.open()
        return dlg

    def _imported(self, results) -> None:
        ctx = self.ctx
        store = ctx.store
        try:
            main = store.unit(None)
        except UserError:
            return
        # A file that was empty (or a commune file opened by mistake) now shows the upper level.
        if ctx.unit_code != main["code"] and main["kind"] in UPPER_KINDS:
            periods = store.periods(main["code"])
            if periods:
                ctx.unit_code = main["code"]
                ctx.set_period(periods[-1]["id"])
                fill = getattr(self.window, "_fill_periods", None)
                if fill:
                    fill()
        ctx.invalidate("*")

    # roll-up --------------------------------------------------------------------------
    def export_upper(self, kind: str, folder: Path | None = None, on_done=None, on_error=None) -> Path | None:
        """Xuất Word ("docx") / Xuất Excel ("xlsx") of an upper level's window: the consolidated
        report, as the roll-up dialog exports it (ui/packages/rollup.py)."""
        return rollup.export_upper(self.window, kind, folder, on_done, on_error)

    def show_rollup(self) -> RollupDialog | None:
        ctx = self.ctx
        try:
            unit = ctx.store.unit(ctx.unit_code)
        except UserError as e:
            self.window.error(str(e))
            return None
        if unit["kind"] not in UPPER_KINDS:
            self.window.info(
                f"Tổng hợp số liệu dành cho cấp huyện/tỉnh. Tệp dữ liệu này là của {label(unit)}. "
                "Ở cấp trên: mở tệp dữ liệu của huyện (hoặc một tệp mới), rồi Công cụ → Nhập gói của đơn vị "
                "cấp dưới.")
            return None
        code = ctx.store.period(ctx.period_id)["code"] if ctx.period_id else None
        if code is None:
            codes = RollupDialog._period_codes(type("X", (), {"store": ctx.store, "upper_code": unit["code"]})())
            if not codes:
                self.window.info("Chưa có số liệu của đơn vị cấp xã nào. Hãy nhập các gói nộp trước.")
                return None
            code = codes[0]
        dlg = RollupDialog(ctx.store, unit["code"], code, self.window, run_task=self.window.run_task, ctx=ctx)
        self.last_dialog = dlg
        dlg.open()
        return dlg


def install(window) -> PackageFeature:
    feature = PackageFeature(window)
    window.package_feature = feature
    return feature
