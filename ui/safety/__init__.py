"""Backups, restore and the history of changes."""
