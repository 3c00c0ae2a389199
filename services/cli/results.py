"""``tally results``: the seat calculator, and a contest's result on this machine's store.

``apportion FILE [--json]`` reads ``schemas.results.ApportionRequest`` and prints the
apportionment of ``domain.results.proportional``. Exit 0 with a result (ties included: they are
part of it), 1 with every problem of a bad file named by path and rule, 2 when the file cannot be
read.

``show|establish|reopen|draw-lot`` run the results desk (``services.apps.results_desk``) as the
machine's local operator, against the views of the running ``tally serve`` or, when none runs,
views folded here from the log.
"""

from __future__ import annotations

import asyncio
import sys
from fractions import Fraction
from typing import TYPE_CHECKING

import msgspec
import structlog

from domain.decoding import DecodeError, decode_json
from domain.results.articles import TEXT
from domain.results.proportional import apportion
from schemas.commands import Outcome
from schemas.problems import Problem
from schemas.results import (
    ApportionRequest,
    ApportionResult,
    ContestResult,
    DrawLot,
    EstablishResult,
    ReopenResult,
    ResultKey,
    ResultQuery,
    ResultState,
    SeatAward,
    SeatTie,
)
from services.apps.actors import local_operator
from services.eventstore.connection import connect
from services.nats.access import nats_access
from services.serve.local_desks import local_desks

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from domain.results.proportional import Apportionment
    from services.eventstore.settings import StoreSettings

log = structlog.get_logger("cli.results")

EXIT_PROBLEMS = 1
EXIT_CANNOT_RUN = 2


def apportion_command(path: Path, *, as_json: bool) -> int:
    try:
        data = path.read_bytes()
    except OSError as error:
        sys.stderr.write(f"tally: cannot read {path}: {error.strerror or error}\n")
        return EXIT_CANNOT_RUN
    try:
        request = decode_json(data, ApportionRequest)
    except DecodeError as error:
        return _refuse(error.problems, as_json=as_json)
    problems = consistency(request)
    if problems:
        return _refuse(problems, as_json=as_json)
    result = calculate(request)
    sys.stdout.write(msgspec.json.encode(result).decode() + "\n" if as_json else _table(result))
    return 0


def consistency(request: ApportionRequest) -> list[Problem]:
    """What the types cannot say: percentages in range, every name refers to something there."""
    percents = {"$.threshold_percent": request.threshold_percent} | {
        f"$.list_thresholds.{name}": value for name, value in request.list_thresholds.items()
    }
    problems = [
        Problem(path=path, rule="apportion.threshold.range",
                message=f"a threshold is a percentage from 0 to 100, not {value}")
        for path, value in percents.items() if not (0 <= value <= 100)
    ]  # fmt: skip
    problems += [
        Problem(path=f"$.votes.{district}", rule="apportion.district.no_seats",
                message=f"district {district} has votes but no entry in seats")
        for district in request.votes if district not in request.seats
    ]  # fmt: skip
    problems += [
        Problem(path=f"$.seats.{district}", rule="apportion.district.no_votes",
                message=f"district {district} has seats but no entry in votes")
        for district in request.seats if district not in request.votes
    ]  # fmt: skip
    lists = {name for district in request.votes.values() for name in district}
    problems += [
        Problem(path=f"$.list_thresholds.{name}", rule="apportion.list.unknown",
                message=f"list {name} has a threshold but no votes in any district")
        for name in request.list_thresholds if name not in lists
    ]  # fmt: skip
    problems += [
        Problem(path=f"$.candidates.{district}.{name}", rule="apportion.list.unknown",
                message=f"list {name} has candidates but no votes in district {district}")
        for district, standing in (request.candidates or {}).items()
        for name in standing if name not in request.votes.get(district, {})
    ]  # fmt: skip
    return problems


def calculate(request: ApportionRequest) -> ApportionResult:
    found = apportion(
        request.seats,
        request.votes,
        threshold=Fraction(request.threshold_percent),
        list_thresholds={name: Fraction(p) for name, p in request.list_thresholds.items()},
        capacity=request.candidates,
    )
    return _result(request, found)


def _result(request: ApportionRequest, found: Apportionment[str, str]) -> ApportionResult:
    seats = {
        district: {name: found.districts[district].won().get(name, 0) for name in standing}
        for district, standing in request.votes.items()
    }
    ties = tuple(
        SeatTie(district=district, lists=tie.lists, quotient=_exact(tie.quotient),
                seats=tie.places, after=tie.after.value)
        for district, tie in ((d, seats_.tie) for d, seats_ in found.districts.items())
        if tie is not None
    )  # fmt: skip
    awards = {
        district: tuple(
            SeatAward(list=a.list, quotient=_exact(a.quotient), rule=a.rule.value)
            for a in seats_.awards
        )
        for district, seats_ in found.districts.items()
    }
    used = {a.rule for seats_ in found.districts.values() for a in seats_.awards}
    used |= {seats_.tie.after for seats_ in found.districts.values() if seats_.tie is not None}
    return ApportionResult(
        passed=found.passed,
        votes=found.votes,
        seats=seats,
        totals=found.totals(),
        ties=ties,
        awards=awards,
        vacant={district: seats_.vacant for district, seats_ in found.districts.items()},
        rules={rule.value: TEXT[rule] for rule in sorted(used)},
    )


def _exact(value: Fraction) -> str:
    return str(value)


