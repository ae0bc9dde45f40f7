"""Where the app finds its resources and keeps its data file."""
import sys
from pathlib import Path


def resource_dir() -> Path:
    """The `resources/` folder: beside the package in a source tree, inside the bundle when frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)


def guide_path() -> Path:
    """The user guide `docs/huong-dan-su-dung.md` (its pictures in `docs/images/`): in the source
    tree, or inside the bundle when frozen (installer/cchc-desktop.spec puts docs/ beside resources/)."""
    return resource_dir().parent / "docs" / "huong-dan-su-dung.md"


def default_db_path() -> Path:
    """The data file in the user's data folder (created on first use)."""
    import platformdirs  # platformdirs: only when the default folder is needed (start-up time)

    folder = Path(platformdirs.user_data_dir("CCHC Desktop", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "cchc.sqlite"
