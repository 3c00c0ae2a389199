"""A program using the persistence module exits by itself, without calling close().

The library's own persistence modules let a script return and the interpreter exit; so must this
one, whatever still holds the application at exit and whatever happened to the server meanwhile.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

from services.nats.server import EmbeddedNats, free_port
from tests.natsserver import fresh_stream, session_url

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.nats

# Saves and reads through eventsourcing.Application, never calls close(). How the application is
# still held at exit differs per mode: a module global, a reference cycle, a traceback (the program
# ends with an exception), or a cycle after the server was killed and restarted, or killed for good.
SCRIPT = textwrap.dedent(
    """
    import os, sys
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Dog(Aggregate):
        @event("Registered")
        def __init__(self, name: str) -> None:
            self.name = name

        @event("Tricked")
        def trick(self, trick: str) -> None:
            self.tricks = [*getattr(self, "tricks", []), trick]

    def save_and_read(app, tricks):
        dog = Dog("rex")
        for number in range(tricks):
            dog.trick(str(number))
        app.save(dog)
        assert tricks == len(app.repository.get(dog.id).tricks)
        return dog

    def wait_for_the_test(what):
        sys.stdout.write(what + "\\n")
        sys.stdout.flush()
        sys.stdin.readline()

    def main(mode):
        app = Application()
        if mode != "global":
            # Applications sit in reference cycles in real programs (a handler that holds its
            # application): then only the collector at interpreter exit finds them.
            app.held_by_itself = app
        save_and_read(app, 200)
        if mode == "raises":
            raise ValueError("failed on purpose; the application is held by the traceback")
        if mode in ("restarted", "killed"):
            wait_for_the_test("saved")
            if mode == "restarted":
                save_and_read(app, 5)  # through the reconnected connection
        return app

    if sys.argv[1] == "global":
        app = main("global")
    else:
        main(sys.argv[1])
    sys.stdout.write("done\\n")
    """
)


def _start(mode: str, url: str) -> subprocess.Popen[str]:
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("NATS_")},
        "PERSISTENCE_MODULE": "services.eventstore",
        "NATS_URL": url,
        "NATS_STREAM": fresh_stream(),
        "TALLY_LOG_LEVEL": "warning",
    }
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, mode],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read_until(process: subprocess.Popen[str], line: str) -> None:
    """Structlog's default configuration prints to standard output too: skip its lines."""
    assert process.stdout is not None
    for seen in process.stdout:
        if seen.strip() == line:
            return
    pytest.fail(f"the program ended before printing {line!r}")


def _exits_by_itself(process: subprocess.Popen[str], timeout: float = 15) -> tuple[int, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"the program did not exit within {timeout}s: {out!r} {err[-2000:]!r}")
    return process.returncode, out + err


@pytest.mark.parametrize("mode", ["global", "cycle"])
def test_a_program_that_never_closes_exits_when_it_returns(mode: str) -> None:
    """Save, read and return: the interpreter exits at once and the work is done."""
    code, output = _exits_by_itself(_start(mode, session_url()))
    assert (0, True) == (code, "done" in output), output


def test_a_program_ending_in_an_exception_still_exits() -> None:
    """The application held by a traceback is closed at exit, not waited on for ever."""
    code, output = _exits_by_itself(_start("raises", session_url()))
    assert 1 == code, output
    assert "ValueError: failed on purpose" in output


@pytest.mark.slow
def test_a_program_exits_after_its_server_was_killed_and_restarted(tmp_path: Path) -> None:
    """kill -9 of the server and a restart mid-run: the next save goes through, then exit."""
    server = EmbeddedNats(tmp_path / "nats", port=free_port())
    server.start()
    try:
        process = _start("restarted", server.url)
        assert process.stdout is not None
        assert process.stdin is not None
        _read_until(process, "saved")
        server.kill()
        server.start()
        process.stdin.write("go\n")
        process.stdin.flush()
        code, output = _exits_by_itself(process)
        assert (0, True) == (code, "done" in output), output
    finally:
        server.stop()


@pytest.mark.slow
def test_a_program_exits_while_its_server_is_gone(tmp_path: Path) -> None:
    """The server killed for good: the reconnecting connection does not hold the exit."""
    server = EmbeddedNats(tmp_path / "nats", port=free_port())
    server.start()
    try:
        process = _start("killed", server.url)
        assert process.stdout is not None
        assert process.stdin is not None
        _read_until(process, "saved")
        server.kill()
        process.stdin.write("go\n")
        process.stdin.flush()
        code, output = _exits_by_itself(process, timeout=10)
        assert (0, True) == (code, "done" in output), output
    finally:
        server.stop()
