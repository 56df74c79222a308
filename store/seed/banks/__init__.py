"""The seed's text banks: the words and templates seeded tickets are made of, as data.

Plain constants, one module per kind of text, with no logic beyond splitting templates:
  staff.py    the departments and the staff who answer them (fixed, not random)
  clients.py  people's and companies' names, domains, services offered, account comments
  topics.py   what tickets are about, per department: subjects, problems, replies, notes
  mail.py     the fragments every message is built from (greetings, sign-offs, follow-ups)
  facts.py    the words the {fact} fields of a template are drawn from

Imports the standard library only; store.seed.text assembles these into texts.
"""

from __future__ import annotations


def alts(text: str) -> tuple[str, ...]:
    """Templates are written as "a | b | c" strings: compact to edit, split once at import."""
    return tuple(part.strip() for part in text.split("|") if part.strip())
