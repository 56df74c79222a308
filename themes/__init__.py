"""Theme files bundled with ticket-tui (TOML); tui/runtime/themes.py loads them and the user's own."""
