"""The mail channel's rules that need no database: reading a mail, the loop rules, threading,
signed Message-IDs and composing the desk's answers.

A mail is untrusted input: the readers take bytes or plain text, never raise anything but the
errors of store.mail.errors for a broken mail, and hand back plain records
(store.mail.records); they touch no database. The intake (intake.py, intake_rows.py), the
mailboxes, failed mail and the mail tables (models.py) build on them, and so will the outbox
and the IMAP and SMTP clients.

Like all of store/, this package never imports tui/, cli/, textual, rich or click. It uses
Python's email package (policy.default) for the MIME structure, inscriptis for HTML-only mail,
and store.safe_text / store.validate for what the rest of the store already decides.
"""
