"""Full-text search: what the user typed, made into a query the database can't choke on.

The words of subjects and messages are indexed on both databases, with the same idea of a word:
a run of letters and digits; everything else (spaces, punctuation, @, _, -) separates words, and
case does not matter. A search finds the tickets where one document (the subject or one message)
holds every word the user typed. A chunk typed without spaces ("gmail.com", "502-error") must
appear as those words in a row; a word ending in `*` (at least three letters before it) also
finds longer words that begin with it. Nothing the user types is query syntax: quotes,
operators and brackets are just separators, so no query-syntax error can ever reach the user.

SQLite: one contentless FTS5 table, `ticket_search`, kept in sync by triggers on tickets and
messages. Its documents are the subjects (rowid = ticket id << 32) and the messages (rowid =
ticket id << 32 | message id), so the ticket a match belongs to is the rowid's upper half,
without a lookup. Client-visible text and staff-only text (internal and system messages) are
in separate columns, so a client's search never looks at what they may not read.

PostgreSQL: a stored, generated `search_vector` tsvector on tickets (the subject) and on messages
(the body), each with a GIN index. The text is normalised the way FTS5's tokenizer splits words
(punctuation becomes a space) before the 'simple' configuration lowercases it, so both databases
agree on what a word is. Known difference: SQLite also folds accents ("muller" finds "Müller");
PostgreSQL compares them as typed.

plan() turns a search into a condition on tickets for the lists (store/service/lists.py), in
one of three ways chosen by how common the words are, so that the first page costs tens of
milliseconds on a million tickets whether a word is in ten tickets or in half of them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .errors import BadInput
from .sql import Sql

MAX_SEARCH_CHARS = 200
MAX_SEARCH_WORDS = 12
MIN_PREFIX = 3  # a shorter prefix would read a large part of the index
PUBLIC_KINDS = ("client", "staff")  # the messages a client reads, and searches

FTS_TABLE = "ticket_search"
# The FTS rowid of a document: the ticket id in the upper 32 bits, the message id (0 for the
# subject) in the lower ones. Holds while message ids stay below 2**32.
ROWID_SHIFT = 32

# PostgreSQL: the configuration and punctuation rule of the generated columns (migration 0002,
# PG_VECTOR); a query must make its lexemes the same way, or it stops matching the index.
PG_CONFIG = "simple"
PG_SEPARATORS = "[[:punct:][:space:]]+"

_WORD = re.compile(r"[^\W_]", re.UNICODE)


class Chunk(NamedTuple):
    """One whitespace-separated piece of the search: words that must appear in a row."""

    text: str
    prefix: bool = False


class SearchQuery(NamedTuple):
    chunks: tuple[Chunk, ...]

    @property
    def empty(self) -> bool:
        return not self.chunks


def parse(raw: str | None) -> SearchQuery:
    """The user's search text as chunks; punctuation-only pieces are dropped.

    Too long a search is refused with one sentence; anything else is accepted as typed.
    """
    if raw is None:
        return SearchQuery(())
    # Control characters, unpaired surrogates and the like can't be bound as text parameters
    # (PostgreSQL refuses NUL); they are never part of a word, so they become separators.
    raw = "".join(ch if ch.isprintable() else " " for ch in raw).strip()
    if len(raw) > MAX_SEARCH_CHARS:
        raise BadInput(f"A search holds at most {MAX_SEARCH_CHARS} characters.")
    chunks: list[Chunk] = []
    for piece in raw.split():
        prefix = False
        if piece.endswith("*"):
            stem = piece.rstrip("*")
            last_word = re.split(r"[\W_]+", stem)[-1] if stem else ""
            prefix = len(last_word) >= MIN_PREFIX
            piece = stem
        if _WORD.search(piece):
            chunks.append(Chunk(piece, prefix))
    if len(chunks) > MAX_SEARCH_WORDS:
        raise BadInput(f"A search holds at most {MAX_SEARCH_WORDS} words.")
    return SearchQuery(tuple(chunks))


# --- SQLite FTS5 ------------------------------------------------------------------------
def fts5_match(query: SearchQuery, *, public_only: bool,
               expanded: dict[int, list[str]] | None = None) -> str:
    """The MATCH text: every chunk a quoted phrase (FTS5 splits it into words itself), all of
    them required. Quoting makes every character inert: `"` is the only special one inside
    a phrase, and it is doubled. expanded: for a chunk (by its index) that ends in a word's
    beginning, the phrases it stands for, one per indexed word with that beginning
    (expand_prefixes); any one of them will do."""
    phrases = []
    for i, chunk in enumerate(query.chunks):
        if expanded is not None and i in expanded:
            phrases.append("(" + " OR ".join(_quoted(p) for p in expanded[i]) + ")")
            continue
        phrases.append(_quoted(chunk.text) + ("*" if chunk.prefix else ""))
    expr = " AND ".join(phrases)
    if public_only:
        return "{subject public} : (" + expr + ")"
    return expr


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# A word's beginning (`certif*`) left to FTS5 is answered by merging the documents of every
# word with that beginning into one list in memory, built again by every statement that
# matches it: a beginning shared by common words costs tens of megabytes and hundreds of
# milliseconds (measured on a million tickets: 'certif*' +2.5 MB per statement, 'the*' +70 MB).
# Instead the beginning is looked up in the index's own word list (an fts5vocab table) and
# the chunk becomes an OR of those words, which FTS5 reads lazily, newest first, like any
# other words: the same documents match. Up to PREFIX_WORDS words (each read by its own
# cursor, ~5 KB apiece); a beginning shared by more of them (rare words as a rule: numbers,
# codes) is left to FTS5. Looking the words up reads their entries once (fts5vocab counts
# them): ~8 ms for 'certif*', 200 ms for 'the*', which FTS5 took 1.1 s and 70 MB to expand.
PREFIX_WORDS = 128
# The table's tokenizer (migration 0002): a chunk's words are made by the same one.
FTS_TOKENIZER = "unicode61 remove_diacritics 2"
_WORDS_TABLE = "search_words"  # temp: the chunk, split into words by FTS_TOKENIZER
_MAX_WORD = "\U0010ffff"  # sorts after every character a word can hold (UTF-8 order)


def expand_prefixes(q: Sql, query: SearchQuery) -> dict[int, list[str]]:
    """For each chunk ending in a word's beginning: the phrases it stands for (its words, the
    last one replaced by each indexed word with that beginning), by the chunk's index; an
    empty list when no indexed word has that beginning. A chunk whose beginning is shared by
    more than PREFIX_WORDS words is left out (FTS5 expands it itself). SQLite only; read in
    the caller's transaction, so the words are those of the index the search then reads."""
    expanded: dict[int, list[str]] = {}
    for i, chunk in enumerate(query.chunks):
        if not chunk.prefix:
            continue
        words = _fts_words(q, chunk.text)
        if not words:
            continue
        start = words[-1]
        found = [term for (term,) in q.rows(
            f"SELECT term FROM temp.{_WORDS_TABLE}_index WHERE term >= :start AND term < :end "
            "LIMIT :most", {"start": start, "end": start + _MAX_WORD, "most": PREFIX_WORDS + 1})]
        found = [term for term in found if term.startswith(start)]
        if len(found) > PREFIX_WORDS:
            continue
        lead = " ".join(words[:-1])
        expanded[i] = [f"{lead} {term}" if lead else term for term in found]
    return expanded


