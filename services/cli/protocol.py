"""``tally protocol submit|correct|confirm|approve|withdraw|reject|show`` and ``tally turnout
report|correct``: the local operator's commands, from JSON files and flags.

A protocol is named by its identity key without the ``protocol/`` prefix:
``<election>/<teryt>/<precinct>/<contest>/<district>/<round>``, e.g.
``przyklad-2026/302199/2/mayor:302199/0/1``. Exit 0 accepted, 1 refused (every problem with its
field and rule code; nothing recorded), 2 could not run.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import msgspec

from domain.decoding import DecodeError, decode_json
from domain.paper_code import BadKeyError, parse_key
from schemas.commands import (
    ApproveHardWarnings,
    ConfirmProtocol,
    CorrectProtocol,
    CorrectTurnout,
    Outcome,
    RejectProtocol,
    ReportTurnout,
    SubmitProtocol,
    WithdrawConfirmation,
)
from schemas.protocol import ProtocolContent
from services.apps.actors import local_operator
from services.apps.protocols import Protocols
from services.nats.access import nats_access

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from pathlib import Path

EXIT_REFUSED = 1
CHANNELS = ("cli", "online", "offline-file", "proxy")


def _correct(args: argparse.Namespace) -> CorrectProtocol:
    sent: CorrectProtocol = _read(args.file, CorrectProtocol)
    return msgspec.structs.replace(sent, reason=args.reason) if args.reason else sent


def _correct_turnout(args: argparse.Namespace) -> CorrectTurnout:
    sent: CorrectTurnout = _read(args.file, CorrectTurnout)
    return msgspec.structs.replace(sent, reason=args.reason) if args.reason else sent


def _confirm(args: argparse.Namespace) -> ConfirmProtocol:
    entry = _read(args.blind, ProtocolContent) if args.blind else None
    return ConfirmProtocol(key=parse_key(args.key), control_code=args.code or "", entry=entry)


_BUILDERS: dict[str, Callable[[argparse.Namespace], Any]] = {
    "submit": lambda args: _read(args.file, SubmitProtocol),
    "correct": _correct,
    "confirm": _confirm,
    "approve": lambda a: ApproveHardWarnings(key=parse_key(a.key), control_code=a.code),
    "withdraw": lambda a: WithdrawConfirmation(key=parse_key(a.key), reason=a.reason),
    "reject": lambda a: RejectProtocol(key=parse_key(a.key), reason=a.reason),
    "turnout-report": lambda args: _read(args.file, ReportTurnout),
    "turnout-correct": _correct_turnout,
}


def build_command(args: argparse.Namespace) -> Any:
    """The command an invocation asks for (raises DecodeError or BadKeyError on bad input)."""
    if args.command == "protocol":
        return _BUILDERS[args.protocol_command](args)
    return _BUILDERS[f"turnout-{args.turnout_command}"](args)


def command_main(args: argparse.Namespace) -> int:
    try:
        command = build_command(args)
    except DecodeError as error:
        return _print(Outcome(status="refused", problems=tuple(error.problems)), args.json)
    except BadKeyError as error:
        sys.stdout.write(f"refused: {error}\n")
        return EXIT_REFUSED
    context = msgspec.structs.replace(local_operator(), channel=getattr(args, "channel", "cli"))
    with nats_access(args.data_dir) as settings:
        app = Protocols(env=settings.environment())
        try:
            outcome = app.handle(command, context)
        finally:
            app.close()
    return _print(outcome, args.json)


def show_main(args: argparse.Namespace) -> int:
    """The current state and every version of a protocol."""
    key = parse_key(args.key)
    with nats_access(args.data_dir) as settings:
        app = Protocols(env=settings.environment())
        try:
            view = app.view(key)
        finally:
            app.close()
    if view is None:
        sys.stdout.write(f"no protocol {args.key}\n")
        return EXIT_REFUSED
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(view)).decode() + "\n")
    return 0


def _read(path: Path, kind: type[Any]) -> Any:
    return decode_json(path.read_bytes(), kind)


def _print(outcome: Outcome, as_json: bool) -> int:  # noqa: FBT001
    if as_json:
        sys.stdout.write(msgspec.json.encode(outcome).decode() + "\n")
    elif outcome.status == "accepted":
        details = f"version {outcome.version}, control code {outcome.control_code}, " if (
            outcome.version) else ""  # fmt: skip
        state = outcome.state or ("late" if outcome.late else "on time")
        sys.stdout.write(f"accepted: {details}{state}\n")
        for finding in outcome.findings:
            sys.stdout.write(f"  {finding.code} {finding.severity.value}: {finding.message_en}\n")
    else:
        sys.stdout.write(f"refused, nothing recorded ({len(outcome.problems)} problem(s)):\n")
        for problem in outcome.problems:
            sys.stdout.write(f"  {problem.path}  [{problem.rule}]  {problem.message}\n")
    return 0 if outcome.status == "accepted" else EXIT_REFUSED
