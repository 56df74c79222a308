"""The one rule of direction: store/ never imports the UI (textual, rich, tui) or the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = {"textual", "rich", "tui", "cli", "click"}
STORE = Path(__file__).resolve().parent.parent / "store"


def test_store_imports_no_ui() -> None:
    offenders = []
    for path in STORE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
