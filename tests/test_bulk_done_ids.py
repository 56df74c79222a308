"""The ids a bulk run did, kept small (store/service/bulk_records.py DoneIds) yet given back
whole, and `ticket bulk --json` writing every one of them as json.dumps would."""

from __future__ import annotations

import json
import sys

from hypothesis import given, strategies as st

from cli.bulk import _echo_json
from store.service.bulk_records import BulkAction, BulkResult, DoneIds, Refusal

IDS = st.lists(st.one_of(st.integers(1, 2**53), st.just("next")), max_size=60)


def _ids(steps) -> list[int]:
    """Runs of consecutive ids ("next") among scattered ones, going up and down."""
    out, last = [], 1
    for step in steps:
        last = last + 1 if step == "next" else step
        out.append(last)
    return out


@given(IDS)
def test_done_ids_give_back_every_id_in_order(steps) -> None:
    ids = _ids(steps)
    done = DoneIds()
    for tid in ids:
        done.append(tid)
    assert list(done) == ids and len(done) == len(ids) and bool(done) == bool(ids)
    assert all(tid in done for tid in ids[:5])


def test_a_view_done_in_id_order_is_a_few_bytes_whatever_its_size() -> None:
    small, big = DoneIds(range(1, 101)), DoneIds(range(1, 100_001))
    assert sys.getsizeof(big._data) == sys.getsizeof(small._data)
    scattered = DoneIds(range(1, 300_001, 3))  # every third ticket: 2 bytes each, not 8
    assert len(scattered._data) <= 2 * len(scattered)


def test_json_streams_every_done_id_as_json_dumps_would(capsys) -> None:
    ids = [*range(5, 2600), 9000, 12, *range(40_000, 41_500)]
    refused = (Refusal(8, 'Ticket #8 is "locked" by bob.', "locked", "bob"),)
    result = BulkResult("run", BulkAction("take"), DoneIds(ids), 0, refused, False, 0)
    _echo_json(result)
    want = json.dumps({"done": ids, "refused": [{"id": 8, "reason": 'Ticket #8 is "locked" by bob.'}]})
    assert capsys.readouterr().out == want + "\n"


def test_json_of_nothing_done(capsys) -> None:
    _echo_json(BulkResult("run", BulkAction("take"), DoneIds(), 0, (), False, 0))
    assert json.loads(capsys.readouterr().out) == {"done": [], "refused": []}
