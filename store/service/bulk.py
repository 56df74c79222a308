"""Bulk actions: one action on many tickets, each ticket its own transaction under the usual rules.

Each ticket's step calls the service's own actions, or for take and close the rules they run
(locking.py), never a copy of a rule, inside one transaction: the service's calls join it
(InTransaction), so an action that needs the lock takes a ticket nobody holds with "Assign
ticket to me" and acts in the same transaction, and a refusal anywhere rolls the whole step
back: nothing is half-done on any ticket.

Each step also records a "bulk" event naming its run id. A run that was killed has done a prefix
of its tickets; running it again with the same run id skips the tickets that event names, so a
reply is never sent twice.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator

from ..actors import Actor, StaffActor
from ..db import Store, plain_in
from ..errors import BadInput, LockedByOther, NotFound, NotVisible, Refused
from ..sql import Sql
from . import actions, lock, locking, macros, replies
from ._common import load_ticket, now, require_staff
from .bulk_records import BulkAction, BulkResult, DoneIds, Refusal, Selection
from .drafts import render_template, template_by_title
from .joined import InTransaction
from .lists import count_tickets, last_ticket_id, selection_page

PAGE = 200  # tickets read per page of a selection made by a list's query
RUN_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
Progress = Callable[[int, int], "bool | None"]


def run_bulk(store: Store, actor: Actor, selection: Selection, action: BulkAction, *,
             run_id: str | None = None, progress: Progress | None = None,
             stop: threading.Event | None = None) -> BulkResult:
    """Applies the action to every selected ticket, one transaction each, and says what was done
    and what was skipped and why. progress(done, total) is called after each ticket (returning
    False stops the run, as setting stop does); a stopped run leaves each ticket done or
    untouched. A run given the run id of an earlier, interrupted one does the rest of it."""
    staff = require_staff(actor, "act on many tickets at once")
    action = action.checked()
    run_id = _checked_run_id(run_id or uuid.uuid4().hex)
    template_id = template_by_title(store, staff, action.template) if action.template else None
    if action.macro:
        macros.check_macro(store, staff, action.macro)
    _check_selection(selection)
    total = len(selection.ids) if selection.ids is not None else max(0, count_tickets(
        store, staff, selection.spec) - len(selection.excluded))
    done, refused, earlier, reached = DoneIds(), [], 0, 0
    stopped = False
    for ticket_id in selected_ids(store, staff, selection):
        if stop is not None and stop.is_set():
            stopped = True
            break
        try:
            body = action.body
            if template_id is not None:
                text = render_template(store, staff, template_id, ticket_id)
                body = f"{text}\n\n{body}" if body.strip() else text
            if _step(store, staff, action, ticket_id, run_id, body):
                earlier += 1
            done.append(ticket_id)
        except Refused as refusal:
            refused.append(_refusal(store, ticket_id, refusal))
        reached += 1
        if progress is not None and progress(reached, max(total, reached)) is False:
            stopped = True
            break
    untouched = max(0, total - reached) if stopped else 0
    return BulkResult(run_id, action, done, earlier, tuple(refused), stopped, untouched)


def _step(store: Store, staff: StaffActor, action: BulkAction, ticket_id: int, run_id: str,
          body: str) -> bool:
    """One ticket, one transaction. True when an earlier run of this run id did it already.
    Take and close run as plain SQL (locking.py): most of a bulk run, and most of its time when
    it went through the ORM (docs/bulk.md); the rest join the service's own calls."""
    marker = f"{run_id} {action.name}"
    if action.name in ("take", "close"):
        with store.sql(write=True) as q:
            if _done_before(q, ticket_id, marker):
                return True
            # a lock held by another refuses (no take-over)
            locking.take(q, staff, locking.load_visible(q, staff, ticket_id))
            if action.name == "close":
                locking.close(q, staff, ticket_id, now(), "close")
            locking.record(q, staff, ticket_id, "bulk", marker, at=now(), activity=False)
        return False
    with store.write() as s:
        if _done_before(plain_in(s), ticket_id, marker):
            return True
        joined = InTransaction(s)
        name = action.name
        if name == "priority":
            was_mine = load_ticket(s, ticket_id).locked_by_id == staff.id
        if name in ("reply", "priority"):
            lock.take(joined, staff, ticket_id)  # a lock held by another refuses (no take-over)
        if name == "assign":
            actions.assign(joined, staff, ticket_id, department=action.department, staff=action.staff)
        elif name == "delay":
            actions.delay(joined, staff, ticket_id, action.until)
        elif name == "priority":
            replies.save_parameters(joined, staff, ticket_id, priority=action.priority)
            if not was_mine:  # taken only to set it: the lock goes back, as after a Cancel + unlock
                lock.unlock(joined, staff, ticket_id)
        elif name in ("favorite", "unfavorite"):
            actions.set_favorite(joined, staff, ticket_id, name == "favorite")
        elif name == "reply" and action.macro:
            macros.apply_macro(joined, staff, ticket_id, action.macro, body, close=action.close)
        elif name == "reply":
            replies.reply(joined, staff, ticket_id, body, close=action.close)
        locking.record(plain_in(s), staff, ticket_id, "bulk", marker, at=now(), activity=False)
    return False


def _done_before(q: Sql, ticket_id: int, marker: str) -> bool:
    """Did an earlier run of this run id act on the ticket? (Its "bulk" event says so.)"""
    return bool(q.value("SELECT EXISTS (SELECT 1 FROM ticket_events WHERE ticket_id = :t "
                        "AND action = 'bulk' AND detail = :marker)",
                        {"t": ticket_id, "marker": marker}))


def selected_ids(store: Store, actor: Actor, selection: Selection) -> Iterator[int]:
    """The selected ids: the given ones, or the list's tickets page by page in id order, up to
    the newest ticket when the run began (a ticket opened meanwhile was not selected)."""
    _check_selection(selection)
    if selection.ids is not None:
        yield from selection.ids
        return
    up_to, after = last_ticket_id(store), 0
    while True:
        page = selection_page(store, actor, selection.spec, after_id=after, up_to=up_to, limit=PAGE)
        yield from (i for i in page if i not in selection.excluded)
        if len(page) < PAGE:
            return
        after = page[-1]


def _check_selection(selection: Selection) -> None:
    if (selection.ids is None) == (selection.spec is None):
        raise BadInput("Select the tickets by their ids or by a list, one of the two.")


def _refusal(store: Store, ticket_id: int, refusal: Refused) -> Refusal:
    if isinstance(refusal, LockedByOther):
        with store.sql() as q:
            holder = q.value("SELECT staff.login FROM tickets JOIN staff ON staff.id = "
                             "tickets.locked_by_id WHERE tickets.id = :t", {"t": ticket_id})
        return Refusal(ticket_id, str(refusal), "locked", holder)
    kind = "not visible" if isinstance(refusal, (NotVisible, NotFound)) else "refused"
    return Refusal(ticket_id, str(refusal), kind)


def _checked_run_id(run_id: str) -> str:
    if not 1 <= len(run_id) <= 64 or not set(run_id) <= RUN_ID_CHARS:
        raise BadInput("A run id is 1 to 64 letters, digits, '-', '_' or '.'.")
    return run_id
