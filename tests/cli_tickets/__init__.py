"""The ticket commands of interface.md, through the real command group, on SQLite and PostgreSQL."""
