"""An answer's new text, apart from the quoted history below it (issue 18).

A line-based splitter of the desk's own, chosen over mail-parser-reply (the issue's example):
that library runs regular expressions with nested quantifiers over the whole text, and on a
stranger's text they backtrack catastrophically (`"On " * 3000`, 9 KB, took 2.2 s; 150 KB more
than two minutes). Bounding it would need a time limit in another process for every mail, which
the import's speed target (thousands of mails a second) can't pay. Here no regular expression is
run at all: each line is looked at a fixed number of times, and only its first MAX_LINE
characters, so the work is linear in the text (split_reply counts it: `Reply.examined`).

The history starts at the first of these (common mail readers' quote styles):
- an attribution line, on one line or wrapped over two: Gmail/Apple/Thunderbird
  "On <date>, <name> wrote:", German "Am <date> schrieb <name>:", French "Le <date>, <name> a
  écrit :", Spanish, Italian, Dutch, Portuguese alike;
- a separator: Outlook's "-----Original Message-----" (and its German and French names),
  Thunderbird's "-------- Original Message --------", Outlook's line of underscores;
- an Outlook header block: "From: ..." (Von:, De :) with "Sent:"/"Date:"/"To:" (Gesendet:,
  An:, Envoyé :, À :) among the next lines;
- a block of "> " lines that runs to the end of the text (an answer written between quotes is
  kept whole: the quotes are part of what the client said).
When the new text would be empty (a forward, a top-quote with nothing above), the whole text is
the new text. Nothing is lost either way: the quoted part is returned beside it, and the mail's
original is kept whole (mail_originals), from which quoted_history reads it again.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

MAX_LINE = 400  # longer lines are never a quote's header (an attribution is short)
MAX_HEADER_GAP = 4  # Outlook's block: "Sent:"/"To:" within this many lines after "From:"

# (how the line starts, how it ends), compared case-insensitively after folding spaces.
_ATTRIBUTIONS = (
    ("on ", "wrote:"), ("am ", "schrieb:"), ("le ", "a écrit:"), ("el ", "escribió:"),
    ("il ", "ha scritto:"), ("op ", "geschreven:"), ("em ", "escreveu:"), ("den ", "skrev:"),
)
_ATTRIBUTION_MIDDLE = (("am ", " schrieb "), ("op ", " schreef "))  # "... schrieb Jane <j@x>:"
_SEPARATORS = (
    "-----original message-----", "-----ursprüngliche nachricht-----",
    "-----message d'origine-----", "-------- original message --------",
    "-------- message original --------", "-------- ursprüngliche nachricht --------",
    "-----mensaje original-----", "-----messaggio originale-----",
)
_FROM = ("from:", "von:", "de:", "van:", "da:")
_BLOCK = ("sent:", "date:", "to:", "subject:", "gesendet:", "datum:", "an:", "betreff:",
          "envoyé:", "à:", "objet:", "enviado:", "para:", "asunto:", "verzonden:", "aan:",
          "onderwerp:", "inviato:", "oggetto:", "a:")


class Reply(NamedTuple):
    new: str  # what the sender wrote this time (the whole text when nothing was quoted)
    quoted: str  # the quoted history, from its header line on ("" when none)
    examined: int  # characters the splitter looked at: the work bound's measure


def split_reply(text: str) -> Reply:
    """The new text and the quoted history of an answer's text."""
    lines = (text or "").split("\n")
    examined = 0
    heads: list[str] = []  # each line's first MAX_LINE characters, folded for comparison
    for line in lines:
        head = line[:MAX_LINE]
        examined += len(head)
        heads.append(_fold(head) if len(line) <= MAX_LINE else "")
    start = _first_header(heads)
    if start is not None and _inline_answer(lines, start):
        return Reply(text, "", examined * 2)
    if start is None:
        start = _trailing_quote(lines)
    examined += sum(len(h) for h in heads)  # _first_header looks at each folded line a few times
    if start is None:
        return Reply(text, "", examined)
    new = "\n".join(lines[:start]).rstrip()
    if not new.strip():
        return Reply(text, "", examined)
    return Reply(new, "\n".join(lines[start:]).strip("\n"), examined)


def quoted_history(raw: bytes) -> str:
    """The quoted history of a mail kept whole (mail_originals.raw), read again."""
    from .parse import parse_mail

    return split_reply(parse_mail(raw, max_bytes=len(raw) + 1).text).quoted


def _fold(line: str) -> str:
    """A line as compared: lowercased, spaces folded, the space French puts before a colon
    dropped, quote marks of an already quoted header kept (they make it no header)."""
    folded = " ".join(unicodedata.normalize("NFC", line).lower().split())
    return folded.replace(" :", ":")


def _first_header(heads: list[str]) -> int | None:
    for i, head in enumerate(heads):
        if not head:
            continue
        if head in _SEPARATORS or (len(head) >= 20 and set(head) == {"_"}):
            return i
        if _attribution(head):
            return i
        if i + 1 < len(heads) and heads[i + 1] and _attribution(f"{head} {heads[i + 1]}"):
            return i  # wrapped over two lines, as Gmail does for long names
        if head.startswith(_FROM) and _outlook_block(heads, i):
            return i
    return None


def _attribution(head: str) -> bool:
    if len(head) > MAX_LINE:
        return False
    if any(head.startswith(start) and head.endswith(end) for start, end in _ATTRIBUTIONS):
        return True
    return head.endswith(":") and any(head.startswith(start) and middle in head
                                      for start, middle in _ATTRIBUTION_MIDDLE)


def _outlook_block(heads: list[str], at: int) -> bool:
    """A From: line opens a quoted header block when header lines of the block follow it."""
    following = heads[at + 1: at + 1 + MAX_HEADER_GAP]
    return sum(1 for head in following if head.startswith(_BLOCK)) >= 1


def _inline_answer(lines: list[str], start: int) -> bool:
    """An attribution followed by "> " lines with the sender's own text between them: an answer
    written inline, which is kept whole."""
    after = [line[:MAX_LINE].lstrip() for line in lines[start + 1:] if line.strip()]
    if not after or not after[0].startswith(">"):
        return False  # Outlook's style: the history follows unquoted
    return any(not line.startswith(">") for line in after)


def _trailing_quote(lines: list[str]) -> int | None:
    """Where a block of "> " lines (blank lines between) that runs to the end begins."""
    start = None
    for i in range(len(lines) - 1, -1, -1):
        stripped = lines[i][:MAX_LINE].lstrip()
        if stripped.startswith(">"):
            start = i
        elif stripped:
            break
    return start
