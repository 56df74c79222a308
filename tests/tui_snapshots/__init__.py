"""Snapshots of the TUI, a module a screen (the fixtures they share are in conftest.py)."""
