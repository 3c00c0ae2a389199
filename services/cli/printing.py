"""``tally print template|protocol|results|slips``: the documents as PDFs, on this machine's store.

The documents' data come from the same desk the command service answers the board with
(``services.apps.paper_desk``), run here on this process's own store connection, and are rendered
by the same code (``services.paper``): a document printed here and one printed from the board
are the same. Exit 0 written, 1 refused (what is unknown named), 2 could not run.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING, TypeVar

import msgspec
import structlog

from domain.clock import SystemClock
from domain.paper_code import BadKeyError, parse_key
from schemas.accounts import RegisteredAccount
from schemas.ballots import PrecinctRef
from schemas.commands import Outcome
from schemas.paper import (
    GminaRef,
    PrecinctsQuery,
    ProtocolPaperQuery,
    ProtocolsPaper,
    TemplatesQuery,
)
from schemas.results import ResultKey, ResultQuery
from services.apps.accounts import Accounts
from services.apps.actors import local_operator
from services.apps.paper_desk import PaperDesk
from services.commands.accounts.registry import Registry
from services.eventstore.connection import connect
from services.nats.access import nats_access
from services.paper.gmina import NothingToPrintError, gmina_templates
from services.paper.render import protocols_pdf, results_pdf, slips_pdf
from services.paper.slips import awaiting_slips, slips_paper
from services.serve.local_desks import local_desks
from services.serve.process import HTTP_FILE

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from nats.aio.client import Client

    from schemas.accounts import ActivationSlip
    from services.eventstore.settings import StoreSettings

T = TypeVar("T")
log = structlog.get_logger("print")
EXIT_REFUSED = 1


class RefusedError(Exception):
    """What the command names is unknown or cannot be printed; the message says which."""


def print_main(args: argparse.Namespace) -> int:
    with nats_access(args.data_dir) as settings:
        try:
            pdf = asyncio.run(_document(args, settings))
        except RefusedError as refused:
            sys.stdout.write(f"refused: {refused}\n")
            return EXIT_REFUSED
    args.out.write_bytes(pdf)
    sys.stdout.write(f"{args.out}: {len(pdf):,} bytes\n")
    return 0


async def _document(args: argparse.Namespace, settings: StoreSettings) -> bytes:
    nc = await connect(settings, name="tally-print")
    try:
        if args.print_command == "slips":
            return await _slips(args, settings, nc)
        desks = await local_desks(nc, settings, views=args.print_command == "results")
        desk = PaperDesk(desks.protocols, desks.results, SystemClock())
        public_url = args.settings.public_url
        if args.print_command == "template":
            return protocols_pdf(await _templates(desk, args), public_url)
        if args.print_command == "protocol":
            try:
                key = parse_key(args.key)
            except BadKeyError as error:
                raise RefusedError(str(error)) from None
            found = await desk.paper_protocol(ProtocolPaperQuery(key=key, version=args.version))
            return protocols_pdf(_answer(found), public_url)
        contest_area = args.contest.partition(":")[2]
        if len(contest_area) == len(args.gmina) and contest_area != args.gmina:
            raise RefusedError(f"contest {args.contest} is not gmina {args.gmina}'s")
        query = ResultQuery(key=ResultKey(election=args.election, contest=args.contest,
                                          round=args.round))  # fmt: skip
        return results_pdf(_answer(await desk.paper_results(query)))
    finally:
        await nc.drain()


async def _templates(desk: PaperDesk, args: argparse.Namespace) -> ProtocolsPaper:
    gmina = GminaRef(election=args.election, teryt=args.gmina)
    if args.precinct is not None:
        numbers: tuple[int, ...] = (args.precinct,)
    else:
        numbers = _answer(await desk.paper_precincts(PrecinctsQuery(key=gmina))).numbers

    async def one(number: int) -> ProtocolsPaper:
        ref = PrecinctRef(election=args.election, teryt=args.gmina, precinct=number,
                          round=args.round)  # fmt: skip
        query = TemplatesQuery(key=ref, contest=args.contest or "", district=args.district,
                               gmina_wide=args.precinct is None)  # fmt: skip
        return _answer(await desk.paper_templates(query))

    try:
        return await gmina_templates(numbers, one)
    except NothingToPrintError as nothing:
        raise RefusedError(str(nothing)) from None


def _answer(found: T | Outcome) -> T:
    """The desk's answer, or the refusal it said, naming what is unknown."""
    if isinstance(found, Outcome):
        said = "; ".join(f"{p.message} ({p.rule})" for p in found.problems) or found.status
        raise RefusedError(said)
    return found


async def _slips(args: argparse.Namespace, settings: StoreSettings, nc: Client) -> bytes:
    """Fresh codes for the gmina's operators not activated yet, each recorded as a reset by the
    local operator; the codes are only on the paper."""
    registry = Registry(settings.layout.accounts_stream, settings.request_timeout_s)
    await registry.current(nc)
    waiting = awaiting_slips(
        (msgspec.convert(row, RegisteredAccount) for row in registry.rows(args.gmina)), args.gmina
    )
    if not waiting:
        raise RefusedError(f"no operator of gmina {args.gmina} is waiting for activation")
    operator = local_operator()
    clock = SystemClock()
    accounts = Accounts(settings)
    issued: list[tuple[RegisteredAccount, ActivationSlip]] = []
    try:
        for account in waiting:
            found = await asyncio.to_thread(accounts.account, account.login)
            if found is None:
                continue
            answer = await asyncio.to_thread(accounts.issue_activation, found, operator.actor,
                                             operator.role, clock.now())  # fmt: skip
            if answer.slip is not None:
                issued.append((account, answer.slip))
    finally:
        accounts.close()
    log.info("print.slips_issued", gmina=args.gmina, operators=len(issued))
    where = f"{_gateway(args.settings.public_url, args.data_dir)}/activate"
    return slips_pdf(slips_paper(issued, unit=args.gmina, activate_url=where, now=clock.now()))


def _gateway(public_url: str, data_dir: Path) -> str:
    if public_url:
        return public_url
    try:
        port = int(json.loads((data_dir / HTTP_FILE).read_text())["port"])
    except (OSError, ValueError, KeyError, TypeError):
        port = 8080
    return f"http://127.0.0.1:{port}"
