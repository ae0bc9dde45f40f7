from cchc_desktop.report import narrative, narrative_html, values


def test_render_paragraphs_bullets_bold_and_blocks(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    text = "- Tiếp nhận **{{hs.ubnd.tiep_nhan}}** hồ sơ\n\n+ tỷ lệ {{hs.ubnd.ty_le_truc_tuyen}}\n{{bang.ho_so_linh_vuc}}\nx {{BM6/1.2|dong}} đồng, {{TT/13|chu}}, {{nope.x}}"
    out = narrative.render(text, data)
    assert isinstance(out[0], narrative.Paragraph) and out[0].bullet == "- "
    assert out[0].runs() == [("Tiếp nhận ", False), ("3.225", True), (" hồ sơ", False)]
    assert out[1].plain == "+ tỷ lệ 97,6 %"
    assert isinstance(out[2], narrative.Block) and out[2].name == "bang.ho_so_linh_vuc"
    assert out[3].plain == "x 3.523.681.000 đồng, 03, {{nope.x}}"


def test_blank_values_render_as_an_ellipsis(mini_store):
    store, pid = mini_store
    data = values.load_period(store, pid)
    assert narrative.render_inline("{{A/1.1}} nhiệm vụ", data) == "… nhiệm vụ"


def test_field_table_has_the_seed_rows(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    header, rows = narrative.field_table(data)
    assert header[:5] == ["Số TT", "Tên lĩnh vực", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp"]
    assert rows[0][:5] == ["1", "Lĩnh vực Hộ tịch", "501", "458", "43"]
    assert rows[-1][:5] == ["", "Cộng", "3.225", "3.147", "78"]


def test_typed_figures_are_found_and_matched_to_values(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    text = "Tiếp nhận 3.225 hồ sơ, trực tuyến đạt 97,6 %; có {{BM3/1}} thủ tục; 999 hồ sơ khác."
    found = narrative.typed_figures(text, data)
    assert [(f["text"], f["unit"]) for f in found] == [("3.225", "hồ sơ"), ("97,6", "%")]
    assert "hs.ubnd.tiep_nhan" in found[0]["names"]
    assert "hs.ubnd.ty_le_truc_tuyen" in found[1]["names"] and "BM7/6.7" in found[1]["names"]
    assert text[found[0]["start"]:found[0]["end"]] == "3.225"


def test_document_citation():
    doc = {"kind": "Kế hoạch", "number": "44", "symbol": "KH-UBND", "date": "2022-12-30",
           "summary": "về Cải cách hành chính năm 2023"}
    assert narrative.document_citation(doc) == "Kế hoạch số 44/KH-UBND ngày 30/12/2022 về Cải cách hành chính năm 2023"


def test_typed_figures_with_the_new_unit_words_match_only_fitting_units(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    words = narrative.unit_words(data.catalogue)
    assert {"cán bộ", "công chức", "viên chức", "biên chế", "lượt", "triệu đồng", "đồng"} <= set(words)
    assert "cuộc" not in words and "buổi" not in words  # the catalogue counts nothing in cuộc / buổi
    text = ("Có 10 cán bộ và 10 công chức; 20 biên chế; 23 lượt tập huấn; 23 cuộc họp; thu 11.750.652.112 đồng; "
            "kế hoạch 4.000 triệu đồng, đã chi 3.523.681.000 đồng; 3.225 văn bản; 10 đồng chí.")
    found = {(f["text"], f["unit"]): f["names"] for f in narrative.typed_figures(text, data)}
    assert set(found["10", "cán bộ"]) == {"TT/8", "TT/9"}  # rows counted in Người
    assert set(found["10", "công chức"]) == {"TT/8", "TT/9"}
    assert set(found["20", "biên chế"]) == {"BM4/2.1", "BM4/2.2"}
    assert found["23", "lượt"] == ["TT/12"]
    assert ("23", "cuộc") not in found
    assert found["11.750.652.112", "đồng"] == ["TT/14"]
    assert found["4.000", "triệu đồng"] == ["BM6/1.1"]
    assert found["3.523.681.000", "đồng"] == ["BM6/1.2|dong"]  # a triệu đồng row written in đồng
    assert ("3.225", "văn bản") not in found  # 3.225 is a count of hồ sơ, not of văn bản
    assert ("10", "đồng") not in found  # "đồng chí" is no money, and no Đồng row holds 10
    assert narrative.render_inline("{{BM6/1.2|dong}} đồng", data) == "3.523.681.000 đồng"


def test_preview_html_renders_blocks(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    text = "**Kết quả:**\n{{bang.ho_so_linh_vuc}}\n+ trực tuyến {{hs.ubnd.ty_le_truc_tuyen}}\n{{khong.co}}"
    html = narrative_html.preview_html("2. TTHC", text, data)
    assert "<table" in html and "Hộ tịch" in html and "3.225" in html
    assert "<b>Kết quả:</b>" in html
    assert "+ trực tuyến" in html and "97,6 %" in html
    assert narrative_html.UNKNOWN_STYLE in html and "{{khong.co}}" in html  # shown as typed, in red
    assert "chưa có nội dung" in narrative_html.preview_html("I.1", "  \n", data)


def test_preview_and_word_report_lay_out_a_text_alike(demo_store):
    """Both renderers read narrative.lines: the same paragraphs, bullets and blocks, in order."""
    data = values.load_report(demo_store, None, "2023-NAM")
    text = "Mở đầu\n\n  - gạch một\n+ gạch hai\n {{bang.ho_so_linh_vuc}} \nCuối **đậm** {{ds.van_ban}}"
    word = narrative.render(text, data)
    assert [(type(x).__name__, getattr(x, "bullet", None)) for x in word] == [
        ("Paragraph", ""), ("Paragraph", "- "), ("Paragraph", "+ "), ("Block", None), ("Paragraph", "")]
    html = narrative_html.preview_html("", text, data)
    marks = ["Mở đầu</p>", "- gạch một</p>", "+ gạch hai</p>", "<table", "Cuối <b>đậm</b>"]
    where = [html.find(m) for m in marks]
    assert -1 not in where and where == sorted(where), where
    assert html.count("<table") == 1  # ds.van_ban stays inline in both
