"""A program under a real pseudo-terminal, and the screen it draws.

prompt_toolkit redraws by difference (it moves the cursor over characters that
did not change), so the raw output is not the text a user sees. :class:`Screen`
is the small part of a VT100 that prompt_toolkit and IPython use: cursor
movement, erasing, line feeds and scrolling, and the answer to a cursor position
request (without one, prompt_toolkit does not know the height below the prompt
and hides the bottom toolbar).
"""

from __future__ import annotations

import codecs
import re
import time
from collections.abc import Mapping, Sequence

import pexpect

_CSI = re.compile(r"\x1b\[([0-9;?>=]*)([ -/]*)([@-~])")
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


class Screen:
    """A ``rows`` x ``columns`` character grid, with the lines scrolled off kept."""

    def __init__(self, rows: int = 24, columns: int = 100) -> None:
        self.rows = rows
        self.columns = columns
        self.grid = [[" "] * columns for _ in range(rows)]
        self.scrolled: list[str] = []
        self.row = 0
        self.column = 0
        self.autowrap = True
        self._pending = ""

    def feed(self, text: str) -> list[str]:
        """Draw ``text``; return the replies the program asked for (CPR)."""
        text = self._pending + text
        self._pending = ""
        replies: list[str] = []
        index = 0
        while index < len(text):
            char = text[index]
            if char == "\x1b":
                consumed = self._escape(text, index, replies)
                if consumed == 0:
                    self._pending = text[index:]
                    break
                index += consumed
                continue
            self._control_or_char(char)
            index += 1
        return replies

    def _escape(self, text: str, index: int, replies: list[str]) -> int:
        """Handle the sequence at ``index``; 0 if it is not complete yet."""
        rest = text[index:]
        if len(rest) < 2:
            return 0
        if rest[1] == "[":
            match = _CSI.match(rest)
            if match is None:
                return 0 if len(rest) < 32 else 1
            self._csi(match.group(1), match.group(3), replies)
            return match.end()
        if rest[1] == "]":
            match = _OSC.match(rest)
            if match is None:
                return 0 if len(rest) < 512 else 1
            return match.end()
        if rest[1] in "()":
            return 3 if len(rest) >= 3 else 0
        return 2

    def _csi(self, params: str, final: str, replies: list[str]) -> None:
        private = params.startswith("?")
        numbers = [int(p) if p.isdigit() else 0 for p in params.lstrip("?").split(";")]
        first = numbers[0] if numbers else 0
        count = max(first, 1)
        if private:
            if 7 in numbers and final in "hl":
                self.autowrap = final == "h"
            return
        if final == "A":
            self.row = max(self.row - count, 0)
        elif final == "B":
            self.row = min(self.row + count, self.rows - 1)
        elif final == "C":
            self.column = min(self.column + count, self.columns - 1)
        elif final == "D":
            self.column = max(self.column - count, 0)
        elif final == "G":
            self.column = min(count, self.columns) - 1
        elif final in "Hf":
            row = numbers[0] if numbers and numbers[0] else 1
            column = numbers[1] if len(numbers) > 1 and numbers[1] else 1
            self.row, self.column = (
                min(row, self.rows) - 1,
                min(column, self.columns) - 1,
            )
        elif final == "J":
            self._erase_display(first)
        elif final == "K":
            self._erase_line(first)
        elif final == "n" and first == 6:
            replies.append(f"\x1b[{self.row + 1};{self.column + 1}R")

    def _erase_display(self, mode: int) -> None:
        if mode == 2:
            self.grid = [[" "] * self.columns for _ in range(self.rows)]
            return
        self._erase_line(0)
        for row in range(self.row + 1, self.rows):
            self.grid[row] = [" "] * self.columns

    def _erase_line(self, mode: int) -> None:
        line = self.grid[self.row]
        if mode == 0:
            line[self.column :] = [" "] * (self.columns - self.column)
        elif mode == 1:
            line[: self.column + 1] = [" "] * (self.column + 1)
        else:
            self.grid[self.row] = [" "] * self.columns

    def _line_feed(self) -> None:
        if self.row < self.rows - 1:
            self.row += 1
            return
        self.scrolled.append("".join(self.grid.pop(0)).rstrip())
        self.grid.append([" "] * self.columns)

    def _control_or_char(self, char: str) -> None:
        if char == "\r":
            self.column = 0
        elif char == "\n":
            self._line_feed()
        elif char == "\b":
            self.column = max(self.column - 1, 0)
        elif char == "\t":
            self.column = min((self.column // 8 + 1) * 8, self.columns - 1)
        elif char < " " or char == "\x7f":
            return
        else:
            if self.column >= self.columns:
                if self.autowrap:
                    self.column = 0
                    self._line_feed()
                else:
                    self.column = self.columns - 1
            self.grid[self.row][self.column] = char
            self.column += 1

    def lines(self) -> list[str]:
        """The visible lines, trailing spaces removed."""
        return ["".join(line).rstrip() for line in self.grid]

    def text(self) -> str:
        return "\n".join(self.lines())

    def transcript(self) -> str:
        """Everything still known: the lines scrolled off, then the screen."""
        return "\n".join([*self.scrolled, *self.lines()])


class Terminal:
    """``argv`` running under a pseudo-terminal, its output drawn on a :class:`Screen`.

    :param argv: the program and its arguments.
    :param env: its whole environment.
    :param cwd: its working directory.
    """

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        cwd: str,
        rows: int = 24,
        columns: int = 100,
    ) -> None:
        self.screen = Screen(rows, columns)
        self.raw: list[str] = []
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.child = pexpect.spawn(
            argv[0],
            list(argv[1:]),
            env=dict(env),
            cwd=cwd,
            dimensions=(rows, columns),
        )
        self.eof = False

    def pump(self, timeout: float = 0.05) -> None:
        """Read what the program wrote (waiting up to ``timeout``) and draw it."""
        while not self.eof:
            try:
                data = self.child.read_nonblocking(65536, timeout=timeout)
            except pexpect.TIMEOUT:
                return
            except pexpect.EOF:
                self.eof = True
                return
            text = self._decoder.decode(data)
            self.raw.append(text)
            for reply in self.screen.feed(text):
                self.child.send(reply)
            timeout = 0.01

    def wait_for(
        self, pattern: str, timeout: float = 10.0, *, transcript: bool = False
    ) -> re.Match[str]:
        """Wait until ``pattern`` (a regex) shows on the screen (or ever showed)."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            self.pump()
            text = self.screen.transcript() if transcript else self.screen.text()
            found = regex.search(text)
            if found is not None:
                return found
            if time.monotonic() > deadline or self.eof:
                raise AssertionError(
                    f"{pattern!r} did not show within {timeout} s; the screen:\n"
                    f"{self.screen.text()}"
                )

    def wait_for_exit(self, timeout: float = 10.0) -> int:
        """Wait for the program to end; return its exit status."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            self.pump(0.1)
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the program did not exit within {timeout} s; the screen:\n"
                    f"{self.screen.text()}"
                )
        self.child.wait()
        return int(self.child.exitstatus or 0)

    def send(self, text: str) -> None:
        self.child.send(text)

    def type_lines(self, *lines: str) -> None:
        """Type each line and press Enter after it, letting the screen keep up."""
        for line in lines:
            self.send(line + "\r")
            self.pump(0.1)

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()
