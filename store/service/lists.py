"""Ticket lists: the views, their orders, filters, search, and keyset pagination.

A page is fetched after (or before) the sort key of a row already shown, never with OFFSET, so
any page costs the same on a million tickets as on ten. The "after the key" condition is split
into a few index range scans (see _arms) because a mixed-direction order written as one OR of
comparisons can't seek in an index: the database would read every row before the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import and_, exists, func, literal, or_, select, text, tuple_
from sqlalchemy.orm import Session, aliased

from .. import search, settings
from ..actors import Actor, ClientActor, StaffActor
from ..admin import client_by_email
from ..db import Store
from ..errors import BadInput
from ..models import AbuseCase, Client, Department, Favorite, Holder, SeenMark, Staff, Ticket
from ..status import admin_status, client_status
from ..views import TicketRow
from ._common import now, staff_visible

STAFF_VIEWS = ("queue", "all", "favorites", "delayed", "abuse", "archive")
CLIENT_VIEWS = ("queue", "all", "archive")  # queue and all both mean the active tickets
MAX_PAGE = 500

@dataclass(frozen=True)
class ListSpec:
    """What list to show: a view, an optional client filter (email) and search text."""

    view: str = "queue"
    client_email: str | None = None
    search: str | None = None


def _order(s: Session, actor: Actor, view: str) -> list[tuple]:
    """(column, descending) pairs, ending with the id so every key is unique."""
    if isinstance(actor, StaffActor) and view == "queue":
        cols = [(Ticket.placed_first, True)]
        if settings.get(s, "use_priority"):
            cols.append((Ticket.priority, True))
        return cols + [(Ticket.awaiting_staff, True), (Ticket.waiting_since, False), (Ticket.id, False)]
    if view == "delayed":
        return [(Ticket.delayed_until, False), (Ticket.id, False)]
    return [(Ticket.updated_at, True), (Ticket.id, True)]


# The queue's partial indexes are declared WHERE is_open; SQLite only uses them when the query
# says exactly that (SQLAlchemy's own rendering, "is_open = 1", doesn't count).
_IS_OPEN = text("tickets.is_open")


def _filters(s: Session, actor: Actor, spec: ListSpec, *, walk: bool = True) -> list:
    """The view's conditions. walk=False: the rows come from a short list of ids (a rare
    search), so nothing may tempt the database into walking a whole index instead."""
    at = now()
    view = spec.view
    conds: list = []
    if isinstance(actor, ClientActor):
        if view not in CLIENT_VIEWS:
            raise BadInput(f"'{view}' is not a client's view; use queue (active tickets) or archive.")
        conds.append(Ticket.client_id == actor.id)
        conds.append(Ticket.archived_at.is_not(None) if view == "archive" else Ticket.archived_at.is_(None))
    else:
        if view not in STAFF_VIEWS:
            raise BadInput(f"'{view}' is not a view; use one of: {', '.join(STAFF_VIEWS)}.")
        if view == "queue":
            conds += [_IS_OPEN if walk else Ticket.is_open,
                      or_(Ticket.delayed_until.is_(None), Ticket.delayed_until <= at)]
            if not actor.is_admin:
                mine = [Holder.staff_id == actor.id]
                if actor.department_ids:
                    mine.append(Holder.department_id.in_(actor.department_ids))
                conds.append(exists().where(Holder.ticket_id == Ticket.id, Holder.is_open, or_(*mine)))
        else:
            conds.append(staff_visible(actor))
        if view == "favorites":
            # Driven from the few favorites, not by testing every visible ticket.
            conds.append(Ticket.id.in_(select(Favorite.ticket_id).where(Favorite.staff_id == actor.id)))
        elif view == "delayed":
            conds.append(Ticket.delayed_until > at)
        elif view == "abuse":
            conds.append(exists().where(AbuseCase.ticket_id == Ticket.id))
        elif view == "archive":
            conds.append(Ticket.archived_at.is_not(None))
    if spec.client_email:
        conds.append(Ticket.client_id == client_by_email(s, spec.client_email).id)
    return conds


# --- keyset pagination ----------------------------------------------------------------------
def _beyond(cols: list[tuple], key: list, backwards: bool, inclusive: bool = False):
    """Rows after key over a run of columns that share one direction: a row-value comparison,
    which an index can seek to."""
    desc = cols[0][1]
    later = desc != backwards  # the run is read in descending order: "after" means smaller
    left = tuple_(*[c for c, _ in cols]) if len(cols) > 1 else cols[0][0]
    values = [literal(v, c.type) for (c, _), v in zip(cols, key)]
    right = tuple_(*values) if len(cols) > 1 else values[0]
    if later:
        return left <= right if inclusive else left < right
    return left >= right if inclusive else left > right


def _arms(order: list[tuple], key: tuple, backwards: bool, inclusive: bool) -> list:
    """The rows after key (at or after, if inclusive) as conditions in reading order, each
    one index range: the same leading columns and a later trailing run, then an earlier
    leading column changed, and so on."""
    runs: list[list[int]] = []
    for i, (_, desc) in enumerate(order):
        if runs and order[runs[-1][0]][1] == desc:
            runs[-1].append(i)
        else:
            runs.append([i])
    arms = []
    for r in range(len(runs) - 1, -1, -1):
        same = [order[i][0] == literal(key[i], order[i][0].type)
                for run in runs[:r] for i in run]
        run = runs[r]
        last = r == len(runs) - 1
        arms.append(and_(*same, _beyond([order[i] for i in run], [key[i] for i in run],
                                        backwards, inclusive and last)))
    return arms


def _after(order: list[tuple], key: tuple, backwards: bool, inclusive: bool = False):
    """The same rows as _arms, as one condition (for lists not read in index order)."""
    return or_(*_arms(order, key, backwards, inclusive))


def list_tickets(store: Store, actor: Actor, spec: ListSpec = ListSpec(), *, limit: int = 50,
                 after: tuple | None = None, before: tuple | None = None,
                 start: tuple | None = None, last: bool = False) -> list[TicketRow]:
    """One page of a view, in the view's order: after a sort key, before one, from one
    (inclusive: a refresh of rows already shown), or the view's last page."""
    if not 1 <= limit <= MAX_PAGE:
        raise BadInput(f"A page holds 1 to {MAX_PAGE} tickets.")
    with store.read() as s:
        order = _order(s, actor, spec.view)
        found = search.plan(s, spec.search, public_only=isinstance(actor, ClientActor))
        conds = _filters(s, actor, spec, walk=found is None or found.ordered_scan)
        if found is not None:
            conds.append(found.condition)
        backwards = before is not None or last
        key, inclusive = (after, False) if after is not None else (
            (before, False) if before is not None else (start, True))
        sort = [(c.desc() if d != backwards else c.asc()) for c, d in order]

        def page(extra: list, n: int) -> list:
            # The walk reads ids only (from the view's index where it can), then the page's
            # rows are read whole: thousands of rows passed over cost no table reads.
            ids = select(Ticket.id).where(*conds, *extra).order_by(*sort).limit(n)
            query = _select_rows(actor).where(Ticket.id.in_(ids.scalar_subquery())).order_by(*sort)
            return s.connection().execute(query).all()  # Core rows: no ORM loading

        if key is None:
            rows = page([], limit)
        elif found is not None and not found.ordered_scan:
            rows = page([_after(order, tuple(key), backwards, inclusive)], limit)
        else:
            rows = []
            for arm in _arms(order, tuple(key), backwards, inclusive):
                rows += page([arm], limit - len(rows))
                if len(rows) >= limit:
                    break
        if backwards:
            rows.reverse()
        return [_row(actor, r, order) for r in rows]


