"""The client area: a client's own tickets, their Archive, opening, reading, replying, archiving."""
