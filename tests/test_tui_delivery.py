"""The thread's mark of a staff reply's mail (tui/widgets/thread.py): queued, sent, or failed
with the server's answer, shown as text (an SMTP server's markup or escapes stay literal)."""

from __future__ import annotations

from datetime import datetime, timezone

from store.views import MessageView
from tui.widgets.thread import MessageBox

AT = datetime(2026, 12, 3, 15, 0, tzinfo=timezone.utc)


def view(delivery: str | None, reason: str = "") -> MessageView:
    return MessageView(7, "staff", "alice", "Alice Smith", "Fixed.", AT, None, (),
                       delivery=delivery, delivery_reason=reason)


def test_delivery_marks() -> None:
    assert "mail" not in MessageBox._content(view(None)).plain.splitlines()[0]
    assert MessageBox._content(view("queued")).plain.splitlines()[0].endswith("· mail queued")
    assert MessageBox._content(view("sent", "250 accepted")).plain.splitlines()[0].endswith("· mail sent")
    failed = MessageBox._content(view("failed", "550 [bold]No\x1b[31m such\nuser"))
    head = failed.plain.splitlines()[0]
    assert head.endswith("· mail failed: 550 [bold]No such user")  # one line, markup literal
    assert "\x1b" not in failed.plain
    assert any(span.style == "bold red" for span in failed.spans)
