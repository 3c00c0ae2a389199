"""``tally drill run DIR``: play a drill directory through the real system and check the result.

1. Stage: ``tally serve`` in a fresh ``drill-<time>/`` data directory under the working directory
   (embedded nats-server on free ports, or ``NATS_URL``), password hashing ``fast``.
2. Load the election definition; bootstrap the admin; the admin creates an auditor and one
   coordinator per gmina unit, each coordinator creates the unit's operator; all log in with
   password + TOTP.
3. Play the night (``services.tools.drill.play``) with ``--clients`` concurrent precinct clients, as
   fast as possible (``--max``, the default) or ``--speed N`` times faster than the modelled
   night (``services.tools.drill.schedule``).
4. Wait until the views have caught up with the last event, run the auditor's verification
   (``tally audit verify``: chains, order, and every view rebuilt from the log and compared),
   and compare every gmina tally (both flavours) with the sums of the input protocols, and the
   accepted tallies with the official totals when the directory has them.

Exit 0 when everything agrees; 1 on any difference, verification problem, or an official total
that differs for a reason the published data does not explain (see ``compare``).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import msgspec
import structlog

from services.apps.accounts import bootstrap_admin
from services.apps.election_load import load_file
from services.audit.commands import verify
from services.common.progressbar import ProgressBar
from services.serve.settings import Settings
from services.tools.drill import compare
from services.tools.drill.directory import DrillDirectory
from services.tools.drill.lag import TallyWatch
from services.tools.drill.play import Night, Record
from services.tools.drill.results import Establishing, every_result
from services.tools.drill.script import planted_misses
from services.tools.people import Desk, Team, enrol
from services.tools.stage import Stage, staged
from services.tools.stats import percentiles_ms

if TYPE_CHECKING:
    from collections.abc import Iterator

    from schemas.audit import AuditReport

log = structlog.get_logger("drill")
CATCH_UP_TIMEOUT_S: Final = 900.0
ADMIN: Final = "drill-admin"
WATCHED_VIEWS: Final = ("tallies", "alerts")


class DrillError(Exception):
    pass


def run_command(
    directory: Path,
    *,
    speed: float | None,
    report_file: Path | None,
    clients: int,
    blind_share: float,
    quiet: bool,
    lot_seed: int = 1,
) -> int:
    drill = DrillDirectory.read(directory)
    phases = Phases()
    with staged(Path.cwd()) as stage:
        with phases.timed("setup"):
            loaded = load_file(drill.definition_file, data_dir=stage.data_dir)
            if loaded.status == "refused":
                problems = "; ".join(f"{p.path}: {p.message}" for p in loaded.problems[:5])
                raise DrillError(f"the drill's definition is refused: {problems}")
            slip = bootstrap_admin(login=ADMIN, name="Drill admin", data_dir=stage.data_dir).slip
            if slip is None:
                raise DrillError("cannot bootstrap the drill's admin (is the stream fresh?)")
            staff = ProgressBar("accounts", enabled=not quiet)
            team = enrol(stage.gateway_url, ADMIN, slip.activation_code, drill.definition.units,
                         workers=min(clients, 8), progress=staff.update)  # fmt: skip
            staff.finish()
        bar = ProgressBar("night", enabled=not quiet)
        establishing = Establishing(team, lot_seed)
        night = Night(stage.gateway_url, team, drill, speed=speed, clients=clients,
                      blind_share=blind_share, progress=bar.update,
                      establishing=establishing)  # fmt: skip
        report = _play_and_check(drill, stage, team, (night, bar), phases)
    if report_file is not None:
        report_file.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    _summary(report, stage, phases)
    results = report["results"]
    failed = (
        not report["verify"]["ok"]
        or any(not d["explained"] for d in report["official"]["differences"])
        or bool(results["failed"])
        or results["established"] < results["expected"]
    )
    return 1 if failed else 0


def _play_and_check(
    drill: DrillDirectory,
    stage: Stage,
    team: Team,
    played: tuple[Night, ProgressBar],
    phases: Phases,
) -> dict[str, Any]:
    night, bar = played
    watch = TallyWatch(stage.settings())
    watch.start()
    try:
        with phases.timed("night"):
            record = night.play()
        bar.finish()
        desk = Desk(stage.gateway_url)
        desk.log_in(team.auditor)
        try:
            with phases.timed("catch_up"):
                views = _caught_up(desk, drill, record.last_sequence)
        finally:
            desk.close()
        with phases.timed("results"):
            results = _establish_all(stage, drill, night)
    finally:
        watch.stop()
    lags = [
        max(0.0, (visible - acked) * 1000)
        for sequence, acked in record.acknowledged
        if (visible := watch.visible_at(sequence)) is not None
    ]
    with phases.timed("verify"):
        audit = verify(export=None, data_dir=stage.data_dir, views=None,
                       signing=Settings.from_env().signing(stage.data_dir))  # fmt: skip
    return _report(drill, record, views, audit, lags) | {"results": results}


def _establish_all(stage: Stage, drill: DrillDirectory, night: Night) -> dict[str, Any]:
    """Every local result established (those the night did not establish yet), by as many
    desks at once as the night had clients."""
    establishing = night.establishing
    keys = [k for k in every_result(drill.definition, night.runoffs)
            if k not in establishing.record.done]  # fmt: skip
    work = iter(keys)
    lock = threading.Lock()

    def worker() -> None:
        desk = Desk(stage.gateway_url)
        try:
            while True:
                with lock:
                    key = next(work, None)
                if key is None:
                    return
                establishing.establish(desk, key)
        finally:
            desk.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(night.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = len(every_result(drill.definition, night.runoffs))
    return establishing.record.summary(establishing.seed) | {"expected": expected}


def _caught_up(desk: Desk, drill: DrillDirectory, last: int) -> dict[str, list[dict[str, Any]]]:
    """The views' rows once each has reached the drill's last event."""
    election = drill.definition.election.code
    rounds = sorted({p.key.round for p in drill.protocols})
    deadline = time.monotonic() + CATCH_UP_TIMEOUT_S
    while True:
        rows: dict[str, list[dict[str, Any]]] = {"tallies": [], "alerts": []}
        positions = []
        for round_number in rounds:
            for flavour in ("accepted", "confirmed"):
                answer = desk.client.view_all("tallies", election=election, round=round_number,
                                              flavour=flavour)  # fmt: skip
                positions.append(answer["position"])
                rows["tallies"] += answer["rows"]
        answer = desk.client.view_all("alerts", election=election)
        positions.append(answer["position"])
        rows["alerts"] = answer["rows"]
        if min(positions) >= last:
            return rows
        if time.monotonic() > deadline:
            raise DrillError(
                f"the views reached {min(positions)}, not {last}, in {CATCH_UP_TIMEOUT_S:.0f} s"
            )
        time.sleep(0.5)


def _report(
    drill: DrillDirectory,
    record: Record,
    views: dict[str, list[dict[str, Any]]],
    audit: AuditReport,
    lags: list[float],
) -> dict[str, Any]:
    accepted_rows = [r for r in views["tallies"] if r["flavour"] == "accepted"]
    confirmed_rows = [r for r in views["tallies"] if r["flavour"] == "confirmed"]
    confirmed = record.confirmed_keys
    final = drill.script.final(drill.protocols)
    differences = compare.tally_differences(
        compare.sum_protocols(final), compare.sum_view_rows(accepted_rows), "accepted"
    ) + compare.tally_differences(
        compare.sum_protocols(p for p in final if p.key in confirmed),
        compare.sum_view_rows(confirmed_rows),
        "confirmed",
    )
    labels = compare.vote_labels(drill.definition)
    tallies = [
        compare.report_row(key, total, labels.get((key.contest, key.district), {}), "accepted")
        for key, total in sorted(compare.sum_view_rows(accepted_rows).items())
    ]
    problems = [msgspec.to_builtins(p) for p in audit.problems]
    problems += [{"kind": "control-code", "message": m} for m in record.code_mismatches]
    problems += [{"kind": "command-failed", "message": m} for m in record.failed]
    problems += planted_misses(drill.script.expected, views["alerts"], record.refused_at)
    official = compare.official_comparison(
        tallies,
        drill.official or (),
        drill.skipped,
        {d["gmina_teryt"] for d in differences},
    )
    seconds = max(record.last_acknowledged - record.first_sent, 1e-9)
    alerts: dict[str, int] = {}
    for alert in views["alerts"]:
        alerts[alert["kind"]] = alerts.get(alert["kind"], 0) + 1
    return {
        "tallies": tallies,
        "submissions": {
            "protocols": len(drill.protocols),
            "accepted": record.accepted,
            "refused": sum(record.refused_by_rule.values()),
            "refused_by_rule": dict(sorted(record.refused_by_rule.items())),
            "approved": record.approved,
            "confirmed": record.confirmed,
            "confirmed_blind": record.confirmed_blind,
            "commands": record.commands,
            "turnout_reports": record.turnout_reports,
            "first_attempts_refused": record.attempts_refused,
            "corrections": record.corrections,
            "skipped_by_import": len(drill.skipped),
        },
        "findings_by_rule": dict(sorted(record.findings_by_rule.items())),
        "alerts_by_kind": dict(sorted(alerts.items())),
        "latency_ms": percentiles_ms(record.latencies_ms),
        "lag_ms": percentiles_ms(lags),
        "throughput_per_s": round(record.accepted / seconds, 1),
        "verify": {
            "ok": not problems and not differences,
            "differences": differences + problems,
            "events": audit.events,
            "views_compared": audit.views_compared,
            "results_recomputed": audit.results_recomputed,
            "planted": {
                "expected": len(drill.script.expected),
                "missed": sum(p["kind"] == "planted-not-alerted" for p in problems),
            },
        },
        "official": official | {"given": drill.official is not None},
    }


class Phases:
    """How long each part of a drill took, timed apart: ``setup`` (definition and accounts),
    ``night`` (the commands), ``catch_up`` (until the views show the last one), ``verify``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[phase] = time.monotonic() - started
            log.info("drill.phase_done", phase=phase, seconds=round(self.seconds[phase], 1))

    def line(self) -> str:
        return "phases: " + ", ".join(f"{name} {seconds:,.0f} s"
                                      for name, seconds in self.seconds.items())  # fmt: skip


