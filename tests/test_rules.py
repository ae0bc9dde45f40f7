"""Every built-in rule fires on data that breaks it, and stays quiet on data that does not."""
from cchc_desktop.report import values, rules


def findings(store, pid):
    return rules.validate(values.load_period(store, pid))


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
    from cchc_desktop.domain.catalogue import Rule

    return Rule(id="thu", left="[A/5.1]", op="<=", right="[A/5.2]", severity=severity, missing=missing,
                message="Phần một không được lớn hơn phần hai.")


def test_missing_side_zero_counts_a_blank_as_0(mini_store):
    store, pid = mini_store
    store.set_value(pid, "A/5.1", "7")  # 5.2 blank → 0, and 7 <= 0 fails
    f = rules.check_rule(_rule("zero"), values.load_period(store, pid))
    assert f is not None and f.severity == "loi" and "7 so với 0" in f.message and f.target == "A/5.1"
    assert rules.check_rule(_rule("skip"), values.load_period(store, pid)) is None
    store.set_value(pid, "A/5.1", "")
    store.set_value(pid, "A/5.2", "3")  # 0 <= 3 holds
    assert rules.check_rule(_rule("zero"), values.load_period(store, pid)) is None
    store.set_value(pid, "A/5.2", "")  # both blank: 0 <= 0 holds
    assert rules.check_rule(_rule("zero"), values.load_period(store, pid)) is None


def test_missing_side_fail_reports_what_is_missing(mini_store):
    store, pid = mini_store
    store.set_value(pid, "A/5.1", "2")
    f = rules.check_rule(_rule("fail", "canh_bao"), values.load_period(store, pid))
    assert f is not None and f.severity == "canh_bao" and f.rule == "thu"
    assert "thiếu số liệu" in f.message and "dòng 5.2" in f.message and "dòng 5.1" not in f.message
    assert rules.check_rule(_rule("skip"), values.load_period(store, pid)) is None
    store.set_value(pid, "A/5.2", "3")  # both known and the rule holds: nothing to say
    assert rules.check_rule(_rule("fail"), values.load_period(store, pid)) is None


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
    from cchc_desktop.domain import catalogue

    row = catalogue.default().row("BM7/2")
    text = row.describe()
    assert text.startswith("Biểu mẫu 7, dòng 2 «Xây dựng") and text.endswith("…»")
    inside = text[text.index("«") + 1:-2]
    assert len(inside) <= catalogue.LABEL_WIDTH and row.label.startswith(inside)


def test_completeness_message_reads_the_same_on_the_command_line(mini_store):
    store, pid = mini_store
    (f,) = by_rule(findings(store, pid), "chua-nhap")
    assert "nhấp" not in f.message and "chỉ tiêu trống đầu tiên: Biểu mẫu A, dòng 1.1" in f.message


def test_an_upper_level_is_asked_only_for_its_own_rows(demo_store):
    """A district's own period: the communes' figures come from the roll-up, so only the rows
    the catalogue marks tong_hop = "khong" count as blank inputs."""
    store = demo_store
    store.create_unit("h1", "Thanh Miện", "huyen")
    pid = store.create_period("h1", "2023-NAM")["id"]
    data = values.load_period(store, pid)
    own = [r for r in data.catalogue.rows() if r.editable and r.tong_hop == "khong"]
    assert own  # the shipped catalogue has some
    (f,) = by_rule(rules.validate(data), "chua-nhap")
    assert f"Chưa nhập {len(own)} chỉ tiêu" in f.message and f.target == own[0].code


def test_dossier_cells_left_blank_make_the_total_unknown(mini_store):
    store, pid = mini_store
    store.add_field(pid, "ubnd", "Hộ tịch")
    store.add_field(pid, "ubnd", "Chứng thực")
    store.set_dossier(pid, "ubnd", "Hộ tịch", "truc_tuyen", "3")
    (f,) = by_rule(findings(store, pid), "ho-so-o-trong")
    assert f.severity == "canh_bao" and f.target == "hs.ubnd.Chứng thực"
    assert "1 lĩnh vực còn ô trống (Chứng thực)" in f.message and "nhập 0" in f.message
    # a typed total makes the column known again; so does a 0 in the blank field
    store.set_dossier(pid, "ubnd", "Chứng thực", "truc_tuyen", "0")
    assert by_rule(findings(store, pid), "ho-so-o-trong") == []


