"""Every built-in rule fires on data that breaks it, and stays quiet on data that does not."""
from cchc_desktop import report, rules


def findings(store, pid):
    return rules.validate(report.load_period(store, pid))


def by_rule(fs, prefix):
    return [f for f in fs if f.rule.startswith(prefix)]


def test_part_never_exceeds_its_whole(mini_store):
    store, pid = mini_store
    store.set_value(pid, "A/1.1", "4")
    store.set_value(pid, "A/1.2", "4")
    assert by_rule(findings(store, pid), "phan-khong-vuot-tong") == []
    store.set_value(pid, "A/1.2", "5")
    (f,) = by_rule(findings(store, pid), "phan-khong-vuot-tong")
    assert f.severity == "loi" and f.target == "A/1.2" and "vượt 100 %" in f.message


def test_catalogue_rule_with_severity_and_missing_side(mini_store):
    store, pid = mini_store
    store.set_value(pid, "A/5.1", "7")
    assert by_rule(findings(store, pid), "phan-mot-nho") == []  # missing = skip: 5.2 is blank
    store.set_value(pid, "A/5.2", "3")
    (f,) = by_rule(findings(store, pid), "phan-mot-nho")
    assert f.severity == "canh_bao" and "7 so với 3" in f.message


def test_percent_range(mini_store):
    store, pid = mini_store
    # The store refuses > 100, so a file written by another tool is what can hold it.
    store.db.execute("INSERT INTO indicator_values (period_id, code, value) VALUES (?, 'A/4', '120')", [pid])
    (f,) = by_rule(findings(store, pid), "ty-le-0-100")
    assert f.target == "A/4"


def test_dossier_identity_received_equals_resolved_plus_pending(mini_store):
    store, pid = mini_store
    for col, v in dict(truc_tuyen=10, truc_tiep=5, ky_truoc=0, truoc_han=8, dung_han=4, qua_han=1,
                       dang_giai_quyet=2).items():
        store.set_dossier(pid, "ubnd", "", col, v)
    assert by_rule(findings(store, pid), "ho-so-can-bang") == []
    store.set_dossier(pid, "ubnd", "", "dang_giai_quyet", 3)
    (f,) = by_rule(findings(store, pid), "ho-so-can-bang")
    assert "15" in f.message and "16" in f.message
    store.set_dossier(pid, "ubnd", "", "dang_qua_han", 4)
    assert by_rule(findings(store, pid), "ho-so-qua-han")


def test_fields_add_up_to_typed_totals(mini_store):
    store, pid = mini_store
    store.add_field(pid, "ubnd", "Hộ tịch")
    store.add_field(pid, "ubnd", "Chứng thực")
    store.set_dossier(pid, "ubnd", "Hộ tịch", "truc_tuyen", 3)
    store.set_dossier(pid, "ubnd", "Chứng thực", "truc_tuyen", 4)
    store.set_dossier(pid, "ubnd", "", "truc_tuyen", 7)
    assert by_rule(findings(store, pid), "ho-so-cong-linh-vuc") == []
    store.set_dossier(pid, "ubnd", "", "truc_tuyen", 8)
    (f,) = by_rule(findings(store, pid), "ho-so-cong-linh-vuc")
    assert "7" in f.message and "8" in f.message


def test_a_field_row_that_does_not_balance(mini_store):
    store, pid = mini_store
    store.add_field(pid, "cong_an", "Cư trú")
    for col, v in dict(truc_tuyen=5, truc_tiep=0, ky_truoc=0, truoc_han=2, dung_han=2, qua_han=0,
                       dang_giai_quyet=0).items():
        store.set_dossier(pid, "cong_an", "Cư trú", col, v)
    fs = by_rule(findings(store, pid), "ho-so-can-bang")
    assert any("Cư trú" in f.message for f in fs)


def test_placeholders_must_name_existing_values(mini_store):
    store, pid = mini_store
    store.set_narrative(pid, "I.1", "Đã giao {{A/1.1}} nhiệm vụ, {{hs.ubnd.tiep_nhan}} hồ sơ, kỳ {{ky.ten}}.")
    assert by_rule(findings(store, pid), "cho-chen-ton-tai") == []
    store.set_narrative(pid, "I.1", "Đã giao {{A/9.9}} nhiệm vụ và {{hs.ubnd.khong_co}} hồ sơ; {{A/1.1|xyz}}")
    fs = by_rule(findings(store, pid), "cho-chen-ton-tai")
    assert len(fs) == 3 and all(f.section == "I.1" for f in fs)


