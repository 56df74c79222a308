"""The client area: a client's own tickets, their Archive, opening, reading, replying, archiving.

May import modals/, widgets/, runtime/ and store/; never the staff rooms (queue/, ticket/)."""
