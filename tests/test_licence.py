"""The project's licence is declared where a user or a packager looks, and agrees with the data's."""
import tomllib

from conftest import ROOT


def test_mit_in_the_licence_file_pyproject_readme_and_the_about_box():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n\nCopyright (c) 2026 CCHC Desktop contributors")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] in ("MIT", {"text": "MIT"})
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Licence" in readme and "MIT licence" in readme and "vietnamadminunits" in readme
    assert "Giấy phép MIT" in (ROOT / "ui" / "shell" / "main_window.py").read_text(encoding="utf-8")
    # The unit list's own licence, kept beside the data it covers.
    assert "MIT License" in (ROOT / "resources" / "units" / "README.md").read_text(encoding="utf-8")
