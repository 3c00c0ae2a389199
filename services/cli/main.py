"""The ``tally`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog

from services.common.eventloop import use_fastest_loop
from services.common.logging import configure_logging
from services.serve.settings import Settings, SettingsError

if TYPE_CHECKING:
    from collections.abc import Callable


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tally", description="Election-night result aggregation")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run Tally (an embedded nats-server unless NATS_URL is set)",
        description="Start the embedded nats-server with JetStream (unless NATS_URL is set), "
        "create or verify the streams, and run until Ctrl-C or SIGTERM.",
    )
    _data_dir_argument(serve)
    serve.add_argument(
        "--only",
        choices=("commands", "gateway", "projections"),
        help="run one part against an external NATS (NATS_URL), to scale parts separately",
    )
    serve.add_argument("--http-host", default="127.0.0.1", help="gateway address (127.0.0.1)")
    serve.add_argument("--demo", action="store_true",
                       help="on a fresh store: load examples/ and print one-time codes of a demo "
                       "admin, coordinator and operator")  # fmt: skip
    serve.add_argument(
        "--http-port", type=int, help="gateway port (8080, or a free one if that is taken)"
    )

    election = commands.add_parser("election", help="election definitions")
    election_commands = election.add_subparsers(
        dest="election_command", required=True, metavar="ELECTION_COMMAND"
    )
    load = election_commands.add_parser(
        "load",
        help="record an election definition file (all or nothing)",
        description="Check a JSON election definition file (schemas/jsonschema/"
        "election-definition.v1.json) against itself and against what is recorded; if anything "
        "is wrong, list every problem and record nothing, else record what the store does not "
        "hold yet. Loading the same file again changes nothing. Exit 1 when refused.",
    )
    load.add_argument("file", type=Path, help="the definition file (JSON)")
    load.add_argument("--check", action="store_true", help="check only; record nothing")
    load.add_argument("--json", action="store_true", help="print the report as JSON")
    _data_dir_argument(load)

    rules = commands.add_parser("rules", help="the protocol rule catalogue")
    rules_commands = rules.add_subparsers(
        dest="rules_command", required=True, metavar="RULES_COMMAND"
    )
    table = rules_commands.add_parser("table", help="write docs/rules.md from the rule catalogue")
    table.add_argument("--check", action="store_true", help="exit 1 if docs/rules.md is stale")

    _results_commands(commands)
    _print_commands(commands)

    protocol = commands.add_parser("protocol", help="precinct protocols")
    protocol_commands = protocol.add_subparsers(
        dest="protocol_command", required=True, metavar="PROTOCOL_COMMAND"
    )
    validate = protocol_commands.add_parser(
        "validate",
        help="judge a protocol without recording anything",
        description="Read a JSON validation request (key, content, context, optional profile; "
        "see schemas/validation.py), print the control code, the findings in Polish and English "
        "and whether the protocol is acceptable. Exit 0 acceptable, 1 otherwise.",
    )
    validate.add_argument("file", type=Path)
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    _protocol_commands(protocol_commands)

    turnout = commands.add_parser("turnout", help="turnout reports during voting")
    turnout_commands = turnout.add_subparsers(
        dest="turnout_command", required=True, metavar="TURNOUT_COMMAND"
    )
    report = turnout_commands.add_parser("report", help="report turnout from a JSON file")
    report.add_argument("file", type=Path, help='{"key": {...}, "report": {"hour", ...}}')
    correct = turnout_commands.add_parser("correct", help="correct a report, with a reason")
    correct.add_argument("file", type=Path, help='{"key", "report", "reason"}')
    correct.add_argument("--reason", help="the reason (instead of the file's)")
    for sub in (report, correct):
        _command_options(sub)

    views = commands.add_parser("projections", help="the views folded from the event log")
    views_commands = views.add_subparsers(
        dest="projections_command", required=True, metavar="PROJECTIONS_COMMAND"
    )
    rebuild = views_commands.add_parser(
        "rebuild", help="empty a view and fold the whole log into it again (projections stopped)"
    )
    rebuild.add_argument("name", choices=("tally", "progress", "turnout", "alerts", "audit", "all"))
    rebuild.add_argument("--quiet", action="store_true", help="no progress bar")
    _data_dir_argument(rebuild)

    _audit_commands(commands)

    _drill_commands(commands)

    schemas = commands.add_parser("schemas", help="the JSON Schemas of the wire types")
    schemas_commands = schemas.add_subparsers(
        dest="schemas_command", required=True, metavar="SCHEMAS_COMMAND"
    )
    export = schemas_commands.add_parser(
        "export", help="write schemas/jsonschema/*.json from the msgspec types"
    )
    export.add_argument(
        "--check", action="store_true", help="exit 1 if the committed files are out of date"
    )
    export.add_argument("--dir", type=Path, help="write there instead of schemas/jsonschema")

    _admin_and_tools(commands)
    return parser


def _results_commands(commands: Any) -> None:
    """results: who is elected."""
    results = commands.add_parser("results", help="who is elected: the rules and calculators")
    results_commands = results.add_subparsers(
        dest="results_command", required=True, metavar="RESULTS_COMMAND"
    )
    apportion = results_commands.add_parser(
        "apportion",
        help="seats by threshold and D'Hondt from a JSON file",
        description="Reads {threshold_percent, list_thresholds, seats, votes[, candidates]} and "
        "prints who passed, the seats per district and in total, the rule behind every seat "
        "and every tie only a lot can settle. Exit 0, 1 for a bad file (every problem named), "
        "2 when the file cannot be read.",
    )
    apportion.add_argument("file", type=Path, help="the votes and seats (JSON)")
    apportion.add_argument("--json", action="store_true", help="print one JSON document")
    about = {
        "show": "a contest's result: provisional (accepted or confirmed protocols) or as "
        "established",
        "establish": "establish the result (every expected protocol confirmed, or --reason)",
        "reopen": "reopen an established result (--reason required)",
        "draw-lot": "record the commission's draw where the rules left contenders equal",
    }
    for name, help_text in about.items():
        command = results_commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--election", required=True, help="the election's code")
        command.add_argument("--contest", required=True, help="e.g. mayor:021501, council:021501")
        command.add_argument("--round", type=int, default=1, help="1 (default) or 2")
        command.add_argument("--reason", default="", help="why (establish early, reopen, a note)")
        command.add_argument("--json", action="store_true", help="print one JSON document")
        _data_dir_argument(command)
    show = results_commands.choices["show"]
    show.add_argument("--flavour", choices=("accepted", "confirmed", "established"),
                      default="accepted", help="which protocols count (accepted)")  # fmt: skip
    draw = results_commands.choices["draw-lot"]
    draw.add_argument("--district", type=int, default=0, help="the district (0: none)")
    draw.add_argument("--among", nargs="+", required=True, help="as the result names them")
    draw.add_argument("--drawn", nargs="+", required=True, help="who the draw chose")
    draw.add_argument("--drawn-by", required=True, help="the commission member who drew")


def _print_commands(commands: Any) -> None:
    """print: the documents as PDFs (README, "Paper")."""
    printing = commands.add_parser("print", help="PDF documents: templates, drafts, slips")
    kinds = printing.add_subparsers(dest="print_command", required=True, metavar="DOCUMENT")
    template = kinds.add_parser(
        "template", help="protocol templates pre-filled from the definition",
        description="A precinct's protocol templates (every contest of the round, or --contest "
        "[--district]); without --precinct and --contest, every precinct and contest of the "
        "gmina in one file.")  # fmt: skip
    _gmina_arguments(template, contest_required=False)
    template.add_argument("--precinct", type=int, help="one precinct's number")
    template.add_argument("--district", type=int, help="the district (with --contest)")
    protocol = kinds.add_parser(
        "protocol", help="a protocol as entered: control code on every page, QR code",
        description="A protocol's version as entered (the current one unless --version), "
        "with its control code on every page and a QR code carrying its key and numbers; a "
        "version a later one corrected prints marked WADLIWY — PODLEGAŁ SPROSTOWANIU.")  # fmt: skip
    protocol.add_argument("key", help="<election>/<teryt>/<precinct>/<contest>/<district>/<round>")
    protocol.add_argument("--version", type=int, help="a version number (default: current)")
    results = kinds.add_parser(
        "results", help="the results protocol draft with the district summaries",
        description="A council's (district summaries, seats) or a mayor's (round 1 or the "
        "runoff) results protocol draft, as established or else provisional, with the log "
        "position it stands for.")  # fmt: skip
    _gmina_arguments(results, contest_required=True)
    slips = kinds.add_parser(
        "slips", help="activation slips for the operators not activated yet (fresh codes)",
        description="One page per operator of the gmina who has not activated their account: "
        "login, a fresh one-time code (each recorded as a reset; earlier codes stop working), "
        "where to go, until when.")  # fmt: skip
    slips.add_argument("--gmina", required=True, help="the gmina's TERYT (6 digits)")
    for kind in (template, protocol, results, slips):
        kind.add_argument("--out", type=Path, required=True, help="the PDF file to write")
        _data_dir_argument(kind)


def _gmina_arguments(parser: argparse.ArgumentParser, *, contest_required: bool) -> None:
    parser.add_argument("--election", required=True, help="the election's code")
    parser.add_argument("--gmina", required=True, help="the gmina's TERYT (6 digits)")
    parser.add_argument("--contest", required=contest_required,
                        help="as protocol keys spell it: mayor:302199, council:302199")  # fmt: skip
    parser.add_argument("--round", type=int, default=1, help="1 (default) or 2")


def _drill_commands(commands: Any) -> None:
    drill = commands.add_parser("drill", help="rehearsals on published data")
    drill_commands = drill.add_subparsers(dest="drill_command", required=True, metavar="DRILL")
    import_pkw = drill_commands.add_parser(
        "import-pkw", help="a drill directory from PKW's 'dane w arkuszach' archives"
    )
    import_pkw.add_argument("archives", type=Path, nargs="+", help="the zip (or csv) files")
    import_pkw.add_argument("--out", type=Path, required=True, help="the drill directory")
    import_pkw.add_argument(
        "--round", type=int, choices=(1, 2), default=None, dest="round_number",
        help="which round the archives are (default: inferred, and said in the report)",
    )  # fmt: skip
    import_pkw.add_argument(
        "--first-round", type=Path, default=None, metavar="DIR",
        help="round 1's drill directory: a runoff's definition then extends round 1's, so it "
        "loads over a recorded round 1",
    )  # fmt: skip
    generate = drill_commands.add_parser(
        "generate",
        help="a synthetic national local election as a drill directory",
        description="Write a drill directory for a synthetic local election: ~2,500 gminas and "
        "~31,500 precincts (Warsaw ~850 in 18 districts), council, mayor, rada powiatu and "
        "sejmik protocols, turnout reports at 12:00 and 17:00, mayor runoffs, explained "
        "warnings, errors fixed before acceptance, corrections, and planted discrepancies of "
        "every alert kind that tally drill run checks. The same seed writes the same files.",
    )
    generate.add_argument(
        "--national", action="store_true", required=True, help="the whole country's shape"
    )
    generate.add_argument("--seed", type=int, required=True, help="the random seed")
    generate.add_argument("--out", type=Path, required=True, help="the drill directory")
    generate.add_argument(
        "--gminas", type=int, help="only a national-shaped sample of about this many gminas"
    )
    run = drill_commands.add_parser(
        "run",
        help="play a drill directory through the HTTP API and check every tally",
        description="Start tally serve in a fresh drill-<time>/ directory under the working "
        "directory (embedded nats-server on free ports, or NATS_URL with a fresh NATS_STREAM; "
        "passwords hashed with the fast profile), create the accounts, play the night with "
        "concurrent precinct clients and coordinators, wait for the views, run the audit "
        "verification and compare every gmina tally with the input protocols and the official "
        "totals; establish every local result (round 1 of a mayor before its runoff, the rest "
        "at the end). Exit 1 on any difference or result not established.",
    )
    run.add_argument("directory", type=Path, help="a drill directory (tally drill import-pkw)")
    pace = run.add_mutually_exclusive_group()
    pace.add_argument("--max", action="store_true", help="as fast as possible (the default)")
    pace.add_argument(
        "--speed", type=float, help="play the modelled night N times faster than real time"
    )
    run.add_argument("--report", type=Path, help="write the report as JSON to this file")
    run.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    run.add_argument(
        "--blind-share",
        type=float,
        default=0.05,
        help="share of protocols confirmed by blind entry rather than control code (0.05)",
    )
    run.add_argument("--lot-seed", type=int, default=1,
                     help="the seed of the lots the rules leave to a draw (1)")  # fmt: skip
    run.add_argument("--quiet", action="store_true", help="no progress bars")


def _admin_and_tools(commands: Any) -> None:
    """admin, bench and totp."""
    admin = commands.add_parser("admin", help="administration")
    admin_commands = admin.add_subparsers(
        dest="admin_command", required=True, metavar="ADMIN_COMMAND"
    )
    admin_streams = admin_commands.add_parser(
        "streams", help="compare the server's streams with the declared ones; --apply changes them"
    )
    admin_streams.add_argument(
        "--apply", action="store_true", help="change the streams to the declared configuration"
    )
    _data_dir_argument(admin_streams)
    sole = admin_commands.add_parser(
        "sole-coordinator",
        help="record that a gmina's coordinator works alone (may vouch for their own proxy entry)",
    )
    sole.add_argument("--election", required=True, help="the election's code")
    sole.add_argument("--gmina", required=True, help="the gmina's TERYT")
    sole.add_argument("--revoke", action="store_true", help="end the exception")
    sole.add_argument("--reason", required=True, help="why (recorded with the event)")
    _data_dir_argument(sole)
    admin_commands.add_parser(
        "nats-accounts",
        help="print the NATS users and permissions (deploy/nats/accounts.conf) for NATS_STREAM",
    )
    bootstrap = admin_commands.add_parser(
        "bootstrap", help="create the first admin account and print its activation code"
    )
    bootstrap.add_argument("--login", default="admin", help="the admin's login (admin)")
    bootstrap.add_argument("--name", default="Administrator", help="the admin's display name")
    _data_dir_argument(bootstrap)

    totp = commands.add_parser(
        "totp", help="print the current TOTP code of a secret (for drills; use an app in real life)"
    )
    totp.add_argument("secret", help="the base32 secret from activation")

    _bench_commands(commands)


def _bench_commands(commands: Any) -> None:
    """bench: the benchmarks (README, "Benchmark")."""
    bench = commands.add_parser(
        "bench",
        help="benchmarks that print figures",
        description="Without a benchmark name: every baseline and path in one run against one "
        "fresh server with fsync on every write (store append, command over NATS, HTTP submit, "
        "view rebuild), with ratios to raw nats-py; the command service and the gateway run as "
        "`tally serve --only` processes.",
    )
    bench.add_argument("--json", action="store_true", help="print one JSON document")
    bench.add_argument(
        "--submissions", type=int, default=3000, help="submissions per write path (3000)"
    )
    bench.add_argument("--concurrency", type=int, default=16, help="concurrent clients (16)")
    bench.add_argument("--command-processes", type=int, default=1, metavar="N",
                       help="command-service processes sharing the load (1)")  # fmt: skip
    bench_commands = bench.add_subparsers(dest="bench_command", metavar="BENCHMARK")
    bench_store = bench_commands.add_parser(
        "store", help="event store appends and replays against raw nats-py baselines"
    )
    bench_store.add_argument("--json", action="store_true", help="print one JSON document")
    bench_store.add_argument(
        "--events", type=int, default=4000, help="events per append run (default 4000)"
    )
    bench_store.add_argument(
        "--replay-events", type=int, default=40000, help="events replayed (default 40000)"
    )
    bench_store.add_argument(
        "--writers", type=int, default=8, help="concurrent writers (default 8)"
    )
    bench_pages = bench_commands.add_parser(
        "pages", help="the protocol page of a 10-list council: render and validate round trip"
    )
    bench_pages.add_argument("--json", action="store_true", help="print one JSON document")
    bench_pages.add_argument("--requests", type=int, default=200, help="requests per path (200)")
    bench_board = bench_commands.add_parser(
        "board",
        help="the coordinator's board of an 850-precinct gmina: render, live lag, fan-out cost",
    )
    bench_board.add_argument("--json", action="store_true", help="print one JSON document")
    bench_board.add_argument("--precincts", type=int, default=850, help="precincts (850)")
    bench_board.add_argument("--boards", type=int, default=200, help="boards open (200)")
    bench_board.add_argument(
        "--protocols", type=int, default=200, help="protocols submitted in each phase (200)"
    )
    bench_board.add_argument("--requests", type=int, default=50, help="board renders timed (50)")
    bench_public = bench_commands.add_parser(
        "public", help="the public results screen under 1,000 concurrent readers"
    )
    bench_public.add_argument("--json", action="store_true", help="print one JSON document")
    bench_public.add_argument("--precincts", type=int, default=850, help="precincts (850)")
    bench_public.add_argument("--readers", type=int, default=1000, help="readers (1000)")
    bench_public.add_argument("--seconds", type=float, default=10.0, help="seconds a phase (10)")
    bench_public.add_argument(
        "--changes", type=int, default=20, help="protocols arriving in the last phase (20)"
    )
    bench_paper = bench_commands.add_parser(
        "paper", help="a Warsaw-sized city's protocol templates (two contests) in one file"
    )
    bench_paper.add_argument("--json", action="store_true", help="print one JSON document")
    bench_paper.add_argument("--precincts", type=int, default=850, help="precincts (850)")
    bench_faults = bench_commands.add_parser(
        "faults", help="a 3-node cluster with scaled services under faults: lost, duplicated, gaps"
    )
    bench_faults.add_argument("--json", action="store_true", help="print one JSON document")
    bench_faults.add_argument("--rate", type=float, default=50.0, help="submissions/s (50)")
    bench_faults.add_argument("--down", type=float, default=5.0,
                              help="seconds a killed node or service stays down (5)")  # fmt: skip
    bench_faults.add_argument("--fault", action="append", dest="faults",
                              help="only this fault (repeatable), as in the table")  # fmt: skip
    bench_views = bench_commands.add_parser(
        "views", help="view rebuilds against a raw ordered replay of the same events"
    )
    bench_views.add_argument("--json", action="store_true", help="print one JSON document")
    bench_views.add_argument(
        "--protocols", type=int, default=3000, help="synthetic protocols, 3 events each (3000)"
    )


def _audit_commands(commands: Any) -> None:
    """tally audit export|replay|verify."""
    audit = commands.add_parser("audit", help="auditing from the log alone")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="AUDIT")
    export = audit_commands.add_parser("export", help="write the whole log as JSON lines")
    export.add_argument("file", type=Path)
    export.add_argument("--public", action="store_true",
                        help="the public export: no personal data, leaf hashes, checkpoints, "
                        "keys; ends with a fresh checkpoint (tools/verify_export.py checks "
                        "it)")  # fmt: skip
    replay = audit_commands.add_parser(
        "replay", help="rebuild the views in memory and print the tallies as of a point"
    )
    replay.add_argument("--until", help="a sequence number or an ISO-8601 time (server time)")
    verify = audit_commands.add_parser(
        "verify",
        help="check the hash chains, the log's contiguity and the live views against a rebuild",
    )
    verify.add_argument("--views", type=Path, help="the live view store (default: data dir)")
    key = audit_commands.add_parser("key", help="the public keys that verify the checkpoints")
    prove = audit_commands.add_parser(
        "prove", help="an inclusion proof of one event against the latest signed checkpoint"
    )
    prove.add_argument("seq", type=int, help="the event's sequence")
    check_proof = audit_commands.add_parser("check-proof", help="check an inclusion proof")
    check_proof.add_argument("file", type=Path, help="a proof (tally audit prove SEQ --json)")
    for sub in (replay, verify, prove):
        sub.add_argument("--export", type=Path, help="an export file instead of the live log")
    for sub in (replay, verify, prove, key):
        sub.add_argument("--json", action="store_true", help="print JSON")
    for sub in (export, replay, verify, key, prove, check_proof):
        _data_dir_argument(sub)


def _protocol_commands(commands: Any) -> None:
    """The local operator's protocol commands; KEY is <election>/<teryt>/<precinct>/<contest>/
    <district>/<round>."""
    submit = commands.add_parser("submit", help="submit a protocol from a JSON file")
    submit.add_argument("file", type=Path, help='{"key": {...}, "content": {...}}')
    correct = commands.add_parser("correct", help="a new version from a JSON file, with a reason")
    correct.add_argument("file", type=Path, help='{"key", "content", "reason"}')
    correct.add_argument("--reason", help="the reason (instead of the file's)")
    confirm = commands.add_parser(
        "confirm", help="confirm the paper copy: its control code, or a blind entry"
    )
    confirm.add_argument("key")
    how = confirm.add_mutually_exclusive_group(required=True)
    how.add_argument("--code", help="the control code printed on the signed paper copy")
    how.add_argument("--blind", type=Path, help="the paper's numbers typed blind (content JSON)")
    approve = commands.add_parser("approve", help="approve the hard warnings (coordinator)")
    approve.add_argument("key")
    approve.add_argument("--code", required=True, help="the control code of the version")
    withdraw = commands.add_parser("withdraw", help="withdraw a confirmation, with a reason")
    reject = commands.add_parser("reject", help="reject the protocol, with a reason")
    for sub in (withdraw, reject):
        sub.add_argument("key")
        sub.add_argument("--reason", required=True)
    show = commands.add_parser("show", help="a protocol's state and every version")
    show.add_argument("key")
    _data_dir_argument(show)
    for sub in (submit, correct, confirm, approve, withdraw, reject):
        _command_options(sub)


def _command_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--channel",
        choices=("cli", "online", "offline-file", "proxy"),
        default="cli",
        help="how the data came: cli (default), offline-file (brought from an offline "
        "precinct), proxy (a coordinator entering on behalf of the commission), online",
    )
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    _data_dir_argument(parser)


def _data_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path("var"),
        help="where the embedded nats-server keeps its store (default ./var); unused with NATS_URL",
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.settings = Settings.from_env()
    except SettingsError as error:
        sys.stderr.write(f"tally: {error}\n")
        return 2
    configure_logging(level=args.settings.log_level, fmt=args.settings.log_format)
    log = structlog.get_logger("cli")
    log.debug("cli.event_loop", loop=use_fastest_loop())
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        # Operators get one line that says what went wrong; the traceback only at debug level.
        log.error(  # noqa: TRY400 - the traceback is logged at debug level below
            "cli.failed", command=args.command, error=str(error) or repr(error)
        )
        log.debug("cli.traceback", exc_info=True)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    return _HANDLERS[args.command](args)


def _serve(args: argparse.Namespace) -> int:
    import dataclasses

    from services.serve.process import run

    settings = dataclasses.replace(args.settings, demo=args.demo)
    run(args.data_dir, settings, only=args.only, http_host=args.http_host,
        http_port=args.http_port)  # fmt: skip
    return 0


def _election(args: argparse.Namespace) -> int:
    from services.cli.election import load_command

    return load_command(args.file, data_dir=args.data_dir, check=args.check, as_json=args.json)


def _rules(args: argparse.Namespace) -> int:
    from services.cli.rules import table_command

    return table_command(check_only=args.check)


def _results(args: argparse.Namespace) -> int:
    from services.cli.results import apportion_command, result_main

    if args.results_command == "apportion":
        return apportion_command(args.file, as_json=args.json)
    return result_main(args)


def _print(args: argparse.Namespace) -> int:
    from services.cli.printing import print_main

    return print_main(args)


def _protocol(args: argparse.Namespace) -> int:
    if args.protocol_command == "validate":
        from services.cli.rules import validate_command

        return validate_command(args.file, as_json=args.json)
    from services.cli.protocol import command_main, show_main

    return show_main(args) if args.protocol_command == "show" else command_main(args)


def _turnout(args: argparse.Namespace) -> int:
    from services.cli.protocol import command_main

    return command_main(args)


def _projections(args: argparse.Namespace) -> int:
    from services.projector.rebuild import rebuild_command

    return rebuild_command(args.name, data_dir=args.data_dir, quiet=args.quiet)


def _audit(args: argparse.Namespace) -> int:
    from services.audit import commands

    if args.audit_command == "export":
        return commands.export_command(args.file, data_dir=args.data_dir, public=args.public,
                                       signing=args.settings.signing(args.data_dir))  # fmt: skip
    if args.audit_command == "replay":
        return commands.replay_command(
            until=args.until, export=args.export, data_dir=args.data_dir, as_json=args.json
        )
    signing = args.settings.signing(args.data_dir)
    if args.audit_command == "key":
        return commands.key_command(signing=signing, as_json=args.json)
    if args.audit_command == "prove":
        return commands.prove_command(args.seq, export=args.export, data_dir=args.data_dir,
                                      signing=signing, as_json=args.json)  # fmt: skip
    if args.audit_command == "check-proof":
        return commands.check_proof_command(args.file, signing=signing)
    return commands.verify_command(export=args.export, data_dir=args.data_dir, views=args.views,
                                   as_json=args.json, signing=signing)  # fmt: skip


def _drill(args: argparse.Namespace) -> int:
    import json

    from services.tools.drill.pkw_import import PkwImportError, import_pkw

    if args.drill_command == "run":
        from services.tools.drill.run import run_command

        return run_command(
            args.directory,
            speed=None if args.max else args.speed,
            report_file=args.report,
            clients=args.clients,
            blind_share=args.blind_share,
            lot_seed=args.lot_seed,
            quiet=args.quiet,
        )

    if args.drill_command == "generate":
        from services.tools.drill.national.generate import generate, summary_of, write

        generated = generate(args.seed, args.gminas)
        write(generated, args.out)
        sys.stdout.write(json.dumps(summary_of(generated)) + "\n")
        return 0

    try:
        report = import_pkw(
            args.archives, args.out, round_number=args.round_number, first_round=args.first_round
        )
    except PkwImportError as error:
        sys.stdout.write(json.dumps({"error": str(error)}, ensure_ascii=False) + "\n")
        return 1
    listed = ("skipped_no_result", "skipped_unreadable", "unreadable")
    summary = {k: len(v) if k in listed else v for k, v in report.items()}
    sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return 0


def _schemas(args: argparse.Namespace) -> int:
    from services.cli.schemas import export_command

    return export_command(check=args.check, directory=args.dir)


def _admin(args: argparse.Namespace) -> int:
    if args.admin_command == "bootstrap":
        from services.cli.admin import bootstrap_command

        return bootstrap_command(login=args.login, name=args.name, data_dir=args.data_dir)
    if args.admin_command == "sole-coordinator":
        from services.cli.admin import sole_coordinator_command

        return sole_coordinator_command(election=args.election, gmina=args.gmina,
                                        allowed=not args.revoke, reason=args.reason,
                                        data_dir=args.data_dir)  # fmt: skip
    if args.admin_command == "nats-accounts":
        from services.cli.admin import nats_accounts_command

        return nats_accounts_command()
    from services.cli.admin import streams_command

    return streams_command(apply=args.apply, data_dir=args.data_dir)


def _totp(args: argparse.Namespace) -> int:
    import time

    from domain import totp

    sys.stdout.write(totp.code_at(args.secret, totp.step_of(time.time())) + "\n")
    return 0


def _bench(args: argparse.Namespace) -> int:
    return _BENCHES[args.bench_command](args)


def _bench_suite(args: argparse.Namespace) -> int:
    from services.tools.bench.suite import run_benchmark

    return run_benchmark(as_json=args.json, submissions=args.submissions,
                         concurrency=args.concurrency,
                         command_processes=args.command_processes)  # fmt: skip


def _bench_pages(args: argparse.Namespace) -> int:
    from services.tools.bench.pages import run_pages_benchmark

    return run_pages_benchmark(as_json=args.json, requests=args.requests)


def _bench_board(args: argparse.Namespace) -> int:
    from services.tools.bench.board import run_board_benchmark

    return run_board_benchmark(as_json=args.json, precincts=args.precincts,
                               boards=args.boards, protocols=args.protocols,
                               requests=args.requests)  # fmt: skip


def _bench_public(args: argparse.Namespace) -> int:
    from services.tools.bench.public import run_public_benchmark

    return run_public_benchmark(as_json=args.json, precincts=args.precincts,
                                readers=args.readers, seconds=args.seconds,
                                changes=args.changes)  # fmt: skip


def _bench_paper(args: argparse.Namespace) -> int:
    from services.tools.bench.paper import run_paper_benchmark

    return run_paper_benchmark(as_json=args.json, precincts=args.precincts)


def _bench_faults(args: argparse.Namespace) -> int:
    from services.tools.bench.faults import run_faults_benchmark

    return run_faults_benchmark(as_json=args.json, rate=args.rate, down_s=args.down,
                                faults=tuple(args.faults) if args.faults else None)  # fmt: skip


def _bench_views(args: argparse.Namespace) -> int:
    from services.tools.bench.views import run_views_benchmark

    return run_views_benchmark(as_json=args.json, protocols=args.protocols)


def _bench_store(args: argparse.Namespace) -> int:
    from services.tools.bench.store import run_store_benchmark

    return run_store_benchmark(as_json=args.json, events=args.events,
                               replay_events=args.replay_events, writers=args.writers)  # fmt: skip


_BENCHES: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: _bench_suite, "pages": _bench_pages, "board": _bench_board, "public": _bench_public,
    "paper": _bench_paper, "faults": _bench_faults, "views": _bench_views, "store": _bench_store,
}  # fmt: skip


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "serve": _serve,
    "election": _election,
    "print": _print,
    "rules": _rules,
    "results": _results,
    "protocol": _protocol,
    "turnout": _turnout,
    "projections": _projections,
    "audit": _audit,
    "drill": _drill,
    "schemas": _schemas,
    "admin": _admin,
    "bench": _bench,
    "totp": _totp,
}
