"""Rules that interact, as a property: whatever rules (conditions on the department and words,
actions that move, prioritise and place first, stops, in any order) and whatever ticket, the
store's run does what a ten-line model of docs/rules.md says (the same rules fire, in order,
each seeing the department the rules before it left), and the same event run again does
nothing. On SQLite and PostgreSQL (there queued by the client's login, run as the operator)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.rules.engine import run_event
from store.rules.manage import add_rule, list_rules, remove_rule
from store.status import PRIORITIES
from tests.desk import Desk, make_desk
from tests.rules_desk import BILLING, TS, opened, rows, system_lines, ticket_row

DEPARTMENTS = (TS, BILLING)
RULE = st.fixed_dictionaries({
    "department": st.sampled_from((None,) + DEPARTMENTS),
    "words": st.sampled_from((None, ("ssl",), ("dns", "mail"))),
    "assign_department": st.sampled_from((None,) + DEPARTMENTS),
    "priority": st.sampled_from((None, 1, 2, 3, 4)),
    "top": st.booleans(),
    "stop": st.booleans(),
})
TICKET = st.tuples(st.sampled_from(DEPARTMENTS), st.sampled_from(("SSL expired", "DNS", "hello")))


def model(rules: list[dict], department: str, subject: str) -> tuple[list[str], str, int, bool]:
    """The rules that fire, and the ticket's department, priority and placed_first after them."""
    fired, priority, top = [], 2, False
    for n, r in enumerate(rules):
        words = {w.lower() for w in subject.split()}
        if (r["department"] in (None, department)
                and (r["words"] is None or words & set(r["words"]))):
            fired.append(f"r{n}")
            department = r["assign_department"] or department
            priority = r["priority"] or priority
            top = top or r["top"]
            if r["stop"]:
                break
    return fired, department, priority, top


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rules=st.lists(RULE, min_size=1, max_size=5), ticket=TICKET)
def test_the_run_is_the_model(store, rules, ticket) -> None:
    desk = _desk(store)
    for old in list_rules(store):
        remove_rule(store, None, old.name)
    for n, r in enumerate(rules):
        top = r["top"] or not (r["assign_department"] or r["priority"] or r["stop"])
        r["top"] = top
        add_rule(store, None, f"r{n}", department=r["department"], words=r["words"] or (),
                 assign_department=r["assign_department"],
                 priority=PRIORITIES[r["priority"]] if r["priority"] else None,
                 top=top, stop=r["stop"])
    department, subject = ticket
    tid = opened(desk, subject, "body", department=department)
    fired, department, priority, top = model(rules, department, subject)
    assert [line.split('"')[1] for line in system_lines(store, tid)] == fired
    assert ticket_row(store, tid)[0] == department
    assert ticket_row(store, tid)[2:] == (priority, top)
    first = rows(store, "SELECT min(id) FROM messages WHERE ticket_id = :t", t=tid)[0][0]
    with store.write() as s:
        assert run_event(s, tid, "new", first) == []  # run once: a second run does nothing
    assert len(system_lines(store, tid)) == len(fired)


_DESKS: dict[int, Desk] = {}


def _desk(store) -> Desk:
    """One desk per store (hypothesis runs many examples on the same fixture)."""
    if id(store) not in _DESKS:
        _DESKS.clear()
        _DESKS[id(store)] = make_desk(store)
    return _DESKS[id(store)]
