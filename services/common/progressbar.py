"""A progress bar on standard error for long commands (rebuilds, drills).

On a terminal it redraws one line; into a file or a pipe it writes a line at every tenth of the
way, so logs of unattended runs still show progress without thousands of lines.
"""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 30


class ProgressBar:
    def __init__(self, label: str, *, enabled: bool = True, out: TextIO | None = None) -> None:
        self._label = label
        self._enabled = enabled
        self._out = out or sys.stderr
        self._tty = self._out.isatty()
        self._tenth = -1
        self._drawn = False

    def update(self, done: int, total: int, detail: str = "") -> None:
        if not self._enabled:
            return
        filled = WIDTH * done // max(total, 1)
        line = f"{self._label:<12} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total} {detail}"
        if self._tty:
            self._out.write("\r" + line.rstrip())
            self._drawn = True
        else:
            tenth = 10 * done // max(total, 1)
            if tenth == self._tenth:
                return
            self._tenth = tenth
            self._out.write(line.rstrip() + "\n")
        self._out.flush()

    def finish(self) -> None:
        """End the redrawn line so what follows starts on a line of its own."""
        if self._drawn:
            self._out.write("\n")
            self._out.flush()
            self._drawn = False
