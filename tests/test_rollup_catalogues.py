"""A province's communes on different forms (catalogue versions): a newer app's forms, or forms
a province issued to some communes. The roll-up counts what its own forms can count and names
every typed figure it cannot, commune by commune (aggregate.Uncounted), with what to do; never a
figure dropped unsaid. The province's own choice of forms names the forms of the period its first
package makes."""
from __future__ import annotations

from pathlib import Path

from cchc_desktop.domain import catalogue as catalogue_mod
from cchc_desktop.domain import official_choice, official_units
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import package as ip
from cchc_desktop.report import aggregate, default_texts
from cchc_desktop.store import open_store
from tests.conftest import run_cli

PERIOD = "2025-NAM"
CREATED = "2025-12-16T09:00:00+07:00"
EXTRA_ROW = '''[[forms.rows]]
stt = "2.2."
label = "Số nhiệm vụ đã hoàn thành"
unit = "Nhiệm vụ"
kind = "count"

[[forms.rows]]
stt = "2.3."
label = "Số nhiệm vụ bổ sung trong năm"
unit = "Nhiệm vụ"
kind = "count"
'''


def other_forms(cat) -> catalogue_mod.Catalogue:
    """The commune's forms with one row more (BM1/2.3), under another version."""
    text = cat.text.replace(f'version = "{cat.version}"', 'version = "HP-2025.1"', 1)
    head = '[[forms.rows]]\nstt = "2.2."\nlabel = "Số nhiệm vụ đã hoàn thành"\nunit = "Nhiệm vụ"\nkind = "count"\n'
    assert text != cat.text and text.count(head) == 1
    return catalogue_mod.from_text(text.replace(head, EXTRA_ROW))


def package_of(tmp: Path, unit: official_units.Unit, figures: dict[str, str], forms=None) -> Path:
    """A commune's own file and its package of the period, its forms `forms` (else the frame's)."""
    store = open_store(tmp / f"{unit.code}.sqlite")
    try:
        fields = official_choice.unit_fields(unit)
        code = fields.pop("code")
        period = default_texts.setup_unit(store, code, fields.pop("name"), fields.pop("kind"), PERIOD, **fields)
        if forms is not None:
            store.add_catalogue(forms(store.catalogue(period["catalogue_version"])))
            store.choose_catalogue(code, "HP-2025.1", period["id"])
        for row, value in figures.items():
            store.set_value(period["id"], row, value)
        return pkg.make_package(store, code, PERIOD, tmp, check_errors=False, documents=False, created_at=CREATED)
    finally:
        store.close()


def test_figures_the_rollups_forms_cannot_count_are_named_and_counted_once_the_forms_are_switched(tmp_path):
    a, b = official_units.units("31")[:2]
    first = package_of(tmp_path, a, {"BM1/1": "3", "BM1/2.1": "5"})
    second = package_of(tmp_path, b, {"BM1/1": "4", "BM1/2.1": "6", "BM1/2.3": "7"}, forms=other_forms)
    province = open_store(tmp_path / "tinh.sqlite")
    try:
        for p in (first, second):  # the first package makes the province's period, on its forms
            assert [r.status for r in ip.import_packages(province, [p])] == ["imported"]
        r = aggregate.rollup(province, PERIOD)
        assert r.data.catalogue.version != "HP-2025.1"
        assert r.data.raw["BM1/1"]["value"] == "7" and r.data.raw["BM1/2.1"]["value"] == "11"
        assert "BM1/2.3" not in r.data.catalogue.rows_by_code
        assert [(u.code, u.version, [c for c, _ in u.rows]) for u in r.uncounted] == [(b.code, "HP-2025.1", ["BM1/2.3"])]
        [line] = r.warnings()
        assert b.name.casefold() in line.casefold() and "HP-2025.1" in line and "BM1/2.3 Số nhiệm vụ bổ sung trong năm" in line
        assert "không được cộng" in line and "Dùng cả cho kỳ đang mở" in line
        assert r.as_dict()["uncounted"] == [{"code": b.code, "commune": r.uncounted[0].commune,
                                             "catalogue_version": "HP-2025.1", "rows": ["BM1/2.3"]}]
        # The province switches its (empty) period to the commune's forms: the row is counted, and the
        # commune without it is named as lacking it, as any commune without a figure is.
        own = province.find_period(r.upper["code"], PERIOD)
        province.choose_catalogue(r.upper["code"], "HP-2025.1", own["id"])
        r = aggregate.rollup(province, PERIOD)
        assert r.uncounted == [] and r.warnings() == []
        assert r.data.raw["BM1/2.3"]["value"] == "7" and "1/2" in r.data.raw["BM1/2.3"]["note"]
        assert r.data.raw["BM1/1"]["value"] == "7"
    finally:
        province.close()


def test_the_command_says_what_the_rollup_leaves_out(tmp_path):
    a, b = official_units.units("31")[:2]
    first = package_of(tmp_path, a, {"BM1/1": "3"})
    second = package_of(tmp_path, b, {"BM1/1": "4", "BM1/2.3": "7"}, forms=other_forms)
    db = tmp_path / "tinh.sqlite"
    for p in (first, second):
        assert run_cli("import-package", "--db", db, p).returncode == 0
    out = run_cli("rollup", "--db", db, "--period", PERIOD)
    assert out.returncode == 0, out.stderr
    [note] = [line for line in out.stdout.splitlines() if line.startswith("Lưu ý:")]
    assert "HP-2025.1" in note and "BM1/2.3" in note


def test_the_province_not_the_first_package_chooses_the_forms_of_its_period(tmp_path):
    a, b = official_units.units("31")[:2]
    on_other = package_of(tmp_path, b, {"BM1/1": "4", "BM1/2.3": "7"}, forms=other_forms)
    province = open_store(tmp_path / "tinh.sqlite")
    try:
        assert [r.status for r in ip.import_packages(province, [on_other])] == ["imported"]
        r = aggregate.rollup(province, PERIOD)
        upper = r.upper["code"]
        frame = province.new_period_catalogue(upper, "2025-12-31")
        assert frame != "HP-2025.1" and province.find_period(upper, PERIOD)["catalogue_version"] == frame
        assert [c for c, _ in r.uncounted[0].rows] == ["BM1/2.3"]
        # A province that chose the forms it issued: its next period is made on them.
        province.choose_unit_catalogue(upper, "HP-2025.1")
        commune = open_store(tmp_path / f"{b.code}.sqlite")  # the commune's own file: its pinned key
        try:
            default_texts.new_period(commune, b.code, "2026-Q1")
            later = pkg.make_package(commune, b.code, "2026-Q1", tmp_path, check_errors=False, documents=False,
                                     created_at="2026-04-02T09:00:00+07:00")
        finally:
            commune.close()
        assert [r.status for r in ip.import_packages(province, [later])] == ["imported"]
        assert province.find_period(upper, "2026-Q1")["catalogue_version"] == "HP-2025.1"
        assert aggregate.rollup(province, "2026-Q1").uncounted == []
    finally:
        province.close()
