"""Opening a ticket even when the database can't take what reading writes (the staff's seen mark,
a client's replies marked read): a read-only database file or a full disk. The ticket opens as
it is, and the reader is told once why it still shows as new."""

from __future__ import annotations

from store import service as sv
from store.errors import NotWritable
from store.views import TicketDetail


def show_or_peek(store, actor, ticket_id: int, **kwargs) -> tuple[TicketDetail, NotWritable | None]:
    """sv.show(); when its mark can't be written, sv.peek() and why (reading never waits on a
    write)."""
    try:
        return sv.show(store, actor, ticket_id, **kwargs), None
    except NotWritable as error:
        return sv.peek(store, actor, ticket_id, **kwargs), error


def tell_not_marked(app, error: NotWritable) -> None:
    app.notify(str(error), title="Opened without marking it read", severity="warning", timeout=10,
               markup=False)