def _fts_words(q: Sql, text: str) -> list[str]:
    """The words FTS5 makes of text (lowercased, accents removed), in order."""
    # Temporary tables: private to the connection, made once on it, no lock on the database.
    # The words come back from an fts5vocab "instance" table over a scratch FTS5 table.
    q.run(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_WORDS_TABLE} USING fts5(words, "
          f"content = '', tokenize = '{FTS_TOKENIZER}')")
    q.run(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_WORDS_TABLE}_split "
          f"USING fts5vocab(temp, {_WORDS_TABLE}, instance)")
    q.run(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_WORDS_TABLE}_index "
          f"USING fts5vocab(main, {FTS_TABLE}, row)")
    q.run(f"INSERT INTO temp.{_WORDS_TABLE}(rowid, words) VALUES (1, :text)", {"text": text})
    try:
        return [term for (term,) in q.rows(
            f"SELECT term FROM temp.{_WORDS_TABLE}_split ORDER BY offset")]
    finally:
        q.run(f"INSERT INTO temp.{_WORDS_TABLE}({_WORDS_TABLE}) VALUES ('delete-all')")


# --- PostgreSQL ---------------------------------------------------------------------------
def pg_tsquery(query: SearchQuery, params: dict) -> str:
    """SQL for a tsquery made by PostgreSQL's own parser from each chunk (phraseto_tsquery never
    raises on any text), so lexemes are normalised exactly like the indexed ones."""
    params["search_separators"] = PG_SEPARATORS
    parts = []
    for i, chunk in enumerate(query.chunks):
        params[f"chunk{i}"] = chunk.text
        phrase = (f"phraseto_tsquery('{PG_CONFIG}'::regconfig, "
                  f"regexp_replace(:chunk{i}, :search_separators, ' ', 'g'))")
        if chunk.prefix:
            # The last lexeme also matches as a prefix: 'a' <-> 'b':*. The text form of a
            # tsquery quotes every lexeme, so appending to it is safe; an empty one stays empty.
            phrase = (f"CASE WHEN numnode({phrase}) = 0 THEN {phrase} "
                      f"ELSE CAST(CAST({phrase} AS TEXT) || ':*' AS TSQUERY) END")
        parts.append(phrase)
    return "(" + " && ".join(parts) + ")"


