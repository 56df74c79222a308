"""Split and merge are inverse enough (issue 20), as a property: whatever the two threads
(client and staff messages, in any number), merging the later ticket into the earlier one and
splitting the result at the first moved message gives back both original message sets.

"Enough": Split moves a message and every later one, so the sets come back whole when the
merged ticket's messages are all later than the target's, as here (a client writing a second
ticket about the same problem). Interleaved threads split by time, not by origin."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import service as sv
from store.db import Store
from tests.desk import make_desk

THREAD = st.lists(st.tuples(st.sampled_from(["client", "staff"]), st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20)
    .filter(str.strip)), min_size=0, max_size=5)


def _write(store, desk, tid: int, thread) -> None:
    token = sv.take(store, desk.alice, tid).token
    for kind, body in thread:
        if kind == "staff":
            sv.reply(store, desk.alice, tid, body, token=token)
        else:
            sv.client_reply(store, desk.john, tid, body)


def _public(store, desk, tid: int) -> list[tuple[str, str]]:
    return [(m.kind, m.body) for m in sv.peek(store, desk.root, tid).messages if m.kind != "system"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=THREAD, second=THREAD)
def test_split_at_the_first_moved_message_undoes_a_merge(tmp_path_factory, first, second) -> None:
    path = tmp_path_factory.mktemp("merge") / "t.db"
    store = Store.open(f"sqlite:///{path}")
    try:
        desk = make_desk(store)
        target = desk.open(body="the first ticket")
        _write(store, desk, target, first)
        source = desk.open(body="the second ticket")
        _write(store, desk, source, second)
        original = {tid: _public(store, desk, tid) for tid in (target, source)}
        sv.merge(store, desk.alice, source, target)
        moved = [m.id for m in sv.peek(store, desk.root, target).messages if m.merged_from == source]
        new = sv.split(store, desk.alice, target, min(moved))
        assert _public(store, desk, target) == original[target]
        assert _public(store, desk, new) == original[source]
    finally:
        store.close()