def count_tickets(store: Store, actor: Actor, spec: ListSpec = ListSpec(), *,
                  at_most: int | None = None) -> int:
    """How many tickets the list holds; with at_most, counting stops at at_most + 1 (a
    "more than" answer in bounded time, whatever the size of the view)."""
    with store.read() as s:
        found = search.plan(s, spec.search, public_only=isinstance(actor, ClientActor))
        by_ids = found is not None and (not found.ordered_scan or found.counting is not None)
        conds = _filters(s, actor, spec, walk=not by_ids)
        if found is not None:
            conds.append(found.counting if found.counting is not None else found.condition)
        if at_most is None:
            return s.scalar(select(func.count()).select_from(Ticket).where(*conds))
        capped = select(Ticket.id).where(*conds).limit(at_most + 1)
        if found is not None and found.ordered_scan and found.counting is None:
            # Walk the view in its order, as its pages do: the search was planned for that,
            # and any other order may check every ticket of the database one by one.
            capped = capped.order_by(*[c.desc() if d else c.asc()
                                       for c, d in _order(s, actor, spec.view)])
        return s.scalar(select(func.count()).select_from(capped.subquery()))


# Plain columns, not Ticket objects: building ORM objects cost ten times the query itself.
_ROW_COLUMNS = (Ticket.id, Ticket.subject, Ticket.priority, Ticket.placed_first,
                Ticket.delayed_until, Ticket.locked_at, Ticket.archived_at, Ticket.client_unread,
                Ticket.is_open, Ticket.awaiting_staff, Ticket.waiting_since, Ticket.updated_at)