# --- plans ---------------------------------------------------------------------------------
# Search on SQLite: the matching tickets, newest first, are collected into a temporary table:
# HITS_PROBE matching documents first, and all of them (up to HITS_CAP) unless the words are so
# common that the newest hits alone fill the first pages. Few hits and all of them: fetch those
# tickets and sort them. Otherwise walk the view in its order, keeping the tickets in the table;
# a ticket older than the oldest collected one (only when not all were collected) is checked
# in the index itself. Measured on a million tickets (bench/).
RARE_TICKETS = 3_000
HITS_PROBE = 5_000
HITS_CAP = 60_000
HITS_CAP_PREFIX = 200_000
# On PostgreSQL the planner's estimate of matching messages picks among the same three ways:
# few: fetch and sort; else hash the matching tickets once (a read of every matching message,
# ~4 us each) or check ticket after ticket while walking (~10 us a ticket, 105 / density of
# them), whichever costs less: checking wins once docs**2 > PG_WALK_FACTOR * tickets.
RARE_DOCS_PG = 5_000
PG_WALK_FACTOR = 250
DENSE_DOCS_PG: int | None = None  # a fixed threshold instead (tests)


class Plan(NamedTuple):
    """A search as SQL on tickets: the condition, and whether it keeps the view's index order
    usable. Its parameters are in the dict given to plan()."""

    condition: str
    ordered_scan: bool  # False: matches are fetched first, then sorted (few of them)
    counting: str | None = None  # the condition for counting, when another one counts faster


NOTHING = Plan("1 = 0", ordered_scan=False)
_HITS = "SELECT search_hits.ticket_id FROM temp.search_hits"


def plan(q: Sql, text_typed: str | None, params: dict, *, public_only: bool) -> Plan | None:
    """The search condition on tickets, in the way that suits how common the words are; None
    when the list is not searched. A search with no words at all finds nothing."""
    if text_typed is None or not text_typed.strip():
        return None
    query = parse(text_typed)
    if query.empty:
        return NOTHING
    if q.sqlite:
        return _search_sqlite(q, query, params, public_only)
    return _search_postgresql(q, query, params, public_only)


def _search_sqlite(q: Sql, query: SearchQuery, params: dict, public_only: bool) -> Plan:
    expanded = expand_prefixes(q, query)
    if any(not phrases for phrases in expanded.values()):
        return NOTHING  # a beginning no indexed word has
    match = fts5_match(query, public_only=public_only, expanded=expanded)
    # A client never finds a ticket by a reply still held (undo send): its document is skipped
    # (the message id is the rowid's lower half).
    released = (f" AND NOT EXISTS (SELECT 1 FROM messages WHERE messages.id = "
                f"{FTS_TABLE}.rowid & {(1 << ROWID_SHIFT) - 1} AND messages.held_until IS NOT NULL)"
                if public_only else "")
    # A temporary table is private to this connection and needs no lock on the database.
    q.run("CREATE TEMP TABLE IF NOT EXISTS search_hits (ticket_id INTEGER PRIMARY KEY)")
    q.run("DELETE FROM temp.search_hits")
    shift = 1 << ROWID_SHIFT

    def collect(below: int | None, limit: int) -> tuple[int, int | None, bool]:
        """Adds the newest matching documents (older than ticket `below`) to the hits;
        returns how many tickets are hit, the oldest of them, and whether that was all."""
        older = "" if below is None else "AND rowid < :below "
        q.run(f"INSERT OR IGNORE INTO temp.search_hits SELECT rowid >> {ROWID_SHIFT} FROM "
              f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match{released} {older}"
              "ORDER BY rowid DESC LIMIT :limit)",
              {"match": match, "limit": limit, "below": None if below is None else below * shift})
        hits, oldest = q.row("SELECT count(*), min(ticket_id) FROM temp.search_hits")
        if not hits:
            return 0, None, True
        rest = q.value(f"SELECT EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match"
                       f"{released} AND rowid < :below)", {"match": match, "below": oldest * shift})
        return hits, oldest, not rest

    hits, oldest, complete = collect(None, HITS_PROBE)
    if not hits:
        return NOTHING
    if not complete:
        # How common are the words? The newest hits span some of the tickets' ids: as many
        # again in each such span. A beginning (word*) stands for several words, all of them
        # read again for each ticket checked one by one (and the whole expansion, when FTS5
        # expands it itself), so such a search always collects more: measured on a million
        # tickets, the queue's capped count of 'certif*' took 137 ms so, 206 ms walking.
        prefix = any(chunk.prefix for chunk in query.chunks)
        newest = q.value("SELECT max(ticket_id) FROM temp.search_hits")
        first_ticket = q.value("SELECT min(id) FROM tickets") or 1
        expected = hits * (newest - first_ticket + 1) / max(1, newest - oldest + 1)
        if prefix or expected <= HITS_CAP:
            hits, oldest, complete = collect(oldest, HITS_CAP_PREFIX if prefix else HITS_CAP)
    if complete and hits < RARE_TICKETS:
        return Plan(f"tickets.id IN ({_HITS})", ordered_scan=False)
    # The unary plus keeps SQLite from driving the query by the hits: it walks the view's
    # index and looks each ticket up in the hits instead.
    in_hits = f"+tickets.id IN ({_HITS})"
    if complete:  # counting goes by the hits themselves: at most HITS_CAP of them
        return Plan(in_hits, ordered_scan=True, counting=f"tickets.id IN ({_HITS})")
    params.update(search_match=match, search_shift=shift, search_oldest=oldest)
    in_index = (f"EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :search_match"
                f"{released} AND {FTS_TABLE}.rowid >= tickets.id * :search_shift "
                f"AND {FTS_TABLE}.rowid < (tickets.id + 1) * :search_shift)")
    return Plan(f"({in_hits} OR (+tickets.id < :search_oldest AND {in_index}))",
                ordered_scan=True)


