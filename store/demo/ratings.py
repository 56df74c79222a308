"""The demo's clients rate some staff replies (quality control), so Reports and the ticket form
have ratings to show: every third reply on a closed ticket, mostly good, a few bad with a
reason."""

from __future__ import annotations

from .. import service as sv

BAD = ("Took two days to get an answer.", "Did not read my question.", "")
GOOD = ("Thanks, quick and clear!", "", "")


def rate_replies(desk) -> None:
    with desk.store.sql() as q:
        replies = q.rows("SELECT m.id, m.ticket_id FROM messages m JOIN tickets t "
                         "ON t.id = m.ticket_id WHERE m.kind = 'staff' AND NOT t.is_open "
                         "ORDER BY m.id")
    for i, (message_id, ticket_id) in enumerate(replies):
        client = desk.owner.get(ticket_id)
        if i % 3 or client is None:
            continue
        bad = i % 5 == 0
        comment = (BAD if bad else GOOD)[i % 3]
        sv.rate(desk.store, desk.clients[client], message_id, "bad" if bad else "good", comment)
        desk._tick(5, 30)
