"""``tally bench paper``: a big city's protocol templates printed the day before, in one run.

Staged on a fresh store (its own nats-server, fsync on every write): a city of ``--precincts``
precincts (850: Warsaw's size) with two contests, a proportional council in 8 districts with 6
lists each and a prezydent miasta of 12 candidates; long names and addresses with diacritics.
Measured the way ``tally print template`` makes them (the same desk and renderer, in process):

- the baseline: one precinct's templates (both contests), made 5 times: documents per second;
- the whole city in one file: the seconds spent reading the definitions, the seconds rendering,
  the megabytes and pages of the PDF, and the documents per second against the baseline.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from domain.clock import SystemClock
from schemas.ballots import PrecinctRef
from schemas.commands import Outcome
from schemas.paper import ProtocolsPaper, TemplatesQuery
from services.apps.paper_desk import PaperDesk
from services.eventstore.connection import connect
from services.paper.gmina import gmina_templates
from services.paper.render import protocols_pdf
from services.serve.local_desks import local_desks
from services.tools.bench.system import loaded_store

if TYPE_CHECKING:
    from services.eventstore.settings import StoreSettings

ELECTION: Final = "bench-paper"
TERYT: Final = "126101"
STREAM: Final = "BENCHPAPER"
DISTRICTS: Final = 8
LISTS: Final = 6
MAYOR_CANDIDATES: Final = 12
BASELINE_RUNS: Final = 5
FIRST: Final = ("Małgorzata", "Grzegorz", "Żaneta", "Łukasz", "Agnieszka", "Przemysław",
                "Katarzyna Anna", "Jędrzej", "Bożena", "Szczepan")  # fmt: skip
LAST: Final = ("BRZĘCZYSZCZYKIEWICZ", "GRZEGORZEWSKA-ŚWIĘTOCHOWSKA", "ŻÓŁTOWSKI",
               "KOWALCZYK", "WÓJCIK-ŁĘCKA", "SZCZEPAŃSKI", "DĄBROWSKA", "PIĄTKOWSKI",
               "CHRZĄSZCZ", "NOWAK")  # fmt: skip
STREETS: Final = ("ul. Marszałkowska", "al. Jerozolimskie", "ul. Świętokrzyska",
                  "ul. Księcia Józefa Poniatowskiego", "ul. Żwirki i Wigury",
                  "pl. Grzybowski")  # fmt: skip


def _name(n: int) -> str:
    return f"{FIRST[n % len(FIRST)]} {LAST[(n * 7) % len(LAST)]}"


def city(precincts: int) -> dict[str, Any]:
    """The city's definition file (``tally.election-definition.v1``)."""
    numbers = list(range(1, precincts + 1))
    count = min(DISTRICTS, precincts)
    seats = (8, 7, 8, 7, 8, 7, 8, 7)[:count]
    committees = [{"code": f"KW-{c}", "name": f"Komitet Wyborczy Łączy Nas Przyszłość {c}",
                   "short_name": f"KW Przyszłość {c}"} for c in "ABCDEFGHIJKL"]  # fmt: skip
    districts = [{
        "number": d + 1, "seats": seats[d],
        "precincts": [f"{TERYT}-{n}"
                      for n in numbers[d * precincts // count:(d + 1) * precincts // count]],
        "lists": [{"committee": committees[k]["code"], "number": k + 1, "candidates": [
            {"position": p, "name": _name(d * 100 + k * 20 + p)}
            for p in range(1, 2 * seats[d] + 1)]} for k in range(LISTS)],
    } for d in range(count)]  # fmt: skip
    return {
        "format": "tally.election-definition.v1",
        "election": {"code": ELECTION, "name": "Wybory samorządowe (benchmark)",
                     "rounds": [{"number": 1, "date": "2029-04-07"}]},
        "committees": committees,
        "units": [{"teryt": TERYT, "name": "Miasto Stołeczne Przykładowo", "kind": "gmina miejska",
                   "inhabitants": 1_800_000, "precincts": [
                       {"number": n, "address": f"Szkoła Podstawowa nr {n} im. Marii "
                        f"Skłodowskiej-Curie, {STREETS[n % len(STREETS)]} {n}, Przykładowo",
                        "eligible_voters": 1500} for n in numbers]}],
        "contests": [
            {"kind": "council", "gmina": TERYT, "system": "proportional", "seats": sum(seats),
             "districts": districts},
            {"kind": "mayor", "gmina": TERYT, "office": "prezydent miasta", "candidates": [
                {"position": p, "name": _name(900 + p), "committee": committees[p - 1]["code"]}
                for p in range(1, MAYOR_CANDIDATES + 1)]},
        ],
    }  # fmt: skip


def run_paper_benchmark(*, as_json: bool, precincts: int) -> int:
    with tempfile.TemporaryDirectory(prefix="tally-bench-paper-") as tmp:
        chosen = json.dumps(city(precincts), ensure_ascii=False).encode()
        with loaded_store(Path(tmp), STREAM, chosen) as settings:
            report = asyncio.run(_measure(settings, precincts))
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if as_json else _table(report))
    return 0


async def _measure(settings: StoreSettings, precincts: int) -> dict[str, Any]:
    nc = await connect(settings, name="tally-bench-paper")
    try:
        desks = await local_desks(nc, settings, views=False)
        desk = PaperDesk(desks.protocols, desks.results, SystemClock())

        async def one(number: int) -> ProtocolsPaper:
            ref = PrecinctRef(election=ELECTION, teryt=TERYT, precinct=number)
            found = await desk.paper_templates(TemplatesQuery(key=ref))
            if isinstance(found, Outcome):
                raise TypeError(f"precinct {number}: {found.problems}")
            return found

        await one(1)  # definitions read once, as a serving command service has them
        started = time.perf_counter()
        for _ in range(BASELINE_RUNS):
            single = protocols_pdf(await one(1))
        baseline_s = (time.perf_counter() - started) / BASELINE_RUNS
        baseline_docs = len((await one(1)).documents)

        started = time.perf_counter()
        paper = await gmina_templates(range(1, precincts + 1), one)
        gathered = time.perf_counter()
        pdf = protocols_pdf(paper)
        rendered = time.perf_counter()
    finally:
        await nc.drain()
    documents = len(paper.documents)
    total_s = rendered - started
    rate = documents / total_s
    base_rate = baseline_docs / baseline_s
    return {
        "precincts": precincts, "contests": 2, "documents": documents,
        "pages": _pages(pdf), "megabytes": round(len(pdf) / 1e6, 2),
        "gather_s": round(gathered - started, 2), "render_s": round(rendered - gathered, 2),
        "total_s": round(total_s, 2),
        "baseline": {"name": "one precinct's templates", "documents": baseline_docs,
                     "seconds": round(baseline_s, 3), "documents_per_s": round(base_rate, 1),
                     "kilobytes": round(len(single) / 1e3, 1)},
        "documents_per_s": round(rate, 1), "ratio": round(rate / base_rate, 2),
    }  # fmt: skip


def _pages(pdf: bytes) -> int:
    """Pages of a PDF (its page objects; Typst writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _table(report: dict[str, Any]) -> str:
    base = report["baseline"]
    return (
        f"templates of a city of {report['precincts']} precincts, {report['contests']} contests:"
        f" {report['documents']} documents, {report['pages']} pages, {report['megabytes']} MB\n"
        f"  read the definitions {report['gather_s']} s, render {report['render_s']} s, "
        f"total {report['total_s']} s ({report['documents_per_s']} documents/s)\n"
        f"  baseline, {base['name']}: {base['documents']} documents in {base['seconds']} s "
        f"({base['documents_per_s']} documents/s, {base['kilobytes']} kB)\n"
        f"  ratio to the baseline: {report['ratio']}\n"
    )