def _summary(report: dict[str, Any], stage: Stage, phases: Phases) -> None:
    s, verified, official = report["submissions"], report["verify"], report["official"]
    lines = [
        f"drill data directory: {stage.data_dir}",
        phases.line(),
        (
            f"protocols {s['protocols']}: accepted {s['accepted']}, refused {s['refused']} "
            f"{s['refused_by_rule'] or ''}; hard warnings approved {s['approved']}; "
            f"confirmed {s['confirmed']} ({s['confirmed_blind']} by blind entry)"
        ),
        (
            f"submit-to-ack ms {report['latency_ms']}; append-to-tally ms {report['lag_ms']}; "
            f"{report['throughput_per_s']} protocols/s"
        ),
        f"alerts {report['alerts_by_kind']}",
        (
            f"verify: {'OK' if verified['ok'] else 'FAILED'} ({verified['events']} events, "
            f"{verified['results_recomputed']} established results computed again, "
            f"{len(verified['differences'])} differences; planted discrepancies "
            f"{verified['planted']['expected']}, missed {verified['planted']['missed']})"
        ),
    ]
    lines += [f"  {json.dumps(d, ensure_ascii=False)[:300]}" for d in verified["differences"][:10]]
    results = report["results"]
    lines.append(
        f"results: {results['established']} of {results['expected']} established "
        f"{results['by_decision']}; runoffs opened {results['runoffs_opened']}; lots drawn "
        f"{results['lots_drawn']} (seed {results['lot_seed']}); established early "
        f"{results['established_early']}; failed {len(results['failed'])}"
    )
    lines += [f"  {failure[:300]}" for failure in results["failed"][:10]]
    if official["given"]:
        lines.append(
            f"official totals: {official['equal']} of {official['compared']} units equal, "
            f"{official['different']} different"
        )
        lines += [
            f"  {d['gmina_teryt']}: " + (d.get("explanation") or f"UNEXPLAINED {d['fields']}")
            for d in official["differences"]
        ]
    sys.stdout.write("\n".join(lines) + "\n")
