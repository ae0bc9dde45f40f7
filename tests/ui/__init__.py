# This package is imported under the name "ui" (pytest's rootdir-based import), the app's own
# package's name: its submodules (ui.shell …) must come from the app beside these tests, not from
# wherever an editable install of the project points (another checkout).
from pathlib import Path as _Path

__path__.append(str(_Path(__file__).resolve().parent.parent.parent / "ui"))
