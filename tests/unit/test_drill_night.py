"""The modelled night and the agenda the drill's workers take tasks from."""

from __future__ import annotations

import threading

from schemas.commands import SubmitProtocol
from schemas.protocol import ProtocolContent
from schemas.validation import ProtocolKey
from services.tools.drill.agenda import Agenda
from services.tools.drill.schedule import arrival_s, blind_entry, paper_delay_s


def _protocol(precinct: int, ballots: int) -> SubmitProtocol:
    key = ProtocolKey(election="e", teryt="020101", precinct=precinct, contest="president:PL")
    return SubmitProtocol(key=key, content=ProtocolContent(form="2020", ballots_from_box=ballots))


def test_bigger_precincts_report_later_and_the_night_is_the_same_every_time() -> None:
    small = [arrival_s(_protocol(n, 100)) for n in range(200)]
    big = [arrival_s(_protocol(n, 2000)) for n in range(200)]
    assert sum(big) / len(big) > sum(small) / len(small) + 2 * 3600
    assert small == [arrival_s(_protocol(n, 100)) for n in range(200)]
    assert all(40 * 60 <= s <= 40 * 60 + 100 / 600 * 3600 + 3600 for s in small)
    assert all(20 * 60 <= paper_delay_s(_protocol(n, 1).key) <= 60 * 60 for n in range(200))


def test_the_blind_entry_sample_is_about_the_share_asked_for() -> None:
    keys = [_protocol(n, 1).key for n in range(2000)]
    share = sum(blind_entry(k, 0.05) for k in keys) / len(keys)
    assert 0.03 < share < 0.07
    assert not any(blind_entry(k, 0.0) for k in keys)


def test_tasks_come_in_the_order_of_their_moments_with_follow_ups() -> None:
    agenda = Agenda(speed=None)
    taken: list[str] = []

    def task(name: str, follow: tuple[float, str] | None = None) -> None:
        taken.append(name)
        if follow is not None:
            agenda.add(follow[0], lambda: task(follow[1]))

    agenda.add(30.0, lambda: task("c"))
    agenda.add(10.0, lambda: task("a", (20.0, "b")))
    agenda.add(40.0, lambda: task("d"))
    while (next_task := agenda.take()) is not None:
        next_task()
        agenda.done()
    assert ["a", "b", "c", "d"] == taken


def test_workers_finish_together_when_nothing_is_left() -> None:
    agenda = Agenda(speed=None)
    done: list[int] = []
    lock = threading.Lock()
    for n in range(50):
        agenda.add(float(n), lambda n=n: done.append(n))

    def work() -> None:
        while (task := agenda.take()) is not None:
            with lock:
                task()
            agenda.done()

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert not any(worker.is_alive() for worker in workers)
    assert sorted(done) == list(range(50))