def _search_postgresql(q: Sql, query: SearchQuery, params: dict, public_only: bool) -> Plan:
    tsquery = pg_tsquery(query, params)
    in_message = f"messages.search_vector @@ {tsquery}"
    if public_only:
        in_message += f" AND messages.kind IN ({', '.join(repr(k) for k in PUBLIC_KINDS)})"
    in_subjects = f"matched.search_vector @@ {tsquery}"
    matching = f"SELECT messages.ticket_id FROM messages WHERE {in_message}"
    docs = (_pg_estimate(q, f"SELECT 1 FROM messages WHERE {in_message}", params)
            + _pg_estimate(q, f"SELECT 1 FROM tickets AS matched WHERE {in_subjects}", params))
    in_subject = f"tickets.search_vector @@ {tsquery}"
    if docs < RARE_DOCS_PG:
        subjects = f"SELECT matched.id FROM tickets AS matched WHERE {in_subjects}"
        # As one array: the tickets are then read by their ids, never by scanning all of them
        # to join (which the planner prefers on small desks and pays for on big ones).
        ids = f"SELECT array_agg(found.ticket_id) FROM ({matching} UNION {subjects}) AS found"
        return Plan(f"tickets.id = ANY (CAST(({ids}) AS INTEGER[]))", ordered_scan=False)
    if DENSE_DOCS_PG is not None:
        walk = docs >= DENSE_DOCS_PG
    else:
        tickets = q.value("SELECT reltuples FROM pg_class WHERE oid = 'tickets'::regclass")
        if tickets is None or tickets < 0:  # never analysed yet
            tickets = _pg_estimate(q, "SELECT 1 FROM tickets", {})
        walk = docs * docs > PG_WALK_FACTOR * tickets
    if not walk:
        # The matching tickets hashed once ("hashed SubPlan"), probed while walking the view.
        return Plan(f"({in_subject} OR tickets.id IN ({matching}))", ordered_scan=True)
    # OFFSET 0 keeps PostgreSQL from turning this into the hashed set above: checking ticket
    # after ticket is the point here.
    in_thread = (f"EXISTS (SELECT 1 FROM messages WHERE messages.ticket_id = tickets.id "
                 f"AND {in_message} OFFSET 0)")
    return Plan(f"({in_subject} OR {in_thread})", ordered_scan=True)


def _pg_estimate(q: Sql, statement: str, params: dict) -> float:
    """PostgreSQL's own estimate of the rows a statement returns (from the tsvector column's
    statistics): a millisecond, where counting could read every matching message."""
    plan = q.value("EXPLAIN (FORMAT JSON) " + statement, params)
    return float(plan[0]["Plan"]["Plan Rows"])


# --- schema objects Alembic's comparison must not see ---------------------------------------
SEARCH_COLUMNS = {"search_vector"}
SEARCH_INDEXES = {"ix_messages_search", "ix_tickets_search"}


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """An Alembic include_name hook: the search index lives outside the models (an FTS5
    virtual table and its shadow tables; generated tsvector columns and their GIN indexes),
    so schema comparisons skip it."""
    if name is None:
        return True
    if type_ == "table":
        return not (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))
    if type_ == "column":
        return name not in SEARCH_COLUMNS
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True


def optimize_sqlite(connection) -> None:
    """Merges the FTS5 index into one segment: each lookup then reads one b-tree, not dozens.
    Worth it after a bulk load; small writes later add small segments that merge on their own.
    connection: a SQLAlchemy connection."""
    connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