def _select_rows(actor: Actor):
    return _rows_statement(actor.id if isinstance(actor, StaffActor) else None)


@lru_cache(maxsize=64)
def _rows_statement(staff_id: int | None):
    """Built once per reader: making the statement cost more than running it."""
    locker = aliased(Staff)
    if staff_id is not None:
        favorite = exists().where(Favorite.ticket_id == Ticket.id, Favorite.staff_id == staff_id)
        seen = (select(SeenMark.seen_at)
                .where(SeenMark.ticket_id == Ticket.id, SeenMark.staff_id == staff_id)
                .scalar_subquery())
        new = or_(seen.is_(None), Ticket.updated_at > seen)
    else:
        favorite = literal(False)  # clients keep no favorites
        new = Ticket.client_unread > 0
    return (
        select(*_ROW_COLUMNS, Client.email.label("client_email"), Client.name.label("client_name"),
               Department.name.label("department"), locker.login.label("locked_by"),
               favorite.label("favorite"), new.label("new"))
        .join(Client, Client.id == Ticket.client_id)
        .join(Department, Department.id == Ticket.department_id)
        .outerjoin(locker, locker.id == Ticket.locked_by_id)
    )


_KEY_INDEX = {col.key: i for i, col in enumerate(_ROW_COLUMNS)}


def _row(actor: Actor, r, order) -> TicketRow:
    (id_, subject, priority, placed_first, delayed_until, locked_at, archived_at, client_unread,
     is_open, awaiting_staff, waiting_since, updated_at, client_email, client_name, department,
     locked_by, favorite, new) = r
    archived = archived_at is not None
    status = (client_status(archived, is_open, client_unread) if isinstance(actor, ClientActor)
              else admin_status(archived, is_open))
    return TicketRow(
        id=id_, subject=subject, client_email=client_email, client_name=client_name,
        department=department, status=status, priority=priority, placed_first=placed_first,
        locked_by=locked_by, locked_at=locked_at, delayed_until=delayed_until,
        favorite=bool(favorite), new_since_seen=bool(new), awaiting_staff=awaiting_staff,
        waiting_since=waiting_since, updated_at=updated_at, archived=archived,
        sort_key=tuple(r[_KEY_INDEX[col.key]] for col, _ in order),
    )


def change_marker(store: Store) -> int:
    """A number that grows whenever anything changes in any ticket: a cheap "reload?" check."""
    from ..models import TicketEvent

    with store.read() as s:
        return s.scalar(select(func.coalesce(func.max(TicketEvent.id), 0)))
