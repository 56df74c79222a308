"""What sits under Textual, with no widgets of its own: the workarounds for the pinned Textual,
memory sweeps, store calls in workers, the early call and the live feed, the config file and
themes, drafts and their local spool, the editor, reading files, safe text and time display.

May import store/ only (and Textual, Rich); never widgets/, modals/ or a screen's room."""
