"""The command-line face: thin click commands over store/ (see ticket_tui.py for the group)."""
