"""The Textual face of the desk. app.py is the application and the only place that knows every
screen: screens ask it to navigate (open_ticket, back_to_queue), so the rooms below never import
each other.

    queue/    the staff ticket list           ticket/   the staff ticket form
    client/   the client area                 modals/   dialogs any screen opens
    widgets/  pieces any screen shows         runtime/  what sits under Textual

Direction of imports (import-linter contracts in pyproject.toml, and tests/test_architecture.py):
app -> the screens (queue, ticket, client) -> modals -> widgets -> runtime -> store."""
