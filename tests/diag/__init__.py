"""Dig and Whois (issue 9): the queries, the command line and the TUI, a module each."""
