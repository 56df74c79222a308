"""Seeding: realistic, varied help-desk data written in bulk (a million tickets in minutes).

Every row obeys the ticket rules of domain.md, so the ticket service reads seeded data exactly
as data it wrote itself. The package, one job per module:
  run.py      seed() and its SeedReport: the run, batch by batch
  people.py   departments, staff and clients (with their services), and the World they make
  tickets.py  the ticket generator: a ticket's rows, every rule holding
  writes.py   bulk writes: the tables' columns, ids taken ahead, timestamps as stored
  text.py     the texts (names, subjects, messages) drawn from the banks
  banks/      the words and templates, as data

It may import the rest of store/ (models, db, search, clock, errors) and SQLAlchemy; like all
of store/, never tui/, cli/, textual, rich or click. Nothing in store/ imports it: the command
line and the benchmark load it when they seed.
"""

from .run import SeedReport, seed

__all__ = ["SeedReport", "seed"]