def test_text_carried_over_from_last_year(mini_store):
    store, pid = mini_store  # period 2024-NAM
    store.set_narrative(pid, "I.1", "Năm 2023, UBND xã đã ban hành Kế hoạch số 12/KH-UBND ngày 05/01/2023.")
    (f,) = by_rule(findings(store, pid), "nam-cu")
    assert f.target == "text:I.1" and "năm 2023" in f.message and "năm 2024" in f.message
    # naming this year (typed or by placeholder) means last year is a comparison, not a leftover
    store.set_narrative(pid, "I.1", "So với năm 2023, kết quả năm {{ky.nam}} cao hơn.")
    assert by_rule(findings(store, pid), "nam-cu") == []
    # old laws and plans are cited by their year: never flagged
    store.set_narrative(pid, "I.1", "Thực hiện Luật Tổ chức chính quyền địa phương năm 2015, Nghị định 61/2018/NĐ-CP.")
    assert by_rule(findings(store, pid), "nam-cu") == []


# --- the text's statements, blocks that print "…", recomputed figures (issue 17) -----------------
def test_a_share_above_100_percent_in_text_is_an_error(mini_store):
    store, pid = mini_store
    store.set_narrative(pid, "III.1", "- Có 98,5 % hồ sơ đạt mức hài lòng.")
    assert by_rule(findings(store, pid), "ty-le-tren-100") == []
    for wrong, fix in (("- trên 100% hồ sơ đạt mức hài lòng.", "bỏ chữ “trên”"),
                       ("- tỷ lệ hồ sơ được số hóa đạt 112,5 %.", "tối đa 100 %"),
                       ("- hơn 100 % người dân hài lòng", "bỏ chữ “hơn”"),
                       ("- Số hồ sơ trực tuyến chiếm 120% tổng số hồ sơ.", "tối đa 100 %")):
        store.set_narrative(pid, "III.1", wrong)
        (f,) = by_rule(findings(store, pid), "ty-le-tren-100")
        assert f.severity == "loi" and f.target == "text:III.1" and f.message.startswith("Mục "), wrong
        assert fix in f.message, wrong
    store.set_narrative(pid, "III.1", "Tiếp nhận 1.250 hồ sơ, trên 100 hồ sơ trực tuyến.")  # no percent
    assert by_rule(findings(store, pid), "ty-le-tren-100") == []


def test_a_rate_and_no_dossier_in_one_sentence_is_an_error(mini_store):
    store, pid = mini_store
    store.set_narrative(pid, "II.2", "Mức độ 3, 4 đạt tỷ lệ 97,6 %. Không phát sinh hồ sơ quá hạn.")
    assert by_rule(findings(store, pid), "ty-le-khong-phat-sinh") == []  # two sentences
    store.set_narrative(pid, "II.2", "Dịch vụ công mức độ 3,4 đạt tỷ lệ 97,6%: Không phát sinh hồ sơ tại Bộ phận Một cửa xã")
    (f,) = by_rule(findings(store, pid), "ty-le-khong-phat-sinh")
    assert f.severity == "loi" and "tách thành hai câu" in f.message and "97,6%" in f.message
    # other wordings of "no dossier arose" (review of issue 17, V1)
    for wrong in ("Dịch vụ công trực tuyến đạt tỷ lệ 60 %, chưa có hồ sơ phát sinh.",
                  "Thanh toán trực tuyến đạt 45 %; không có hồ sơ phát sinh.",
                  "Tỷ lệ số hóa đạt 30 %, chưa phát sinh hồ sơ.",
                  "Đạt 50 % nhưng không có hồ sơ nào.",
                  "Tỷ lệ đạt 20 %, hồ sơ không phát sinh."):
        store.set_narrative(pid, "II.2", wrong)
        assert len(by_rule(findings(store, pid), "ty-le-khong-phat-sinh")) == 1, wrong
    # a rate beside "no late dossier" is the usual, true sentence
    for right in ("Tỷ lệ giải quyết đúng hạn đạt 100 %, không có hồ sơ quá hạn.",
                  "Đúng hạn 100 %; không phát sinh hồ sơ trễ hạn, không có hồ sơ tồn đọng.",
                  "Đạt 98 %, không có hồ sơ nào quá hạn."):
        store.set_narrative(pid, "II.2", right)
        assert by_rule(findings(store, pid), "ty-le-khong-phat-sinh") == [], right


