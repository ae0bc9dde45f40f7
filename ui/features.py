"""Features that add themselves to the main window: "module:function" entries.

Each function is called once as `install(window)` after the window is built; it may add menu
actions (`window.add_action(menu, text, callback, shortcut=None)`), tabs
(`window.add_tab(widget, title)`) and run slow work with `window.run_task(...)`.
"""
FEATURES: list[str] = [
    "ui.charts_tab:install",
    "ui.export_word:install",
    "ui.package_dialogs:install",
    "ui.export_excel:install",
    "ui.register_import:install",
    "ui.backup_dialogs:install",
    "ui.catalogue_menu:install",
]
