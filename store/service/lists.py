"""Ticket lists: the views, their orders, filters, search, and keyset pagination.

Plain SQL (store/sql.py): the list is the first thing a person waits for, and it is painted
before SQLAlchemy is loaded.

A page is fetched after (or before) the sort key of a row already shown, never with OFFSET, so
any page costs the same on a million tickets as on ten. The "after the key" condition is split
into a few index range scans (see _arms) because a mixed-direction order written as one OR of
comparisons can't seek in an index: the database would read every row before the key.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from .. import settings
from ..actors import Actor, ClientActor, StaffActor, find_client
from ..db import Store
from ..errors import BadInput
from ..sla.due import COLUMNS as DUE_COLUMNS, NEVER, due_order, from_row, warning_until
from ..sql import Sql, utc
from ..status import admin_status, client_status, merged_status
from ..views import TicketRow
from .rules import held_by, now, staff_visible

STAFF_VIEWS = ("queue", "all", "favorites", "delayed", "abuse", "archive", "overdue")
CLIENT_VIEWS = ("queue", "all", "archive")  # queue and all both mean the active tickets
MAX_PAGE = 500
SLA_DUE = "ticket_sla.due"  # the Overdue view's order (a column of the joined ticket_sla)

# The columns a list row is made of, in the order of _ROW_SQL's select list.
_ROW_COLUMNS = ("id", "subject", "priority", "placed_first", "delayed_until", "locked_at",
                "archived_at", "client_unread", "is_open", "awaiting_staff", "waiting_since",
                "updated_at", "merged_into_id")


class ListSpec(NamedTuple):
    """What list to show: a view, an optional client filter (email) and search text."""

    view: str = "queue"
    client_email: str | None = None
    search: str | None = None


def _search_plan(q: Sql, spec: ListSpec, params: dict, *, public_only: bool):
    """The search's condition (store/search.py), None without a search; its module is loaded
    on the first search only."""
    if not spec.search:
        return None
    from .. import search

    return search.plan(q, spec.search, params, public_only=public_only)


def _order(q: Sql, actor: Actor, view: str) -> list[tuple[str, bool]]:
    """(column, descending) pairs, ending with the id so every key is unique."""
    if isinstance(actor, StaffActor) and view == "queue":
        cols = [("placed_first", True)]
        if settings.read(q, "queue_by_due"):
            cols.append((due_order(q), False))
        if settings.read(q, "use_priority"):
            cols.append(("priority", True))
        return cols + [("awaiting_staff", True), ("waiting_since", False), ("id", False)]
    if view == "delayed":
        return [("delayed_until", False), ("id", False)]
    if view == "overdue":
        return [(SLA_DUE, False), ("id", False)]
    return [("updated_at", True), ("id", True)]


def _filters(q: Sql, actor: Actor, spec: ListSpec, params: dict, *, walk: bool = True) -> list[str]:
    """The view's conditions. walk=False: the rows come from a short list of ids (a rare
    search), so nothing may tempt the database into walking a whole index instead."""
    view = spec.view
    conds: list[str] = []
    if isinstance(actor, ClientActor):
        if view not in CLIENT_VIEWS:
            raise BadInput(f"'{view}' is not a client's view; use queue (active tickets) or archive.")
        params["client"] = actor.id
        conds.append("tickets.client_id = :client")
        conds.append("tickets.archived_at IS " + ("NOT NULL" if view == "archive" else "NULL"))
        # A merged ticket's stub is left out: the client sees the ticket it went into.
        conds.append("tickets.merged_into_id IS NULL")
    else:
        if view not in STAFF_VIEWS:
            raise BadInput(f"'{view}' is not a view; use one of: {', '.join(STAFF_VIEWS)}.")
        if view in ("queue", "delayed"):
            params["now"] = q.db_time(now())
        if view == "overdue":  # open tickets due before the warning window ends, as the queue's
            params["soon"] = q.db_time(warning_until(q, now()))
            conds += ["tickets.is_open", "tickets.id IN (SELECT ticket_sla.ticket_id FROM "
                      "ticket_sla WHERE ticket_sla.due < :soon)"]
            if not actor.is_admin:
                conds.append(held_by(actor, params, open_only=True))
        elif view == "queue":
            # The queue's partial indexes are declared WHERE is_open; SQLite only uses them
            # when the query says exactly that ("is_open = 1" doesn't count).
            conds += ["tickets.is_open" if walk or not q.sqlite else "tickets.is_open = 1",
                      "(tickets.delayed_until IS NULL OR tickets.delayed_until <= :now)"]
            if not actor.is_admin:
                conds.append(held_by(actor, params, open_only=True))
        elif not actor.is_admin:
            conds.append(staff_visible(actor, params))
        params["me"] = actor.id
        if view == "favorites":
            # Driven from the few favorites, not by testing every visible ticket.
            conds.append("tickets.id IN (SELECT favorites.ticket_id FROM favorites "
                         "WHERE favorites.staff_id = :me)")
        elif view == "delayed":
            conds.append("tickets.delayed_until > :now")
        elif view == "abuse":
            conds.append("EXISTS (SELECT 1 FROM abuse_cases WHERE abuse_cases.ticket_id = tickets.id)")
        elif view == "archive":
            conds.append("tickets.archived_at IS NOT NULL")
    if spec.client_email:
        params["filter_client"] = find_client(q, spec.client_email)[0]
        conds.append("tickets.client_id = :filter_client")
    return conds


def _where(conds: list[str]) -> str:
    return " AND ".join(conds) or "1 = 1"


def _column(c: str) -> str:
    """An order's column: a ticket's, or an expression over the joined ticket_sla."""
    return c if "." in c or "(" in c else f"tickets.{c}"


def _tables(order: list[tuple[str, bool]]) -> str:
    """The tickets, joined to their due times when the order reads them."""
    if any("ticket_sla." in c for c, _ in order):
        return "tickets LEFT OUTER JOIN ticket_sla ON ticket_sla.ticket_id = tickets.id"
    return "tickets"


def _sort(order: list[tuple[str, bool]], backwards: bool) -> str:
    return ", ".join(f"{_column(c)} {'DESC' if d != backwards else 'ASC'}" for c, d in order)


# --- keyset pagination ----------------------------------------------------------------------
def _beyond(q: Sql, cols: list[tuple[str, bool]], key: list, params: dict, backwards: bool,
            inclusive: bool) -> str:
    """Rows after key over a run of columns that share one direction: a row-value comparison,
    which an index can seek to."""
    later = cols[0][1] != backwards  # the run is read in descending order: "after" is smaller
    names = [_param(q, params, v) for v in key]
    left = ", ".join(_column(c) for c, _ in cols)
    right = ", ".join(names)
    if len(cols) > 1:
        left, right = f"({left})", f"({right})"
    op = ("<" if later else ">") + ("=" if inclusive else "")
    return f"{left} {op} {right}"


def _param(q: Sql, params: dict, value) -> str:
    name = f"k{len(params)}"
    params[name] = q.value_of(value)
    return f":{name}"


def _arms(q: Sql, order: list[tuple[str, bool]], key: tuple, params: dict, backwards: bool,
          inclusive: bool) -> list[str]:
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
        same = [f"{_column(order[i][0])} = {_param(q, params, key[i])}"
                for run in runs[:r] for i in run]
        run = runs[r]
        last = r == len(runs) - 1
        beyond = _beyond(q, [order[i] for i in run], [key[i] for i in run], params, backwards,
                         inclusive and last)
        arms.append(" AND ".join([*same, beyond]))
    return arms


def list_tickets(store: Store, actor: Actor, spec: ListSpec = ListSpec(), *, limit: int = 50,
                 after: tuple | None = None, before: tuple | None = None,
                 start: tuple | None = None, last: bool = False) -> list[TicketRow]:
    """One page of a view, in the view's order: after a sort key, before one, from one
    (inclusive: a refresh of rows already shown), or the view's last page."""
    if not 1 <= limit <= MAX_PAGE:
        raise BadInput(f"A page holds 1 to {MAX_PAGE} tickets.")
    is_client = isinstance(actor, ClientActor)
    with store.sql() as q:
        params: dict = {}
        order = _order(q, actor, spec.view)
        found = _search_plan(q, spec, params, public_only=is_client)
        conds = _filters(q, actor, spec, params, walk=found is None or found.ordered_scan)
        if found is not None:
            conds.append(found.condition)
        backwards = before is not None or last
        key, inclusive = (after, False) if after is not None else (
            (before, False) if before is not None else (start, True))
        sort = _sort(order, backwards)
        rows_sql = _rows_sql(is_client)
        params["row_actor"] = actor.id

        def page(extra: list[str], n: int) -> list:
            # The walk reads ids only (from the view's index where it can), then the page's
            # rows are read whole: thousands of rows passed over cost no table reads.
            params["page_limit"] = n
            ids = (f"SELECT tickets.id FROM {_tables(order)} WHERE {_where(conds + extra)} "
                   f"ORDER BY {sort} LIMIT :page_limit")
            return q.rows(f"{rows_sql} WHERE tickets.id IN ({ids}) ORDER BY {sort}", params)

        if key is None:
            rows = page([], limit)
        elif found is not None and not found.ordered_scan:
            arms = _arms(q, order, tuple(key), params, backwards, inclusive)
            rows = page(["(" + " OR ".join(f"({a})" for a in arms) + ")"], limit)
        else:
            rows = []
            for arm in _arms(q, order, tuple(key), params, backwards, inclusive):
                rows += page([arm], limit - len(rows))
                if len(rows) >= limit:
                    break
    if backwards:
        rows.reverse()
    return [_row(is_client, r, order) for r in rows]