def test_the_plan_section_speaking_of_the_reports_own_year_is_a_warning(mini_store):
    store, pid = mini_store  # 2024-NAM: the plan is for 2025
    store.set_narrative(pid, "IV", "- Thực hiện các nhiệm vụ cải cách hành chính năm {{ky.nam_sau}}.")
    assert by_rule(findings(store, pid), "ke-hoach-nam-nay") == []
    store.set_narrative(pid, "IV", "- Thực hiện các nhiệm vụ cải cách hành chính năm {{ky.nam}}.")
    (f,) = by_rule(findings(store, pid), "ke-hoach-nam-nay")
    assert f.target == "text:IV" and "năm 2024" in f.message and "năm 2025" in f.message


def test_a_quarters_plan_may_speak_of_its_own_year(mini_store):
    store, _ = mini_store  # quý III 2024 looks ahead to quý IV 2024: "năm 2024" is right there
    pid = store.create_period("x1", "2024-Q3")["id"]
    store.set_narrative(pid, "IV", "- Thực hiện các nhiệm vụ cải cách hành chính quý IV năm {{ky.nam}}.")
    assert by_rule(findings(store, pid), "ke-hoach-nam-nay") == []
    assert by_rule(findings(store, pid), "ke-hoach-ky-nay") == []


def test_a_quarters_plan_speaking_of_its_own_quarter_is_a_warning(mini_store):
    """Review of issue 17 (V2): the plan of a quý III report speaking of “quý III năm 2024”."""
    store, _ = mini_store
    pid = store.create_period("x1", "2024-Q3")["id"]
    store.set_narrative(pid, "IV", "- Tiếp tục thực hiện các nhiệm vụ cải cách hành chính quý III năm 2024; "
                                   "rà soát thủ tục hành chính trong Quý III/2024.")
    (f,) = by_rule(findings(store, pid), "ke-hoach-ky-nay")
    assert f.severity == "canh_bao" and f.target == "text:IV" and "(2 chỗ)" in f.message
    assert "“quý III năm 2024”" in f.message and "quý IV năm 2024" in f.message and "{{ky.ten_ke_tiep}}" in f.message
    store.set_narrative(pid, "IV", "- Thực hiện các nhiệm vụ quý IV năm 2024, tiếp nối kết quả quý II năm 2024.")
    assert by_rule(findings(store, pid), "ke-hoach-ky-nay") == []
    q1 = store.create_period("x1", "2024-Q1")["id"]  # quý I is not quý II
    store.set_narrative(q1, "IV", "- Nhiệm vụ quý II năm 2024.")
    assert by_rule(findings(store, q1), "ke-hoach-ky-nay") == []
    store.set_narrative(q1, "IV", "- Nhiệm vụ {{ky.ten}}.")  # the placeholder prints "quý I năm 2024"
    assert by_rule(findings(store, q1), "ke-hoach-ky-nay")
    half = store.create_period("x1", "2024-6T")["id"]
    store.set_narrative(half, "IV", "- Các nhiệm vụ 6 tháng đầu năm 2024.")
    assert by_rule(findings(store, half), "ke-hoach-ky-nay")
    store.set_narrative(half, "IV", "- Các nhiệm vụ 6 tháng cuối năm 2024.")
    assert by_rule(findings(store, half), "ke-hoach-ky-nay") == []


def test_a_comparison_above_100_percent_is_no_error(mini_store):
    """Review of issue 17 (V3): budgets, plans and growth may pass 100 %; only a share may not."""
    store, pid = mini_store
    for right in ("- Thu ngân sách đạt 125% dự toán.", "- Số hồ sơ trực tuyến tăng 130 % so với cùng kỳ.",
                  "- Giải ngân vốn đầu tư công đạt 105,2 % kế hoạch.", "- Thu ngân sách vượt 100 % chỉ tiêu."):
        store.set_narrative(pid, "II.5", right)
        assert by_rule(findings(store, pid), "ty-le-tren-100") == [], right
    # a share in another clause of the same sentence is still caught
    store.set_narrative(pid, "II.5", "- Thu ngân sách đạt 125% dự toán, 110 % hồ sơ được số hóa.")
    (f,) = by_rule(findings(store, pid), "ty-le-tren-100")
    assert "110 %" in f.message


