"""The staff ticket form: the screen, its toolbar and the actions behind it, the reply pane.

May import modals/, widgets/, runtime/ and store/; never another screen's room: going back
to the list is the app's job (TicketApp.back_to_queue)."""
