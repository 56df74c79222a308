"""The ticket form's line of response targets: each due time, met or missed, the late ones in
the theme's "breached" colour (its variable due-breached, like the list's Due column)."""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text

from store.views import DueTimes

from tui.runtime.display import when_near
from tui.widgets.columns import due_text


def due_line(times: DueTimes | None, now: datetime, breached: str) -> Text | None:
    """"Response targets: first response due … (12m late) · resolution due … (in 3h)"; None
    for a ticket without targets. A due counts as late only while the ticket is overdue
    (an open, undelayed ticket: a delayed one shows where its paused clocks will end)."""
    if times is None:
        return None
    late = Style(color=breached, bold=True)
    running = times.due is not None
    parts: list[Text] = []

    def due(name: str, moment: datetime | None) -> None:
        if moment is None:
            return
        part = Text(f"{name} due {when_near(moment, now)}")
        if running:
            gone = moment <= now
            part.append(f" ({due_text(moment, now)})", style=late if gone else "")
        parts.append(part)

    if times.first_response_met is True:
        parts.append(Text("first response met"))
    elif times.first_response_met is False:
        parts.append(Text("first response missed", style=late))
    else:
        due("first response", times.first_response_due)
    due("next response", times.next_response_due)
    due("resolution", times.resolution_due)
    if not parts:
        return None
    return Text("Response targets: ", style="bold") + Text(" · ").join(parts)
