"""The demo help desk: a small hosting provider, three weeks into a busy month.

`build_demo` writes it THROUGH THE SERVICE API (open_ticket, take, reply, assign, split...),
so every rule of domain.md holds exactly as it would for real users. Time is driven by a fake
clock: the service stamps every write with store.clock.utcnow(), which the clock replaces
while the demo is built, so conversations are spread realistically over the last three weeks
and end at the real "now". Nothing lies in the future except delays.

The conversations are hand-written and run as small scripts, interleaved by a scheduler in
time order (so ticket numbers grow with their opening time, as they would). A few messages
are there on purpose to exercise safe display: pasted config with square-bracket markup, CJK
text and emoji, and a terminal log line with real ANSI escape bytes.

Only account data the billing panel owns and the help desk has no action for (a client's
registration date, balance and support incidents) is set directly, before any ticket exists.

The package, one job per module:
  build.py     build_demo, ensure_demo, DemoInfo: building and opening the demo database
  people.py    the departments, staff, clients and reply templates
  desk.py      the Desk the scripts act through, and setting the cast up
  clock.py     the fake clock and the time helpers
  schedule.py  the scheduler that interleaves the scripts in time order
  files.py     generated attachments (text, PNG, PDF)
  plan.py      when each conversation starts
  threads_*.py the conversations, by theme
"""

from .build import DemoInfo, build_demo, default_demo_path, demo_info, ensure_demo

__all__ = ["DemoInfo", "build_demo", "default_demo_path", "demo_info", "ensure_demo"]
