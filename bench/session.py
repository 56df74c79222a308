"""The parent side: runs bench/probe.py in a pseudo-terminal of a fixed size, types keys into it
and waits for the probe's reports, including its peak resident memory (VmHWM) as it exits."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS, LINES = 120, 36

KEYS = {"pagedown": "\x1b[6~", "home": "\x1b[H", "enter": "\r", "escape": "\x1b", "down": "\x1b[B",
        "ctrl+q": "\x11", "slash": "/"}


class ProbeFailed(RuntimeError):
    pass


class Session:
    """One child process in its own terminal."""

    def __init__(self, mode: str, argv: list[str] = (), *, exit_after_first: bool = False,
                 env: dict[str, str] | None = None) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        report_r, report_w = os.pipe()
        child_env = {**os.environ, **(env or {}), "TERM": "xterm-256color",
                     "BENCH_REPORT_FD": str(report_w), "COLUMNS": str(COLUMNS), "LINES": str(LINES),
                     "BENCH_EXIT_AFTER_FIRST": "1" if exit_after_first else "0"}
        for name in ("TEXTUAL", "TEXTUAL_DEVTOOLS_PORT", "TEXTUAL_DEBUG"):
            child_env.pop(name, None)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.probe", mode, *argv], cwd=ROOT, env=child_env,
            stdin=slave, stdout=slave, stderr=slave, pass_fds=(report_w,), start_new_session=True,
        )
        os.close(slave)
        os.close(report_w)
        self.reports = os.fdopen(report_r, "r")
        self.output = bytearray()  # the last of what the app wrote, for error messages
        self.rusage = None
        self.marks: list[tuple[str, float]] = []
        self.peak_kb: int | None = None
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk
            del self.output[:-20000]

    def wait_for(self, event: str, timeout: float = 120.0) -> float:
        """The monotonic time of the child's next report, which must be `event`."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.reports], [], [], max(0.0, left))
            if not ready:
                self.kill()
                raise ProbeFailed(f"no '{event}' within {timeout:.0f} s; screen tail: {self._tail()}")
            line = self.reports.readline()
            if not line:
                self.finish(timeout=5)
                raise ProbeFailed(f"the app ended before '{event}' (exit {self.proc.returncode}); "
                                  f"screen tail: {self._tail()}")
            name, at = line.split()
            if name.startswith("mark:peak-kb:"):
                self.peak_kb = int(name.split(":")[2])
                continue
            if name.startswith("mark:"):  # a step of the start-up, for the breakdown
                self.marks.append((name[5:], float(at) - self.started))
                continue
            if name != event:
                self.kill()
                raise ProbeFailed(f"expected '{event}', got '{name}'")
            return float(at)

    def press(self, *keys: str) -> float:
        """Types keys (names from KEYS, or plain text); returns when the last one was sent."""
        sent = 0.0
        for key in keys:
            sent = time.monotonic()
            os.write(self.master, KEYS.get(key, key).encode())
        return sent

    def finish(self, timeout: float = 30.0) -> int:
        """Waits for the child's end; returns its peak resident memory in KB (VmHWM, which
        the child reports as it exits)."""
        deadline = time.monotonic() + timeout
        while True:
            pid, status, rusage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                self.proc.returncode = os.waitstatus_to_exitcode(status)
                self.rusage = rusage
                break
            if time.monotonic() > deadline:
                os.killpg(self.proc.pid, signal.SIGKILL)
                os.wait4(self.proc.pid, 0)
                self.proc.returncode = -9
                raise ProbeFailed(f"the app did not exit; screen tail: {self._tail()}")
            time.sleep(0.01)
        if not self.reports.closed:
            for line in self.reports:  # what the child said last, its peak memory among it
                if line.startswith("mark:peak-kb:"):
                    self.peak_kb = int(line.split()[0].split(":")[2])
            self.reports.close()
            os.close(self.master)
        if self.peak_kb is None:
            raise ProbeFailed("the app did not report its peak memory")
        return self.peak_kb

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, kind, error, trace) -> None:
        """Never leaves an app behind: one whose terminal is gone would spin forever."""
        if self.proc.returncode is None:
            self.kill()
            try:
                self.finish(timeout=10)
            except ProbeFailed:
                pass

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def _tail(self) -> str:
        text = bytes(self.output[-600:]).decode("utf-8", "replace")
        return repr(text)