def count_tickets(store: Store, actor: Actor, spec: ListSpec = ListSpec(), *,
                  at_most: int | None = None) -> int:
    """How many tickets the list holds; with at_most, counting stops at at_most + 1 (a
    "more than" answer in bounded time, whatever the size of the view)."""
    with store.sql() as q:
        params: dict = {}
        found = _search_plan(q, spec, params, public_only=isinstance(actor, ClientActor))
        by_ids = found is not None and (not found.ordered_scan or found.counting is not None)
        conds = _filters(q, actor, spec, params, walk=not by_ids)
        if found is not None:
            conds.append(found.counting if found.counting is not None else found.condition)
        if at_most is None:
            return q.value(f"SELECT count(*) FROM tickets WHERE {_where(conds)}", params)
        order_by = ""
        if found is not None and found.ordered_scan and found.counting is None:
            # Walk the view in its order, as its pages do: the search was planned for that,
            # and any other order may check every ticket of the database one by one.
            order_by = f" ORDER BY {_sort(_order(q, actor, spec.view), False)}"
        params["cap"] = at_most + 1
        return q.value(f"SELECT count(*) FROM (SELECT tickets.id FROM tickets WHERE "
                       f"{_where(conds)}{order_by} LIMIT :cap) AS capped", params)


def selection_page(store: Store, actor: Actor, spec: ListSpec, *, after_id: int, up_to: int,
                   limit: int) -> list[int]:
    """The ids of the list's tickets after after_id and at most up_to, in id order: how a bulk
    action walks a whole view page by page. Ids, not the view's order: acting on a ticket moves
    it in the view (or out of it), and an id never moves, so no ticket is met twice or missed."""
    if not 1 <= limit <= MAX_PAGE:
        raise BadInput(f"A page holds 1 to {MAX_PAGE} tickets.")
    with store.sql() as q:
        params: dict = {"after_id": after_id, "up_to": up_to, "page_limit": limit}
        found = _search_plan(q, spec, params, public_only=isinstance(actor, ClientActor))
        conds = _filters(q, actor, spec, params, walk=found is None or found.ordered_scan)
        if found is not None:
            conds.append(found.condition)
        conds += ["tickets.id > :after_id", "tickets.id <= :up_to"]
        return [r[0] for r in q.rows(f"SELECT tickets.id FROM tickets WHERE {_where(conds)} "
                                     "ORDER BY tickets.id LIMIT :page_limit", params)]


