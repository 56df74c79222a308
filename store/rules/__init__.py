"""Response rules (issue 19): what happens automatically to a new ticket and on each client
message. models: the tables; conditions and actions: what a rule checks and does; engine: one
event's run; manage: add, list, remove, move; queue: PostgreSQL's pending runs (`rule run`)."""
