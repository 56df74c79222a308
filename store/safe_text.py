"""Untrusted text made safe to print on a terminal: no escape sequences, no control bytes.

Ticket text comes from clients. Before any face shows it, ESC/CSI/OSC sequences, C0 controls
(except newline and tab), DEL, C1 controls and bidirectional overrides are removed, so a
message can't move the cursor, retitle the window, write the clipboard or reorder what the
reader sees. Callers that render markup must still build text objects, never markup strings.
"""

from __future__ import annotations

import re

_ESCAPES = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL/ST (titles, hyperlinks, clipboard)
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS strings
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI (colours, cursor moves)
    r"|\x1b[@-Z\\-_]?"  # other two-byte escapes, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, one_line: bool = False) -> str:
    text = _CONTROLS.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n")))
    if one_line:
        text = " ".join(text.split())
    return text