def last_ticket_id(store: Store) -> int:
    """The newest ticket's id the reader can see (0: none): where a selection made now ends."""
    with store.sql() as q:
        return q.value("SELECT coalesce(max(id), 0) FROM tickets")


@lru_cache(maxsize=2)
def _rows_sql(is_client: bool) -> str:
    """The page's rows with what a list line shows; :row_actor is the reader."""
    if is_client:
        favorite = "NULL"  # clients keep no favorites
        new = "tickets.client_unread > 0"
    else:
        favorite = ("EXISTS (SELECT 1 FROM favorites WHERE favorites.ticket_id = tickets.id "
                    "AND favorites.staff_id = :row_actor)")
        seen = ("(SELECT seen_marks.seen_at FROM seen_marks WHERE seen_marks.ticket_id = tickets.id "
                "AND seen_marks.staff_id = :row_actor)")
        new = f"{seen} IS NULL OR tickets.updated_at > {seen}"
    # A client sees no lock (its PostgreSQL login may not read it: migration 0004).
    hidden = ("locked_at",) if is_client else ()
    columns = ", ".join("NULL" if c in hidden else f"tickets.{c}" for c in _ROW_COLUMNS)
    locker = "NULL" if is_client else "locker.login"
    join_locker = "" if is_client else (
        " LEFT OUTER JOIN staff AS locker ON locker.id = tickets.locked_by_id")
    # Response targets are the staff's (a client's login never reads ticket_sla).
    due = ", ".join(("NULL",) * len(DUE_COLUMNS) if is_client
                    else (f"ticket_sla.{c}" for c in DUE_COLUMNS))
    join_due = "" if is_client else (
        " LEFT OUTER JOIN ticket_sla ON ticket_sla.ticket_id = tickets.id")
    return (f"SELECT {columns}, clients.email, clients.name, departments.name, {locker}, "
            f"{favorite}, {new}, {due} FROM tickets "
            "JOIN clients ON clients.id = tickets.client_id "
            "JOIN departments ON departments.id = tickets.department_id" + join_locker + join_due)


