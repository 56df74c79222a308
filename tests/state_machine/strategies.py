"""The hypothesis strategies of the state machine: hostile texts, subjects, file names, charges."""

from __future__ import annotations

from hypothesis import strategies as st

from store.views import NewAttachment

SAFE_CHARS = st.characters(codec="utf-8", exclude_characters="\x00")
FRAGMENTS = [
    "[bold]x[/]", "[/]", "[red]", "[link=https://e.x]y[/link]", "\x1b[31m", "\x1b]0;title\x07",
    "💥", "👍🏽", "🇫🇷", "e\u0301", "\u202e", "\u200b", "\ufeff", "\U0010ffff", "\r\n", "\r",
    "\n", "\t", "\x7f", "\x85", "\u2028", "{client_name}", "%", "_", "\\", "'", '"', "--",
    "<b>", "&amp;", " ", "Ошибка", "ÉTÉ", "İ", "ß", "K", " invoice 42 ", " Müller ", "\nERROR ",
    " 502-error ",
]
CLEAN_TEXT = st.lists(st.text(SAFE_CHARS, min_size=1, max_size=12) | st.sampled_from(FRAGMENTS),
                      min_size=1, max_size=5).map("".join)
NUL_TEXT = st.tuples(CLEAN_TEXT, CLEAN_TEXT).map(lambda p: p[0] + "\x00" + p[1])
# About one text in twenty carries a NUL, which the store must refuse with BadInput.
TEXT = st.sampled_from([CLEAN_TEXT] * 19 + [NUL_TEXT]).flatmap(lambda s: s)
MAYBE_TEXT = st.sampled_from([TEXT] * 3 + [st.just("")]).flatmap(lambda s: s)
OFTEN_EMPTY = st.sampled_from([st.just(""), TEXT]).flatmap(lambda s: s)
GOOD_SUBJECTS = st.sampled_from(
    ["Site down", "Invoice 💸", "[bold]hi[/]", "  padded  ", "Ошибка", "ÉTÉ \x1b[2J"])
SUBJECTS = st.sampled_from(
    [GOOD_SUBJECTS] * 18 + [st.text(SAFE_CHARS, max_size=30), st.sampled_from(["a\nb", " ", "x" * 201])]
).flatmap(lambda s: s)
FILE_NAMES = st.one_of(
    st.sampled_from(["report.pdf", "../../etc/passwd", "a\\b.txt", "..", "", "x" * 300 + ".log",
                     "ünï 💾.txt", "con\x00trol\x1b.txt", "\u202etxt.exe"]),
    st.text(SAFE_CHARS, max_size=20),
)
ATTACHMENTS = st.lists(st.builds(NewAttachment, FILE_NAMES, st.binary(max_size=200)), max_size=2)
# charge given -> cents, or None when the store must refuse it
CHARGES = {None: 0, "5": 500, "0.01": 1, "12.50": 1250, 7: 700, "1.005": None, "0": None,
           "-3": None, "abc": None, "NaN": None, "30000000": 3_000_000_000}
CHARGE_KEYS = st.sampled_from([None] * 10 + list(CHARGES))
PICK = st.integers(0, 10**6)
TOKENS = st.sampled_from(["mine", "mine", "none", "stale"])
SMART = st.integers(0, 3).map(bool)  # usually pick the actor likely to succeed (see staff_for)
STALE_TOKEN = "0" * 32
MISSING_TICKET = 987_654
