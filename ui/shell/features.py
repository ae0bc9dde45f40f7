"""Features that add themselves to the main window: "module:function" entries.

Each function is called once as `install(window)` after the window is built; it may add menu
actions (`window.add_action(menu, text, callback, shortcut=None)`), tabs
(`window.add_tab(widget, title)`) and run slow work with `window.run_task(...)`.
"""
FEATURES: list[str] = [
    "ui.charts.charts_tab:install",
    "ui.index766.index_tab:install",
    "ui.export.export_word:install",
    "ui.packages.feature:install",
    "ui.packages.merger:install",
    "ui.export.export_excel:install",
    "ui.register.register_import:install",
    "ui.safety.backup_dialogs:install",
    "ui.entry.catalogue_menu:install",
    "ui.par.par_tab:install",
]
