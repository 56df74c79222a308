"""Response targets (issue 19): business hours, policies and each ticket's due times.

calendar.py is pure arithmetic on moments (no database); the rest reads and writes the store.
May import the rest of store/, never the faces."""
