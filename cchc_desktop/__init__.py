"""CCHC Desktop: the headless core (no Qt here; see ui/ for the window)."""

__version__ = "0.1.0"
APP_NAME = "CCHC Desktop"
