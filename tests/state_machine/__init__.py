"""The stateful property test of the ticket service, in parts: the help desk every example starts
from, the strategies, the model of the rules, and the machine's rules and invariants
(tests/test_state_machine.py runs it)."""
