"""The mail channel's rules that need no database: reading a mail, the loop rules, threading,
signed Message-IDs and composing the desk's answers.

A mail is untrusted input: every function here takes bytes or plain text, never raises
anything but the errors of store.mail.errors for a broken mail, and hands back plain records
(store.mail.records). Nothing here opens a connection or touches the database; the intake,
the outbox and the IMAP and SMTP clients build on these and live beside them.

Like all of store/, this package never imports tui/, cli/, textual, rich or click. It uses
Python's email package (policy.default) for the MIME structure, inscriptis for HTML-only mail,
and store.safe_text / store.validate for what the rest of the store already decides.
"""
