"""The staff ticket list: the screen, its bar of views and filter chips, and the first page read
while the app starts. The virtual table it shows is widgets/ticket_table.py (the client area
shows it too).

May import modals/, widgets/, runtime/ and store/; never another screen's room: opening a
ticket is the app's job (TicketApp.open_ticket)."""
