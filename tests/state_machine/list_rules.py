"""The state machine's lists and search, compared with what the model says each one holds."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from store import service as sv
from store.errors import BadInput
from tests.state_machine.base import TicketMachineBase, has_tickets
from tests.state_machine.checks import STATS, check
from tests.state_machine.help_desk import EMAILS, LOGINS
from tests.state_machine.model import fold, plain_words
from tests.state_machine.strategies import PICK, TEXT


class ListRules(TicketMachineBase):
    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS),
          view=st.sampled_from(["queue", "favorites", "delayed", "archive", "abuse"]))
    def staff_list(self, login, view):
        actor = self.desk.staff[login]
        rows = sv.list_tickets(self.store, actor, sv.ListSpec(view), limit=500)
        got = sorted(r.id for r in rows)
        seen = {tid: t for tid, t in self.t.items() if self.sees(actor, t)}
        if view == "queue":
            want = [tid for tid, t in self.t.items() if t.delayed is None and any(
                o and (actor.is_admin or key == ("staff", actor.id)
                       or (key[0] == "dept" and key[1] in actor.department_ids))
                for key, o in t.holders.items())]
        elif view == "favorites":
            want = [tid for tid in seen if (actor.id, tid) in self.favorites]
        elif view == "delayed":
            want = [tid for tid, t in seen.items() if t.delayed is not None]
        elif view == "archive":
            want = [tid for tid, t in seen.items() if t.archived]
        else:
            want = [tid for tid, t in seen.items() if t.abuse]
        check("lists", got == sorted(want), f"{login}'s {view} lists {got}, expected {sorted(want)}")
        count = sv.count_tickets(self.store, actor, sv.ListSpec(view))
        check("lists", count == len(got), f"{login}'s {view} counts {count}, lists {len(got)}")
        for r in rows:
            check("admin-status", r.status == self.admin_status_of(self.t[r.id]),
                  f"#{r.id} listed as {r.status!r}, expected {self.admin_status_of(self.t[r.id])!r}")

    @precondition(has_tickets)
    @rule(who=st.sampled_from(EMAILS + LOGINS), pick=PICK, word=PICK,
          case=st.sampled_from(["as typed", "lower", "upper"]),
          random_term=st.sampled_from([st.none()] * 3 + [TEXT]).flatmap(lambda s: s))
    def search(self, who, pick, word, case, random_term):
        """Search is by words (store/search.py). A word taken from a subject or a message, as
        written, must find every visible ticket where a subject or message holds that word (an
        ASCII word in any case); a client never finds a ticket through staff-only text. Words
        are taken only where every tokenizer agrees on them: whitespace around, letters inside."""
        actor = self.desk.clients.get(who) or self.desk.staff[who]
        is_client = who in self.desk.clients
        kinds = ("client", "staff") if is_client else ("client", "staff", "internal")
        docs: dict[int, list[str]] = {tid: [t.subject] for tid, t in self.t.items()}
        for mid, m in self.m.items():
            if m.kind in kinds and not (is_client and mid in self.held):  # (held: not theirs yet)
                docs[m.ticket].append(m.body)
        if random_term is None:
            every = sorted({w for texts in docs.values() for text in texts for w in plain_words(text)})
            if not every:
                return
            term = every[word % len(every)]
            if term.isascii():
                term = {"as typed": term, "lower": term.lower(), "upper": term.upper()}[case]
        else:
            term = random_term
        out = self.attempt("search", sv.list_tickets, actor, sv.ListSpec("all", search=term), limit=500)
        if not out.ok:  # a search may be refused (too long...), never crash
            check("search", isinstance(out.error, BadInput), f"search for {term!r} refused: {out.error}")
            return
        found = {r.id for r in out.value}
        if is_client:
            visible = {tid for tid, t in self.t.items()
                       if t.client == who and not t.archived and t.merged_into is None}
        else:
            visible = {tid for tid, t in self.t.items() if self.sees(actor, t)}
        check("visibility", found <= visible, f"search by {who} found invisible tickets {found - visible}")
        if random_term is not None:
            return
        if not is_client:  # staff also search system messages
            for mid, tid, kind, body in self._messages():
                if kind == "system":
                    docs[tid].append(body)
        same = (lambda w: w.lower() == term.lower()) if term.isascii() else (lambda w: w == term)
        for tid in visible:
            holds = any(same(w) for text in docs[tid] for w in plain_words(text))
            if holds:
                STATS["search: a ticket holding the word"] += 1
                check("search-finds-words", tid in found,
                      f"search by {who} for {term!r} did not find #{tid}, whose text holds that word")
            if tid in found:  # (after a split or an edit, the index must follow the messages)
                loose = any(fold(term) in fold(text) for text in docs[tid])
                check("client-sees-no-internal" if is_client else "search-finds-only-words", loose,
                      f"search by {who} for {term!r} found #{tid}, whose {'visible ' if is_client else ''}"
                      f"text does not hold it")