def _row(is_client: bool, r, order) -> TicketRow:
    (id_, subject, priority, placed_first, delayed_until, locked_at, archived_at, client_unread,
     is_open, awaiting_staff, waiting_since, updated_at, merged_into, client_email, client_name,
     department, locked_by, favorite, new, *due_values) = r
    times = from_row(due_values)
    due = times.due if times is not None else None
    values = {"id": id_, "priority": priority, "placed_first": bool(placed_first),
              "delayed_until": utc(delayed_until), "awaiting_staff": bool(awaiting_staff),
              "waiting_since": utc(waiting_since), "updated_at": utc(updated_at), SLA_DUE: due}
    archived = archived_at is not None
    status = (client_status(archived, bool(is_open), client_unread) if is_client
              else admin_status(archived, bool(is_open)))
    if merged_into is not None:
        status = merged_status(merged_into)
    return TicketRow(
        id=id_, subject=subject, client_email=client_email, client_name=client_name,
        department=department, status=status, priority=priority,
        placed_first=values["placed_first"], locked_by=locked_by, locked_at=utc(locked_at),
        delayed_until=values["delayed_until"], favorite=bool(favorite), new_since_seen=bool(new),
        awaiting_staff=values["awaiting_staff"], waiting_since=values["waiting_since"],
        updated_at=values["updated_at"], archived=archived,
        sort_key=tuple(values.get(col, due or NEVER) for col, _ in order),
        merged_into=merged_into, due=due, overdue=due is not None and due < now(),
        due_times=times,
    )


def change_marker(store: Store) -> int:
    """A number that grows whenever anything changes in any ticket the reader sees: a cheap
    "reload?" check."""
    from ..logins import connected_as

    who = connected_as(store)
    with store.sql() as q:
        if who is not None and who.kind == "client":
            # A client's own login reads no history but its own actions' ids: the last
            # activity of its tickets tells instead (every action records one).
            last = q.value("SELECT max(updated_at) FROM tickets")
            return 0 if last is None else int(utc(last).timestamp() * 1_000_000)
        return q.value("SELECT coalesce(max(id), 0) FROM ticket_events")
