"""The data layer of ticket-tui: schema, engine, migrations and the ticket service.

This package never imports textual, rich or tui (see tests/test_architecture.py).
"""