def test_police_and_military_blocks_without_figures_are_named(mini_store):
    store, pid = mini_store
    assert by_rule(findings(store, pid), "khoi-chua-co-so") == []  # no text prints them
    store.set_narrative(pid, "II.2", "{{bang.ho_so_nganh_doc}}")
    fs = by_rule(findings(store, pid), "khoi-chua-co-so")
    assert [f.target for f in fs] == ["hs.cong_an", "hs.quan_su"]
    assert "in “…”" in fs[0].message and "cột Cơ quan" in fs[0].message
    store.set_dossier(pid, "cong_an", "", "truc_tiep", 12)
    (part, _) = by_rule(findings(store, pid), "khoi-chua-co-so")
    assert "còn trống cột" in part.message
    from cchc_desktop.domain import dossiers
    for col in dossiers.COLUMNS:
        store.set_dossier(pid, "cong_an", "", col, 12 if col == "truc_tiep" else 0)
    assert [f.target for f in by_rule(findings(store, pid), "khoi-chua-co-so")] == ["hs.quan_su"]


def test_a_recomputed_figure_names_both_numbers_and_its_parts(demo_store):
    from cchc_desktop.exporting import wording
    from cchc_desktop.report import corrections

    data = values.load_report(demo_store, None, "2023-NAM")
    fixes = corrections.by_code(data)
    assert wording.row_note(data, "BM7/6.7", fixes) == "(*) Trước đây ghi 84 %"
    assert wording.row_note(data, "BM3/1.4", fixes) == "(*) Trước đây ghi 139"
    assert wording.row_note(data, "BM7/6.7.1", fixes) == ""
    # the unit's own figure equal to the computed one is no correction
    demo_store.db.execute("UPDATE indicator_values SET value = '97.6' WHERE code = 'BM7/6.7'")
    assert "BM7/6.7" not in corrections.by_code(values.load_report(demo_store, None, "2023-NAM"))


def test_a_computed_rate_above_100_is_the_datas_error_not_the_texts(mini_store):
    store, pid = mini_store
    store.set_value(pid, "A/1.1", "4")
    store.set_value(pid, "A/1.2", "5")  # 125 %: the rows' error (phan-khong-vuot-tong)
    store.set_narrative(pid, "I.1", "- Đạt {{A/1}} kế hoạch.")
    fs = findings(store, pid)
    assert by_rule(fs, "phan-khong-vuot-tong") and not by_rule(fs, "ty-le-tren-100")


