"""The PySide6 window: a thin layer over cchc_desktop (all Qt imports go through ui.qt)."""