def _refuse(problems: list[Problem], *, as_json: bool) -> int:
    if as_json:
        sys.stdout.write(msgspec.json.encode({"problems": problems}).decode() + "\n")
    else:
        for problem in problems:
            sys.stdout.write(f"{problem.path}  [{problem.rule}]  {problem.message}\n")
    return EXIT_PROBLEMS


def _table(result: ApportionResult) -> str:
    lines = [f"passed the threshold: {', '.join(result.passed) or 'none'}", ""]
    lists = list(result.totals)
    width = max((len(name) for name in lists), default=4)
    lines.append(f"{'district':>8}  " + "  ".join(f"{name:>{width}}" for name in lists))
    for district, won in result.seats.items():
        cells = "  ".join(f"{won.get(name, '-'):>{width}}" for name in lists)
        vacant = result.vacant.get(district, 0)
        lines.append(f"{district:>8}  {cells}" + (f"  ({vacant} vacant)" if vacant else ""))
    total = "  ".join(f"{result.totals[name]:>{width}}" for name in lists)
    lines.append(f"{'total':>8}  {total}")
    lines += [
        f"district {tie.district}: {tie.seats} seat(s) by lot among {', '.join(tie.lists)} "
        f"(equal quotients {tie.quotient}; {tie.after})"
        for tie in result.ties
    ]
    lines += ["", *(f"{code}  {text}" for code, text in result.rules.items())]
    return "\n".join(lines) + "\n"


# tally results show|establish|reopen|draw-lot: a contest's result on this machine's store.


def result_main(args: argparse.Namespace) -> int:
    """Exit 0 answered or accepted, 1 refused (every problem named), 2 could not run."""
    key = ResultKey(election=args.election, contest=args.contest, round=args.round)
    with nats_access(args.data_dir) as settings:
        return asyncio.run(_result_run(args, key, settings))


async def _result_run(args: argparse.Namespace, key: ResultKey, settings: StoreSettings) -> int:
    nc = await connect(settings, name="tally-results")
    try:
        desk = (await local_desks(nc, settings)).results
        context = local_operator()
        command = args.results_command
        if command == "show":
            answer = await desk.result(ResultQuery(key=key, flavour=args.flavour))
            return _show(answer, as_json=args.json)
        if command == "establish":
            outcome = await desk.establish_result(EstablishResult(key=key, reason=args.reason),
                                                  context)  # fmt: skip
        elif command == "reopen":
            outcome = await desk.reopen_result(ReopenResult(key=key, reason=args.reason), context)
        else:
            draw = DrawLot(key=key, district=args.district, among=tuple(args.among),
                           drawn=tuple(args.drawn), drawn_by=args.drawn_by,
                           note=args.reason)  # fmt: skip
            outcome = await desk.draw_lot(draw, context)
        return _said(outcome, as_json=args.json)
    finally:
        await nc.drain()


def _show(answer: ContestResult | ResultState | Outcome, *, as_json: bool) -> int:
    if isinstance(answer, Outcome):
        return _said(answer, as_json=as_json)
    if as_json:
        sys.stdout.write(msgspec.json.encode(answer).decode() + "\n")
        return 0
    if isinstance(answer, ResultState):
        sys.stdout.write(f"{answer.key.contest} round {answer.key.round}: {answer.state}"
                         + (f" ({answer.reason})" if answer.reason else "") + "\n")  # fmt: skip
        if answer.result is not None:
            sys.stdout.write(result_text(answer.result))
        return 0
    sys.stdout.write(result_text(answer))
    return 0


def result_text(result: ContestResult) -> str:
    """A contest's result as a coordinator reads it aloud."""
    lines = [
        (f"{result.contest} round {result.round} ({result.flavour} protocols, log position "
         f"{result.position}): {result.precincts_counted} of {result.precincts_expected} "
         "protocols counted")
    ]  # fmt: skip
    if result.mayor is not None:
        mayor = result.mayor
        lines.append(f"  {mayor.decision}: {mayor.elected or ', '.join(mayor.runoff)} "
                     f"[{mayor.rule}]")  # fmt: skip
        if mayor.lot is not None and not mayor.lot.drawn:
            lines.append(f"  lot needed among {', '.join(mayor.lot.among)}")
    for district in result.districts:
        head = f"  district {district.district} ({district.seats} seat(s))"
        lines.append(head + (": no vote, art. 380" if district.uncontested else ""))
        lines += [f"    {e.name} ({e.id}, {e.votes} votes) [{e.rule}]" for e in district.elected]
        lines += [f"    lot needed: {lot.places} of {', '.join(lot.among)} [{lot.after}]"
                  for lot in district.lots if not lot.drawn]  # fmt: skip
        if district.vacant:
            lines.append(f"    {district.vacant} seat(s) vacant")
    if result.lots_pending:
        lines.append(f"  {result.lots_pending} lot(s) wait for the commission's draw")
    return "\n".join(lines) + "\n"


def _said(outcome: Outcome, *, as_json: bool) -> int:
    if as_json:
        sys.stdout.write(msgspec.json.encode(outcome).decode() + "\n")
    elif outcome.status == "accepted":
        sys.stdout.write(f"accepted: {outcome.state}, log position {outcome.sequence}\n")
    else:
        sys.stdout.write(f"{outcome.status}, nothing recorded ({len(outcome.problems)} "
                         "problem(s)):\n")  # fmt: skip
        for problem in outcome.problems:
            sys.stdout.write(f"  {problem.path}  [{problem.rule}]  {problem.message}\n")
    return 0 if outcome.status == "accepted" else EXIT_PROBLEMS
