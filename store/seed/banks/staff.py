"""The seeded departments, with their share of the tickets, and the staff who answer them."""

from __future__ import annotations

# Departments: (name, per_incident, share of tickets). "Server administration" is paid per
# incident, the usual arrangement for hands-on work on a client's own VPS.
DEPARTMENTS: tuple[tuple[str, bool, float], ...] = (
    ("Technical support", False, 0.40),
    ("Billing", False, 0.22),
    ("Domains", False, 0.18),
    ("Server administration", True, 0.12),
    ("Abuse desk", False, 0.08),
)

# Staff: (login, name, is_admin, departments, departments headed). Fixed, not random, so a
# second seed finds the same people instead of hiring new ones.
STAFF: tuple[tuple[str, str, bool, tuple[str, ...], tuple[str, ...]], ...] = (
    ("alex.morgan", "Alex Morgan", True, (), ()),
    ("nora.lindqvist", "Nora Lindqvist", False, ("Billing",), ("Billing",)),
    ("samir.haddad", "Samir Haddad", False, ("Technical support",), ("Technical support",)),
    ("ines.duarte", "Inês Duarte", False, ("Domains",), ("Domains",)),
    ("oleg.petrenko", "Oleg Petrenko", False, ("Abuse desk", "Technical support"), ("Abuse desk",)),
    ("mei.tanaka", "Mei Tanaka", False, ("Server administration", "Technical support"),
     ("Server administration",)),
    ("lukas.becker", "Lukas Becker", False, ("Technical support",), ()),
    ("chloe.martin", "Chloé Martin", False, ("Technical support", "Server administration"), ()),
    ("daniel.okafor", "Daniel Okafor", False, ("Billing",), ()),
    ("sofia.rossi", "Sofia Rossi", False, ("Billing", "Domains"), ()),
    ("jakub.novak", "Jakub Novák", False, ("Domains", "Technical support"), ()),
    ("priya.nair", "Priya Nair", False, ("Abuse desk", "Technical support"), ()),
    ("tom.hughes", "Tom Hughes", False, ("Technical support",), ()),
    ("eva.schmidt", "Eva Schmidt", False, ("Server administration",), ()),
    ("marco.bianchi", "Marco Bianchi", False, ("Billing",), ()),
)
