"""The state machine of the ticket service: every rule and the invariant, bound to where the
examples run."""

from __future__ import annotations

from tests.state_machine.bulk_rules import BulkRules
from tests.state_machine.client_rules import ClientRules
from tests.state_machine.invariants import Invariants
from tests.state_machine.list_rules import ListRules
from tests.state_machine.lock_rules import LockRules
from tests.state_machine.macro_rules import MacroRules
from tests.state_machine.merge_rules import MergeRules
from tests.state_machine.staff_rules import StaffRules
from tests.state_machine.undo_rules import UndoRules


class TicketMachine(ClientRules, StaffRules, LockRules, MacroRules, BulkRules, MergeRules,
                    ListRules, UndoRules, Invariants):
    """Hypothesis finds the rules and the invariant by name on the whole class, so their order
    (and the examples a seed draws) does not depend on which part defines them."""


def machine_for(env) -> type[TicketMachine]:
    class Machine(TicketMachine):
        ENV = env

    Machine.__name__ = Machine.__qualname__ = f"TicketMachine_{type(env).__name__}"
    return Machine
