"""The ticket generator: tickets made one at a time with their holders, messages, history,
charges and abuse cases, as rows ready for a bulk write. Every row obeys the ticket rules of
domain.md (holders, statuses, lock, waiting time...), so the ticket service reads seeded data
exactly as data it wrote itself."""

from __future__ import annotations

import math
import random
from bisect import bisect

from .banks.mail import ABUSE_KINDS
from .banks.staff import DEPARTMENTS
from .banks.topics import TOPICS_BY_DEPARTMENT
from .people import SPAN, World
from .text import (Context, abuse_description, assigned_message, client_reply, first_message,
                   internal_note, num, pick, staff_reply, subject, summary)
from .writes import Batch, Stamper

PRIORITIES = (1,) * 10 + (2,) * 65 + (3,) * 18 + (4,) * 7  # low, normal, high, urgent


class TicketGenerator:
    """Makes tickets one at a time, with every rule of domain.md holding for each."""

    def __init__(self, world: World, rng: random.Random, total: int, avg: int, now_ts: int,
                 stamp: Stamper) -> None:
        self.w, self.rng, self.total, self.avg, self.now = world, rng, total, avg, now_ts
        self.stamp, self.start = stamp, now_ts - SPAN
        shares = [share for _, _, share in DEPARTMENTS]
        self.cum = [sum(shares[: i + 1]) for i in range(len(shares))]
        self.others = {d.id: [o for o in world.depts if o.id != d.id] for d in world.depts}

    def batch(self, offset: int, n: int) -> Batch:
        """Tickets offset .. offset+n-1 of the run."""
        b = Batch()
        for i in range(n):
            self._ticket(b, i, offset + i)
        return b

    def _staff_for(self, dept_id: int) -> int:
        """Someone who may answer the department's tickets: a member, now and then an admin."""
        members = self.w.members.get(dept_id)
        if self.w.admins and (not members or self.rng.random() < 0.05):
            return pick(self.rng, self.w.admins)
        return pick(self.rng, members)

    def _count(self) -> int:
        """Messages in one ticket: at least 1, `avg` on average, now and then a long thread."""
        rng, avg = self.rng, self.avg
        if avg < 1.9:  # only 1s and 2s can average this
            return 1 if rng.random() < 2 - avg else 2
        if rng.random() < 0.1:  # unanswered yet, or closed straight away
            return 1
        mean = (avg - 0.1) / 0.9 - 2  # a geometric tail on top of 2 messages
        if mean <= 0:
            return 2
        return min(2 + int(math.log(1.0 - rng.random()) / math.log(mean / (1 + mean))), 200)

    def _kinds(self, n: int, want_last: str | None) -> list[str]:
        """Client first; then mostly alternating replies, some notes, at most one assignment.
        The last public message (client or staff) is made `want_last`'s, if given."""
        rng = self.rng
        kinds, last, assigned = ["client"], "client", False
        for _ in range(n - 1):
            r = rng.random()
            if not assigned and r < 0.03:
                kinds.append("system")
                assigned = True
            elif r < 0.13:
                kinds.append("internal")
            else:
                flip = 0.88 if last == "client" else 0.85  # else a follow-up by the same side
                last = ("staff" if last == "client" else "client") if rng.random() < flip else last
                kinds.append(last)
        if want_last and want_last != last:
            final = max(i for i, k in enumerate(kinds) if k in ("client", "staff"))
            if final > 0:
                kinds[final] = want_last
            elif n > 1:  # only notes followed the opening message: the last becomes a reply
                kinds[-1] = want_last
        return kinds

    def _times(self, kinds: list[str], f: float) -> list[int]:
        """Strictly increasing: staff answer within hours, clients within a day or so."""
        rng = self.rng
        t0 = self.start + int(f * (SPAN - 6 * 3600))
        gaps, prev = [], "client"
        for k in kinds[1:]:
            mean = {"staff": 4 * 3600 if prev == "client" else 3600, "client": 18 * 3600,
                    "internal": 1800}.get(k, 2 * 3600)
            gaps.append(60 + rng.expovariate(1 / mean))
            prev = k if k in ("client", "staff") else prev
        room, total = self.now - 60 - t0, sum(gaps)
        scale = min(1.0, room / total) if total else 1.0  # the newest tickets: squeezed before now
        times, t = [t0], t0
        for g in gaps:
            t += max(1, int(g * scale))
            times.append(t)
        return times

    def _ticket(self, b: Batch, tid: int, index: int) -> None:
        """Ticket `index` of the run; `tid` is its number in the batch."""
        rng, w, now, stamp, rows = self.rng, self.w, self.now, self.stamp, b.rows
        f = min(0.999999, (index + rng.random()) / self.total)  # its place in time: ids follow
        dept = w.depts[bisect(self.cum, rng.random() * self.cum[-1])]
        topic = pick(rng, TOPICS_BY_DEPARTMENT[dept.topic])
        client = w.clients[int(len(w.clients) * rng.random() ** 1.7)]  # some clients write a lot
        fitting = [x for x in client.services if not topic.kinds or x[1] in topic.kinds]
        svc = pick(rng, fitting) if fitting and rng.random() < 0.75 else None
        ctx = Context(rng, client.first, client.name, svc[2] if svc and svc[2] else client.domain)

        # Old tickets are mostly archived, recent ones often open: ~10% open, 30% awaiting the
        # client, 60% archived. Open ones mostly wait for staff; closed ones mostly got a reply.
        r, p_open = rng.random(), 0.3 * f * f
        status = "open" if r < p_open else "archived" if r < p_open + 0.95 - 0.7 * f else "awaiting"
        is_open = status == "open"
        if is_open:
            want = "client" if rng.random() < 0.8 else "staff"
        else:
            want = "staff" if rng.random() < 0.85 else None  # else closed after the client's thanks
        kinds = self._kinds(self._count(), want)
        times = self._times(kinds, f)
        t0, last_t = times[0], times[-1]

        # Who writes: a handler of the department; after an assignment, maybe someone there.
        handler = self._staff_for(dept.id)
        assigned, second, sys_t = None, None, 0
        authors: list[int | None] = []
        signed: list[str] = []  # the department a staff reply is signed with
        seen: dict[int, list[int]] = {}  # staff id -> [first, last] time: they hold the ticket
        for k, t in zip(kinds, times):
            a = None
            if k == "system":
                assigned, sys_t = pick(rng, self.others[dept.id]), t
                second = self._staff_for(assigned.id) if rng.random() < 0.7 else None
                seen.setdefault(handler, [t, t])[1] = t  # the redirecting staff keeps it open
            elif k != "client":
                a = second if second is not None else handler
                seen.setdefault(a, [t, t])[1] = t
            authors.append(a)
            signed.append(assigned.name if a is not None and a == second else dept.name)
        writers = [a for a in authors if a is not None]
        responsible = writers[-1] if writers else None

        locked_by = lock_token = locked_at = None
        if is_open and rng.random() < 0.06:
            locked_by = responsible or second or handler
            if authors[-1] == locked_by and len(times) > 1:  # took the lock, then wrote
                locked_at = (times[-2] + times[-1]) // 2
            else:
                locked_at = min(now, last_t + num(rng, 60, 3 * 3600))
            lock_token = f"{rng.getrandbits(128):032x}"
            seen.setdefault(locked_by, [locked_at, locked_at])
            responsible = locked_by
        closed_at = archived_at = None
        if not is_open:  # closing needs the lock: whoever closed it is responsible and a holder
            responsible = responsible or handler
            closed_at = last_t if kinds[-1] == "staff" else min(now, last_t + num(rng, 60, 7200))
            seen.setdefault(responsible, [closed_at, closed_at])
            if status == "archived":
                archived_at = min(now, closed_at + num(rng, 3600, 10 * 86400))

        # Holders: all closed on a closed ticket. On an open one the departments and the
        # responsible staff member are open; others who wrote may have pressed Ok already.
        holders, closed = rows["holders"], stamp(closed_at) if closed_at else None
        holders.append([tid, dept.id, None, is_open, stamp(t0), closed])
        if assigned is not None:
            holders.append([tid, assigned.id, None, is_open, stamp(sys_t), closed])
        for sid, (first_t, last_seen) in seen.items():
            if is_open and sid != responsible and rng.random() < 0.5:
                holders.append([tid, None, sid, False, stamp(first_t), stamp(last_seen)])
            else:
                holders.append([tid, None, sid, is_open, stamp(first_t), closed])

        messages, names = rows["messages"], w.staff_names
        for i, (k, a, t) in enumerate(zip(kinds, authors, times)):
            if k == "client":
                body = first_message(rng, topic, ctx) if i == 0 else client_reply(rng, topic, ctx)
                messages.append([tid, k, None, client.id, body, stamp(t)])
            elif k == "staff":
                body = staff_reply(rng, topic, ctx, names[a], signed[i])
                messages.append([tid, k, a, None, body, stamp(t)])
            elif k == "internal":
                messages.append([tid, k, a, None, internal_note(rng, topic, ctx), stamp(t)])
            else:
                messages.append([tid, k, None, None, assigned_message(assigned.name), stamp(t)])

        # The queue's fields come from the public messages (internal and system ones don't count).
        public = [(k, t) for k, t in zip(kinds, times) if k in ("client", "staff")]
        last_kind = public[-1][0]
        trailing = len(public) - max((i + 1 for i, (k, _) in enumerate(public) if k != last_kind),
                                     default=0)
        awaiting = is_open and last_kind == "client"
        if awaiting:
            waiting = public[-trailing][1]  # the first of the unanswered client messages
        else:
            waiting = next((t for k, t in reversed(public) if k == "staff"), t0)
        unread = trailing if status != "archived" and last_kind == "staff" and rng.random() < 0.5 else 0
        delayed = None
        if is_open and rng.random() < 0.05:  # a fifth of them: the date has passed already
            delayed = (now + num(rng, 3600, 14 * 86400) if rng.random() < 0.8
                       else num(rng, last_t, max(last_t + 1, now - 60)))

        # The history: (time, staff, client, action, detail).
        events = [(t0, None, client.id, "opened", dept.name)]
        if assigned is not None:
            events.append((sys_t, handler, None, "assign", assigned.name))
        if locked_at is not None:
            events.append((locked_at, locked_by, None, "take", ""))
        replies = [i for i, k in enumerate(kinds) if k == "staff"]
        if dept.topic in ("Billing", "Server administration") and replies and rng.random() < 0.05:
            i, cents = pick(rng, replies), pick(rng, (500, 1000, 1500, 2500, 4900, 9900, 14900))
            if client.balance >= cents:  # "charge client" goes with a reply; never below zero
                client.balance -= cents
                b.charged[client.id] = b.charged.get(client.id, 0) + cents
                rows["charges"].append([tid, client.id, authors[i], cents, stamp(times[i])])
                events.append((times[i], authors[i], None, "charge", f"{cents / 100:.2f}"))
        if dept.topic == "Abuse desk" and responsible is not None and rng.random() < 0.4:
            kind, when = pick(rng, ABUSE_KINDS), seen[responsible][0]
            rows["abuse_cases"].append([tid, client.id, svc[0] if svc else None, responsible, kind,
                                        abuse_description(rng, kind, ctx), stamp(when)])
            events.append((when, responsible, None, "abuse", kind))
        if closed_at is not None:
            events.append((closed_at, responsible, None, "close", "1 holder(s) closed; ticket closed"))
        if archived_at is not None:
            events.append((archived_at, None, client.id, "archived", ""))
        events.sort(key=lambda e: e[0])  # ids follow time within a ticket
        rows["ticket_events"].extend([tid, s_id, c_id, act, detail, stamp(t)]
                                     for t, s_id, c_id, act, detail in events)

        incidents = pick(rng, (1,) * 17 + (2, 0, 0)) if dept.per_incident else 0
        rows["tickets"].append([
            tid, client.id, subject(rng, topic, ctx),
            summary(rng) if rng.random() < 0.03 else "", svc[0] if svc else None, dept.id,
            responsible, pick(rng, PRIORITIES), rng.random() < 0.005,
            stamp(delayed) if delayed else None, locked_by, lock_token,
            stamp(locked_at) if locked_at else None, stamp(archived_at) if archived_at else None,
            unread, incidents, is_open, awaiting, stamp(waiting), stamp(t0), stamp(last_t),
        ])
