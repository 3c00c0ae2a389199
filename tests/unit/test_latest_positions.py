"""The definition cache's freshness check: many commands at once, few requests, and never an
answer older than the command that asked."""

from __future__ import annotations

import asyncio
import uuid

from services.apps.definition_cache import _LatestPositions

ELECTION = uuid.uuid4()


class SlowPort:
    """A store whose last position moves when told, answering after the test lets it."""

    def __init__(self) -> None:
        self.position = 1
        self.requests: list[int] = []
        """The position as it was when each request was sent."""
        self.release = asyncio.Event()
        self.sent = asyncio.Event()

    async def last_position(self, aggregate_id: uuid.UUID) -> int:
        assert ELECTION == aggregate_id
        seen = self.position
        self.requests.append(seen)
        self.sent.set()
        await self.release.wait()
        return seen


def test_callers_arriving_during_a_request_share_the_next_one() -> None:
    """Ten callers that arrive while a request is out are answered by one more request."""

    async def scenario() -> tuple[list[int], list[int]]:
        port = SlowPort()
        latest = _LatestPositions(port)  # type: ignore[arg-type]
        first = asyncio.create_task(latest.position(ELECTION))
        await port.sent.wait()
        port.position = 2  # a load completes while the first request is out
        later = [asyncio.create_task(latest.position(ELECTION)) for _ in range(10)]
        await asyncio.sleep(0)
        port.release.set()
        answers = [await first, *[await task for task in later]]
        return answers, port.requests

    answers, requests = asyncio.run(scenario())
    assert [1, 2] == requests
    assert [1] + [2] * 10 == answers  # none of the later callers got the older answer


def test_a_failed_request_fails_its_callers_and_the_next_call_asks_again() -> None:
    """A failure reaches every caller waiting for that request; the next caller sends anew."""

    class FailingOnce:
        calls = 0

        async def last_position(self, aggregate_id: uuid.UUID) -> int:
            del aggregate_id
            self.calls += 1
            if self.calls == 1:
                raise TimeoutError
            return 7

    async def scenario() -> tuple[list[object], int]:
        latest = _LatestPositions(FailingOnce())  # type: ignore[arg-type]
        failed = await asyncio.gather(
            latest.position(ELECTION), latest.position(ELECTION), return_exceptions=True
        )
        return [type(f) for f in failed], await latest.position(ELECTION)

    assert ([TimeoutError, TimeoutError], 7) == asyncio.run(scenario())


def test_synchronous_callers_on_fresh_loops_are_answered_each_time() -> None:
    """Each synchronous call runs on a loop of its own (the in-memory store): nothing of a loop
    that is gone is waited on."""

    class Counting:
        calls = 0

        async def last_position(self, aggregate_id: uuid.UUID) -> int:
            del aggregate_id
            self.calls += 1
            return self.calls

    latest = _LatestPositions(Counting())  # type: ignore[arg-type]
    assert [1, 2, 3] == [asyncio.run(latest.position(ELECTION)) for _ in range(3)]
