"""The message thread of a ticket: client, staff, internal (yellow) and system (dim) messages.

A thread of thousands of messages opens as fast as a short one: only its last messages become
widgets; earlier ones are mounted a batch at a time as the reader scrolls towards the top, and,
when the screen gave only the thread's tail (show(..., ticket_id=...)), fetched from the store
page by page first.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.errors import StoreError
from store.service.reading import MessagePage, messages_page
from store.views import MailHead, MessageView

from tui.runtime import display
from tui.runtime.display import when
from tui.runtime.safe import text
from tui.runtime.working import run_store_call

LABELS = {"client": "Client", "staff": "Staff", "internal": "Internal comment", "system": "System"}
WINDOW = 20  # messages made into widgets when a thread opens: more than a screen shows
FILL = 2  # the opening window fills the thread's height this many times over
FIRST_FILL = 1.25  # of which the first paint shows this much (an estimate: a little more than 1)
BATCH = 30  # more of them each time the reader nears the top
FETCH = 100  # messages asked from the store at a time


def size(n: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


class MessageBox(Static):
    """One message, its text shown literally."""

    def __init__(self, message: MessageView, rating=None) -> None:
        super().__init__(self._content(message, rating), classes=f"message message--{message.kind}")
        self.message_id = message.id
        if display.reading_width:
            self.styles.max_width = display.reading_width + 4  # the border and padding

    @staticmethod
    def _content(m: MessageView, rating=None) -> Text:
        head = Text.assemble(
            (f"#{m.id} {LABELS[m.kind]}", "bold"), " · ",
            text(m.author_name, one_line=True),
            (f" <{m.author}>" if m.kind == "client" else "", "dim"),
            (f" · {when(m.created_at)}", "dim"),
            (" · edited " + when(m.edited_at), "italic dim") if m.edited_at else "",
            (" · ✉ by mail", "bold") if m.mail else "",
            _delivery(m),
            # undo send: not yet the client's (the countdown line counts the seconds)
            (f" · held: reaches the client at {m.held_until.astimezone():%H:%M:%S}", "bold")
            if m.held_until else "",
        )
        lines = [head]
        if rating is not None:  # the client's rating: shown to heads and administrators only
            lines.append(Text.assemble(
                ("Rated good" if rating.good else "Rated bad", "bold green" if rating.good else "bold red"),
                " by the client", (": " if rating.comment else "", "dim"),
                text(rating.comment, "italic", one_line=True)))
        if m.mail:  # the addresses as the mail gave them: untrusted, shown literally
            lines.append(Text.assemble(*_mail_line(m.mail), style="dim"))
        body = Text("\n").join([*lines, text(m.body)])
        for a in m.attachments:
            body.append("\n")
            body.append_text(Text.assemble("📎 ", text(a.name, one_line=True),
                                           (f"  {size(a.size)} · #{a.id}", "dim")))
        return body


def _mail_line(mail: MailHead) -> list:
    parts = [("From ", "bold"), text(mail.sender or "(none)", one_line=True)]
    for label, value in (("To", mail.to), ("Cc", mail.cc)):
        if value:
            parts += [" · ", (f"{label} ", "bold"), text(value, one_line=True)]
    return parts


DELIVERY_STYLES = {"queued": "dim", "sent": "dim", "failed": "bold red"}


def _delivery(m: MessageView) -> Text:
    """A staff reply's mail: queued, sent, or failed with the server's answer (as text)."""
    if m.delivery in (None, "held"):  # held: the reply's own mark says when it goes
        return Text("")
    mark = Text.assemble(" · ", (f"mail {m.delivery}", DELIVERY_STYLES.get(m.delivery, "dim")))
    if m.delivery_reason and m.delivery != "sent":
        mark.append_text(Text.assemble((": ", "dim"), text(m.delivery_reason, one_line=True)))
    return mark


class EarlierNote(Static):
    """The line above the first message shown while earlier ones exist."""


class Thread(VerticalScroll, can_focus=True):
    """Shows a ticket's messages; keeps the reader's place when new ones arrive."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.messages: list[MessageView] = []  # known so far, oldest first
        self._first_shown = 0  # index in self.messages of the first mounted message
        self._ticket_id: int | None = None  # set: earlier messages may still be in the store
        self._unfetched: int | None = 0  # how many (None: not known yet)
        self._busy = False  # mounting or fetching earlier messages
        self._settled = False  # opened and scrolled to the end: scrolling up now means reading
        self._keep_end = False  # kept scrolled to the end as it is laid out, until settled
        self.ratings: dict = {}  # message id -> the client's rating, for those who may see them

    def _box(self, m: MessageView) -> MessageBox:
        return MessageBox(m, self.ratings.get(m.id))

    # --- what the screens call -----------------------------------------------------------
    def show(self, messages: tuple[MessageView, ...], *, ticket_id: int | None = None,
             earlier: int | None = None) -> None:
        """The whole thread; or, with ticket_id, its last messages (earlier: how many come
        before them, if known), the rest being fetched from the store when scrolled to."""
        messages = list(messages)
        if ticket_id is None:
            self._ticket_id, self._unfetched = None, 0
        else:
            if ticket_id != self._ticket_id:
                self.messages, self._unfetched = [], earlier
            elif earlier is not None:
                self._unfetched = earlier
            self._ticket_id = ticket_id
            if messages:  # keep what was fetched earlier than the new tail
                messages = [m for m in self.messages if m.id < messages[0].id] + messages
        at_bottom = self.scroll_y >= self.max_scroll_y - 1
        boxes = list(self.query(MessageBox))
        shown = [b.message_id for b in boxes]
        ids = [m.id for m in messages]
        start = ids.index(shown[0]) if shown and shown[0] in ids else -1
        self.messages = messages
        if start >= 0 and ids[start:start + len(shown)] == shown:
            for box, m in zip(boxes, messages[start:]):
                box.update(MessageBox._content(m, self.ratings.get(m.id)))
            self._first_shown = start
            new = [self._box(m) for m in messages[start + len(shown):]]
            if new:
                self.mount_all(new)
        else:
            self.remove_children()
            # What fills the screen is painted first; the rest of the window is mounted above
            # it right after that first paint (the thread kept at its end meanwhile).
            window = self._window_start(messages, FILL)
            self._first_shown = self._window_start(messages, FIRST_FILL)
            self._settled = False
            self.mount(EarlierNote(classes="thread-earlier"))
            self.mount_all([self._box(m) for m in messages[self._first_shown:]])
            if window < self._first_shown:
                self.call_after_refresh(self._fill_window, messages[window].id,
                                        messages[self._first_shown].id)
        self._note()
        if at_bottom or not shown:
            self._keep_end = True  # see arrange()
            self.call_after_refresh(self._to_end)

    def _window_start(self, messages: list[MessageView], screens: float) -> int:
        """Where the widgets start: enough of the latest messages to fill the thread's height
        `screens` times over (their lines estimated from the text), at most WINDOW of them. Each
        widget costs milliseconds to lay out: long messages need fewer to fill the screen."""
        height = self.size.height or self.app.size.height  # before its first layout: the screen's
        width = max(20, (display.reading_width or self.size.width or 100) - 4)
        lines, start = 0, len(messages)
        while start > 0 and len(messages) - start < WINDOW and lines < screens * height:
            start -= 1
            body = messages[start].body
            lines += 3 + sum(1 + len(line) // width for line in body.split("\n"))
        return start

    def _fill_window(self, start_id: int, first_id: int) -> None:
        """Mounts the rest of the opening window above what the first paint showed (unless
        the thread was shown anew meanwhile)."""
        boxes = self.query(MessageBox)
        ids = [m.id for m in self.messages]
        if (not boxes or boxes.first().message_id != first_id or start_id not in ids
                or first_id not in ids[self._first_shown:self._first_shown + 1]):
            return
        start = ids.index(start_id)
        self.mount_all([self._box(m) for m in self.messages[start:self._first_shown]],
                       before=boxes.first())
        self._first_shown = start
        self._note()

    @property
    def hidden_earlier(self) -> int | None:
        """Messages above the first one shown (None: more in the store, not counted yet)."""
        if self._unfetched is None:
            return None
        return self._first_shown + self._unfetched

    # --- revealing earlier messages --------------------------------------------------------
    def _to_end(self) -> None:
        self.scroll_end(animate=False)
        self.call_after_refresh(self._settle)

    def arrange(self, size, optimal: bool = False):
        """Laid out at its end from the first frame that shows new messages (not at the top
        first, then scrolled a frame later): Textual's anchor, while the messages overflow.
        (Anchored, a thread shorter than its room would be scrolled to a negative offset, a gap
        above its messages.) Dropped once settled: the reader's scrolling then decides."""
        arrangement = super().arrange(size, optimal)
        if self._keep_end:
            self._anchored = arrangement.spatial_map.total_region.bottom > size.height
        return arrangement

    def _settle(self) -> None:
        self._keep_end = self._anchored = False
        self._settled = True
        if self.max_scroll_y == 0:  # everything fits: nothing to scroll, so reveal now
            self._reveal_earlier()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._settled and new_value < old_value and new_value <= self.size.height:
            self._reveal_earlier()

    def _more_in_store(self) -> bool:
        return self._ticket_id is not None and self._unfetched != 0 and bool(self.messages)

    def _reveal_earlier(self) -> None:
        if self._busy:
            return
        if self._first_shown > 0:
            self._mount_earlier()
        elif self._more_in_store():
            self._busy = True
            run_store_call(self, messages_page, self._ticket_id, before_id=self.messages[0].id,
                           limit=FETCH, done=self._fetched, refused=self._not_fetched,
                           group="thread-earlier")

    def _fetched(self, page: MessagePage) -> None:
        self._busy = False
        first = self.messages[0].id if self.messages else None
        older = [m for m in page.messages if first is None or m.id < first]
        self.messages[:0] = older
        self._first_shown += len(older)
        self._unfetched = page.earlier if older else 0
        self._mount_earlier()

    def _not_fetched(self, error: StoreError) -> None:
        self._busy = False
        self._unfetched = 0
        self.app.notify(str(error), severity="error", markup=False)

    def _mount_earlier(self) -> None:
        if self._first_shown == 0:
            self._note()
            return
        start = max(0, self._first_shown - BATCH)
        batch = [self._box(m) for m in self.messages[start:self._first_shown]]
        self._first_shown = start
        self._busy = True
        anchor = self.query(MessageBox).first()
        place = anchor.virtual_region.y, self.scroll_y  # before the layout changes
        self.mount_all(batch, before=anchor)
        self._note()
        self.call_after_refresh(self._keep_place, anchor, *place, 5)

    def _keep_place(self, anchor: MessageBox, anchor_y: int, old_y: float, tries: int) -> None:
        """The messages added above push the text down: scroll by as much, so the reader
        keeps looking at the same lines (once the new messages have been laid out)."""
        moved = anchor.virtual_region.y - anchor_y
        if moved <= 0 and tries:
            self.call_after_refresh(self._keep_place, anchor, anchor_y, old_y, tries - 1)
            return
        self.scroll_to(y=old_y + moved, animate=False, immediate=True)
        self._busy = False

    def _note(self) -> None:
        notes = self.query(EarlierNote)
        if not notes:
            return
        note = notes.first()
        hidden = self.hidden_earlier
        note.display = hidden != 0
        if hidden is None:
            note.update(Text("↑ earlier messages: scroll up to read them", style="dim italic"))
        elif hidden:
            word = "message" if hidden == 1 else "messages"
            note.update(Text(f"↑ {hidden:,} earlier {word}: scroll up to read them",
                             style="dim italic"))