def test_a_typed_figure_no_value_has_is_named_with_the_nearest(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    assert by_rule(rules.validate(data), "so-trong-loi-van") == []  # the seed's figures are all there
    period = demo_store.get_period(demo_store.unit()["code"], "2023-NAM")
    demo_store.set_narrative(period["id"], "III.2", "- Còn 3.220 hồ sơ chưa số hóa; tỷ lệ số hóa đạt 97,6%.")
    (f,) = by_rule(findings(demo_store, period["id"]), "so-trong-loi-van")
    assert f.target == "text:III.2" and "“3.220 hồ sơ” (số gần nhất: 3.218" in f.message
    assert "97,6" not in f.message  # a figure of the period (the online rate)


# --- typed blanks "…" (review of issue 17, P1) ----------------------------------------------------
def test_typed_blanks_are_an_error_per_section_saying_where_and_what(mini_store):
    store, pid = mini_store
    store.set_narrative(pid, "I.2", "- UBND xã đã ban hành Kế hoạch số …/KH-UBND ngày …/…/… về tự kiểm tra; "
                                    "ngày …/…/…, Đoàn kiểm tra … đã kiểm tra.\n- Quyết định số …/QĐ-UBND.")
    (f,) = by_rule(findings(store, pid), "cho-trong")
    assert f.severity == "loi" and f.target == "text:I.2" and f.section == "I.2"
    assert f.message.startswith("Lời văn mục I.2 (") and "còn 5 chỗ trống" in f.message
    assert "“Kế hoạch số …/KH-UBND”" in f.message and "hãy điền số, ngày văn bản" in f.message
    store.set_narrative(pid, "MO", "Đoàn kiểm tra … đã làm việc.")
    (mo,) = [x for x in by_rule(findings(store, pid), "cho-trong") if x.target == "text:MO"]
    assert mo.message.startswith("Lời văn phần mở đầu còn 1 chỗ trống") and "số, ngày" not in mo.message
    store.set_narrative(pid, "III.1", "- Tốt.\n- ...")  # a bullet left to fill, typed with three dots
    assert [x.target for x in by_rule(findings(store, pid), "cho-trong")] == ["text:MO", "text:I.2", "text:III.1"]


def test_an_ellipsis_of_prose_is_no_blank(mini_store):
    store, pid = mini_store
    store.set_narrative(pid, "I.3", "Tuyên truyền trên mạng xã hội (Zalo, Facebook…), quy chế thi đua, khen "
                                    "thưởng,... và cơ sở dữ liệu dân cư;.... Tra cứu thông tin cư trú; ...). "
                                    "Hệ số lương... v.v... Kế hoạch số 12/KH-UBND ngày 05/01/2024.")
    assert by_rule(findings(store, pid), "cho-trong") == []


def test_a_placeholder_printing_a_blank_is_not_a_typed_blank(mini_store):
    store, pid = mini_store
    store.set_narrative(pid, "I.1", "- Đã ban hành {{A/1.1}} văn bản.")  # blank value: the completeness warning's
    assert by_rule(findings(store, pid), "cho-trong") == []


def test_an_empty_documents_list_in_the_text_is_an_error(mini_store):
    store, pid = mini_store
    store.set_narrative(pid, "I.1", "- UBND xã đã xây dựng và ban hành {{ds.van_ban}}.")
    (f,) = by_rule(findings(store, pid), "danh-sach-van-ban-trong")
    assert f.severity == "loi" and f.target == "text:I.1" and "in “…”" in f.message
    assert "Văn bản đã ban hành" in f.message
    assert by_rule(findings(store, pid), "cho-trong") == []
    store.add_document(pid, number="12", symbol="KH-UBND", date="2024-01-05",
                       title="Kế hoạch cải cách hành chính năm 2024")
    assert by_rule(findings(store, pid), "danh-sach-van-ban-trong") == []


def test_the_demo_has_no_typed_blank():
    """The demo's accepted-errors flow (conftest.accept_all_errors, the smoke test, the Windows
    workflow) stays as it was: its text fills every blank."""
    import tempfile
    from pathlib import Path

    from cchc_desktop import dataio, paths
    from cchc_desktop.store import open_store

    with tempfile.TemporaryDirectory() as d:
        store = open_store(Path(d) / "demo.sqlite")
        dataio.load(store, dataio.read_file(paths.resource("demo", "chi-lang-nam-2023.json")))
        fs = rules.validate(values.load_report(store, None, "2023-NAM"))
        store.close()
    assert not by_rule(fs, "cho-trong") and not by_rule(fs, "danh-sach-van-ban-trong")


# --- dossiers received and carried over (review of issue 17, P2) ---------------------------------
def _ward(tmp_path):
    from cchc_desktop.domain import official_choice, official_units
    from cchc_desktop.report import default_texts
    from cchc_desktop.store import open_store

    fields = official_choice.unit_fields(official_units.unit("11383"))  # phường Lê Chân, Hải Phòng
    store = open_store(tmp_path / "w.sqlite")
    period = default_texts.setup_unit(store, fields.pop("code"), fields.pop("name"), fields.pop("kind"),
                                      "2026-Q3", **fields)
    for col, v in dict(truc_tuyen=520, truc_tiep=130, ky_truoc=5).items():
        store.set_dossier(period["id"], "ubnd", "", col, v)
    return store, period["id"]


def test_the_default_text_says_new_and_carried_dossiers_as_the_table_does(tmp_path):
    from cchc_desktop.report import narrative

    store, pid = _ward(tmp_path)
    data = values.load_period(store, pid)
    text = narrative.render_inline(data.narratives["II.2"]["text"], data)
    assert "tiếp nhận mới 650 hồ sơ" in text and "cùng 5 hồ sơ kỳ trước chuyển qua: tổng số hồ sơ tiếp nhận là 655" in text
    assert "trong đó kỳ trước" not in text
    assert by_rule(rules.validate(data), "tiep-nhan-ky-truoc") == []
    store.close()


def test_carried_dossiers_said_among_the_periods_own_are_a_warning(tmp_path):
    store, pid = _ward(tmp_path)
    for wrong in ("Đã tiếp nhận {{hs.ubnd.tiep_nhan_trong_ky}} hồ sơ (trong đó tiếp nhận trực tuyến "
                  "{{hs.ubnd.truc_tuyen}} hồ sơ; kỳ trước chuyển qua {{hs.ubnd.ky_truoc}} hồ sơ).",
                  "Trung tâm đã tiếp nhận 650 hồ sơ, trong đó kỳ trước chuyển qua 5 hồ sơ."):
        store.set_narrative(pid, "II.2", wrong)
        (f,) = by_rule(findings(store, pid), "tiep-nhan-ky-truoc")
        assert f.severity == "canh_bao" and f.target == "text:II.2", wrong
        assert "tổng số hồ sơ tiếp nhận 655" in f.message and "{{hs.ubnd.tiep_nhan}}" in f.message
    for right in ("Đã tiếp nhận {{hs.ubnd.tiep_nhan}} hồ sơ (trong đó kỳ trước chuyển qua {{hs.ubnd.ky_truoc}} hồ sơ).",
                  "Đã tiếp nhận 655 hồ sơ, trong đó kỳ trước chuyển qua 5 hồ sơ.",
                  "Tiếp nhận mới 650 hồ sơ, cùng 5 hồ sơ kỳ trước chuyển qua."):
        store.set_narrative(pid, "II.2", right)
        assert by_rule(findings(store, pid), "tiep-nhan-ky-truoc") == [], right
    store.close()


def test_text_findings_name_the_section_with_its_part(mini_store):
    """Review of issue 17 (V4): “Mục 1. Ưu điểm” did not say which part; “Mục III.1 (Ưu điểm)” does."""
    store, pid = mini_store
    store.set_narrative(pid, "III.1", "- trên 100% hồ sơ đạt mức hài lòng.")
    (f,) = by_rule(findings(store, pid), "ty-le-tren-100")
    assert f.message.startswith("Mục III.1 (Ưu điểm): lời văn ghi")
    store.set_narrative(pid, "MO", "Đạt 120 % hồ sơ đúng hạn.")
    assert any(x.message.startswith("Phần mở đầu: ") for x in by_rule(findings(store, pid), "ty-le-tren-100"))


def test_an_empty_signer_name_is_a_warning(mini_store):
    """Review of issue 17 (V6): “CHỦ TỊCH” over no name."""
    store, pid = mini_store
    unit = store.unit()
    store.update_unit(unit["code"], signer_name="")
    (f,) = by_rule(findings(store, pid), "nguoi-ky-trong")
    assert f.severity == "canh_bao" and f.target == "unit.signer_name" and "Thông tin chung" in f.message
    store.update_unit(unit["code"], signer_name="Nguyễn Văn An")
    assert by_rule(findings(store, pid), "nguoi-ky-trong") == []


def test_the_nearest_candidate_is_what_the_sentence_speaks_of(demo_store):
    """Review of issue 17 (V5): “thanh toán trực tuyến đạt 45 %” was offered the investment disbursed
    ({{BM6/1}}, 24 %, nearest by value); targets in the plan are not the period's figures."""
    period = demo_store.get_period(demo_store.unit()["code"], "2023-NAM")
    demo_store.set_narrative(period["id"], "III.2", "- Thanh toán trực tuyến đạt 45 %.")
    demo_store.set_narrative(period["id"], "IV", "- Phấn đấu 100 % hồ sơ giải quyết đúng hạn, 95 % hài lòng.")
    fs = by_rule(findings(demo_store, period["id"]), "so-trong-loi-van")
    (f,) = [x for x in fs if x.target == "text:III.2"]
    assert "chèn {{BM7/6.8}}" in f.message and "BM6/1" not in f.message
    assert not [x for x in fs if x.target == "text:IV"]
