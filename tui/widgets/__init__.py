"""Pieces any screen shows: the header and footer, the lazy Select, the keys screen, the
message thread (staff form and client area), and the virtual ticket table with its columns
(staff queue and client area).

May import runtime/ and store/; never a screen's room (queue/, ticket/, client/) or modals/."""