def test_errors_come_before_warnings(mini_store):
    store, pid = mini_store
    store.set_value(pid, "A/5.1", "7")
    store.set_value(pid, "A/5.2", "3")
    store.set_value(pid, "A/1.1", "1")
    store.set_value(pid, "A/1.2", "2")
    fs = findings(store, pid)
    assert [f.severity for f in fs] == sorted((f.severity for f in fs), key=lambda s: s != "loi")
    assert rules.has_errors(fs)


def _rule(missing, severity="loi"):
    from cchc_desktop.catalogue import Rule

    return Rule(id="thu", left="[A/5.1]", op="<=", right="[A/5.2]", severity=severity, missing=missing,
                message="Phần một không được lớn hơn phần hai.")


def test_missing_side_zero_counts_a_blank_as_0(mini_store):
    store, pid = mini_store
    store.set_value(pid, "A/5.1", "7")  # 5.2 blank → 0, and 7 <= 0 fails
    f = rules.check_rule(_rule("zero"), report.load_period(store, pid))
    assert f is not None and f.severity == "loi" and "7 so với 0" in f.message and f.target == "A/5.1"
    assert rules.check_rule(_rule("skip"), report.load_period(store, pid)) is None
    store.set_value(pid, "A/5.1", "")
    store.set_value(pid, "A/5.2", "3")  # 0 <= 3 holds
    assert rules.check_rule(_rule("zero"), report.load_period(store, pid)) is None
    store.set_value(pid, "A/5.2", "")  # both blank: 0 <= 0 holds
    assert rules.check_rule(_rule("zero"), report.load_period(store, pid)) is None


def test_missing_side_fail_reports_what_is_missing(mini_store):
    store, pid = mini_store
    store.set_value(pid, "A/5.1", "2")
    f = rules.check_rule(_rule("fail", "canh_bao"), report.load_period(store, pid))
    assert f is not None and f.severity == "canh_bao" and f.rule == "thu"
    assert "thiếu số liệu" in f.message and "dòng 5.2" in f.message and "dòng 5.1" not in f.message
    assert rules.check_rule(_rule("skip"), report.load_period(store, pid)) is None
    store.set_value(pid, "A/5.2", "3")  # both known and the rule holds: nothing to say
    assert rules.check_rule(_rule("fail"), report.load_period(store, pid)) is None


def test_completeness_warning_counts_blank_inputs_and_points_at_the_first(mini_store):
    store, pid = mini_store
    # mini.toml has 7 input rows: 1.1, 1.2, 2, 3, 4, 5.1, 5.2 (1, 5, 6 are computed)
    (f,) = by_rule(findings(store, pid), "chua-nhap")
    assert f.severity == "canh_bao" and "Chưa nhập 7 chỉ tiêu (Biểu mẫu A: 7)" in f.message
    assert f.target == "A/1.1" and f.section == "I" and "Biểu mẫu A, dòng 1.1" in f.message
    store.set_value(pid, "A/1.1", "4")
    (f,) = by_rule(findings(store, pid), "chua-nhap")
    assert "Chưa nhập 6 chỉ tiêu" in f.message and f.target == "A/1.2"
    for code, v in {"A/1.2": "0", "A/2": "Có", "A/3": "1", "A/4": "0", "A/5.1": "1", "A/5.2": "1"}.items():
        store.set_value(pid, code, v)
    fs = findings(store, pid)
    assert by_rule(fs, "chua-nhap") == [] and not rules.has_errors(fs)


def test_messages_name_rows_by_form_row_and_label_not_by_code(mini_store):
    store, pid = mini_store
    store.set_value(pid, "A/1.1", "4")
    store.set_value(pid, "A/1.2", "5")
    store.db.execute("INSERT INTO indicator_values (period_id, code, value) VALUES (?, 'A/4', '120')", [pid])
    fs = findings(store, pid)
    (part,) = by_rule(fs, "phan-khong-vuot-tong")
    assert part.message.startswith("Biểu mẫu A, dòng 1 «Tỷ lệ hoàn thành»: phần (dòng 1.2 «Số nhiệm vụ hoàn thành»)")
    (pct,) = by_rule(fs, "ty-le-0-100")
    assert pct.message.startswith("Biểu mẫu A, dòng 4 «Tỷ lệ nhập tay»: tỷ lệ 120 %")
    for f in fs:
        assert "A/" not in f.message and "A 1." not in f.message, f.message


def test_long_labels_are_cut_at_a_word_with_an_ellipsis():
    from cchc_desktop import catalogue

    row = catalogue.default().row("BM7/2")
    text = row.describe()
    assert text.startswith("Biểu mẫu 7, dòng 2 «Xây dựng") and text.endswith("…»")
    inside = text[text.index("«") + 1:-2]
    assert len(inside) <= catalogue.LABEL_WIDTH and row.label.startswith(inside)
