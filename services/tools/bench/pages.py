"""``tally bench pages``: the protocol page of a large council as an operator's browser gets it.

A proportional city council with one district of 10 lists of 15 candidates (the largest ballot
a gmina prints), staged on a fresh ``tally serve`` (as a drill stages it). Measured in the same
run: the stylesheet fetched through the same server (the baseline: what any answer costs), the
protocol page rendered on the server (GET), and the validate round trip the page makes while the
operator types (POST of the whole form to ``.../check``). Figures: median and p99 in ms, and each
as a ratio to the baseline's median.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

import httpx

from domain.decoding import decode_json
from schemas.definition import ElectionDefinition
from services.apps.accounts import bootstrap_admin
from services.apps.election_load import load_file
from services.tools.people import enrol
from services.tools.stage import staged

LISTS: Final = 10
CANDIDATES: Final = 15
TERYT: Final = "146501"
CODE: Final = "bench-pages"


def definition() -> dict[str, Any]:
    committees = [{"code": f"KW-{n}", "name": f"Komitet Wyborczy {n}"} for n in range(1, 11)]
    lists = [{"committee": f"KW-{n}", "number": n,
              "candidates": [{"position": p, "name": f"Kandydat {n}-{p}"}
                             for p in range(1, CANDIDATES + 1)]}
             for n in range(1, LISTS + 1)]  # fmt: skip
    return {
        "format": "tally.election-definition.v1",
        "election": {"code": CODE, "name": "Benchmark", "rounds": [
            {"number": 1, "date": "2026-04-12"}]},
        "committees": committees,
        "units": [{"teryt": TERYT, "name": "Miasto", "kind": "gmina miejska",
                   "inhabitants": 200000,
                   "precincts": [{"number": 1, "address": "Szkoła nr 1",
                                  "eligible_voters": 2000}]}],
        "contests": [{"kind": "council", "gmina": TERYT, "system": "proportional", "seats": 8,
                      "districts": [{"number": 1, "seats": 8, "precincts": [f"{TERYT}-1"],
                                     "lists": lists}]}],
    }  # fmt: skip


def run_pages_benchmark(*, as_json: bool, requests: int) -> int:
    with tempfile.TemporaryDirectory(prefix="tally-bench-pages-") as tmp:
        path = Path(tmp) / "definition.json"
        path.write_text(json.dumps(definition()), encoding="utf-8")
        with staged(Path(tmp)) as stage:
            load_file(path, data_dir=stage.data_dir)
            slip = bootstrap_admin(login="admin", name="Admin", data_dir=stage.data_dir).slip
            assert slip is not None
            units = _units()
            team = enrol(stage.gateway_url, "admin", slip.activation_code, units, workers=1,
                         progress=lambda _done, _all: None)  # fmt: skip
            figures = _measure(stage.gateway_url, team.operators[TERYT], requests)
    report = {"lists": LISTS, "candidates_per_list": CANDIDATES, "requests": requests,
              **figures}  # fmt: skip
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if as_json else _table(report))
    return 0


def _units() -> tuple[Any, ...]:
    return decode_json(json.dumps(definition()).encode(), ElectionDefinition).units


def _measure(url: str, operator: Any, requests: int) -> dict[str, Any]:
    browser = httpx.Client(base_url=url, timeout=30)
    browser.get("/")
    csrf = browser.cookies.get("tally_csrf") or ""
    with operator.lock:
        code = operator.fresh_code()  # a step the enrolment's login did not use
    logged = browser.post("/login", data={"_csrf": csrf, "login": operator.login,
                                          "password": operator.password, "totp": code})  # fmt: skip
    if logged.status_code != 303:
        raise RuntimeError(f"the operator cannot log in to the pages: {logged.status_code}")
    page = f"/protocols/{CODE}/{TERYT}/1/council:{TERYT}/1/1"
    form = {"_csrf": csrf, "content.form": "2024", "content.eligible_voters": "2000",
            "content.valid_votes": "1000"}  # fmt: skip
    for n in range(LISTS):
        form[f"content.lists[{n}].number"] = str(n + 1)
        form[f"content.lists[{n}].total"] = "100"
        for p in range(CANDIDATES):
            form[f"content.lists[{n}].candidates[{p}].position"] = str(p + 1)
            form[f"content.lists[{n}].candidates[{p}].votes"] = "6" if p < 10 else "8"
    baseline = timed(requests, lambda: browser.get("/static/tally.css"))
    render = timed(requests, lambda: browser.get(page))
    check = timed(requests, lambda: browser.post(page + "/check", data=form))
    browser.close()
    base = statistics.median(baseline)
    return {"baseline": figures("stylesheet through the gateway", baseline, base),
            "paths": [figures("protocol page render", render, base),
                      figures("validate round trip while typing", check, base)]}  # fmt: skip


def timed(requests: int, call: Any) -> list[float]:
    found = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = call()
        found.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"{answer.request.url}: {answer.status_code}")
    return found


def figures(name: str, times: list[float], base: float) -> dict[str, Any]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    median = statistics.median(times)
    return {"name": name, "median_ms": round(median, 2), "p99_ms": round(p99, 2),
            "ratio_to_baseline": round(median / base, 1)}  # fmt: skip


def _table(report: dict[str, Any]) -> str:
    head = (f"council ballot of {report['lists']} lists x {report['candidates_per_list']} "
            f"candidates, {report['requests']} requests each")  # fmt: skip
    lines = [head, "", "| measurement | median ms | p99 ms | x baseline |", "|---|---:|---:|---:|"]
    rows = [report["baseline"], *report["paths"]]
    lines += [f"| {row['name']} | {row['median_ms']} | {row['p99_ms']} | "
              f"{row['ratio_to_baseline']} |" for row in rows]  # fmt: skip
    return "\n".join(lines) + "\n"
