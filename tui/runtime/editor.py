"""Writing a long reply in $EDITOR (or $VISUAL): the TUI steps aside while it runs."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from textual.app import App


def edit_in_editor(app: App, text: str) -> tuple[str | None, str | None]:
    """Returns (new text, None), or (None, why it could not be edited)."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    fd, name = tempfile.mkstemp(prefix="ticket-reply-", suffix=".txt")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            with app.suspend():
                done = subprocess.run([*shlex.split(command), str(path)], check=False)
        except FileNotFoundError:
            return None, f"The editor '{command}' was not found; set $EDITOR."
        except Exception as error:  # suspend is impossible in some terminals (e.g. under tests)
            return None, f"Can't start the editor here: {error}."
        if done.returncode != 0:
            return None, f"The editor exited with code {done.returncode}; the reply was not changed."
        return path.read_text(encoding="utf-8"), None
    finally:
        path.unlink(missing_ok=True)
