"""Theme files bundled with ticket-tui (TOML); tui/themes.py loads them and the user's own."""
