"""Every request the services answer, in one table: its NATS subject, its HTTP route, its request
and reply types, the permission it needs (and so whether it needs a fresh TOTP proof), and the
handler that runs it.

Generated from this table: the gateway's routes and their OpenAPI operations
(``services.gateway.routes``), the command and accounts services' subscriptions and their
AsyncAPI document, the permission each service checks, and the dispatch to the applications
(``handler`` names a method of the service's application: ``Protocols`` for ``COMMANDS``,
``AuthService`` for ``ACCOUNTS``; a test resolves every one). A new command is one row here and
its handler.

Entry on a commission's behalf (``channel="proxy"``) reaches the same subjects as the operator's
own entry; the channel picks the row, and so the permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from schemas import commands as cmd
from schemas import subjects
from schemas.accounts import (
    STEP_UP,
    AccessDenied,
    AccountAction,
    Activate,
    AuthAnswer,
    ChooseLanguage,
    CreateAccount,
    ListAccounts,
    LogIn,
    Permission,
    StepUp,
)
from schemas.ballots import Ballot, PrecinctQuery, PrecinctView
from schemas.paper import (
    PaperPrecincts,
    PrecinctsQuery,
    ProtocolPaperQuery,
    ProtocolsPaper,
    ResultsPaper,
    TemplatesQuery,
)
from schemas.results import (
    ContestResult,
    DrawLot,
    EstablishResult,
    PublicResult,
    ReopenResult,
    ResultQuery,
)
from schemas.validation import ProtocolKey, ValidationReport

ONLINE: Final = "online"
PROXY: Final = "proxy"
RESULTS: Final = "results"
PAPER: Final = "paper"


class Service(StrEnum):
    COMMANDS = "commands"
    """Protocols, turnout and alerts: answered by the command service (``Outcome`` replies)."""
    ACCOUNTS = "accounts"
    """Activation, login, step-up, account management: the accounts service (``AuthAnswer``)."""


class Kind(StrEnum):
    COMMAND = "command"
    """Changes the record; safe to retry under an ``Idempotency-Key``."""
    QUERY = "query"
    """Reads only."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    """The operation's id (and the gateway's route name)."""
    subject: str
    request: type[Any]
    reply: type[Any]
    permission: Permission | None
    """None: public (activation and login need no session)."""
    summary: str
    handler: str
    """The method of the service's application that runs it."""
    service: Service = Service.COMMANDS
    kind: Kind = Kind.COMMAND
    path: str | None = None
    """The HTTP route; None: NATS only. Path parameters (``{name:type}``) are the request's
    fields, and such a route is a GET."""
    channel: str = ONLINE
    desk: str = "protocols"
    """Which application of the command service answers: ``protocols`` (the protocol desk and
    its decisions), ``results`` (the results desk) or ``paper`` (the documents' data)."""

    @property
    def step_up(self) -> bool:
        return self.permission in STEP_UP

    @property
    def method(self) -> str:
        return "GET" if self.path is not None and "{" in self.path else "POST"


def _command(  # noqa: PLR0913 - one argument per column of the table
    name: str,
    subject: str,
    request: type[Any],
    permission: Permission,
    path: str,
    summary: str,
    *,
    handler: str = "",
    channel: str = ONLINE,
    desk: str = "protocols",
) -> Endpoint:
    return Endpoint(name, subject, request, cmd.Outcome, permission, summary, handler or name,
                    path=path, channel=channel, desk=desk)  # fmt: skip


def _accounts(name: str, subject: str, request: type[Any], permission: Permission | None,
              path: str | None, summary: str) -> Endpoint:  # fmt: skip
    return Endpoint(name, subject, request, AuthAnswer, permission, summary, name,
                    service=Service.ACCOUNTS, path=path)  # fmt: skip


PROTOCOL_PATH: Final = (
    "/v1/protocols/{election:str}/{teryt:str}/{precinct:int}/{contest:str}/{district:int}/"
    "{round:int}"
)

COMMANDS: Final = (
    _command("submit", subjects.SUBMIT, cmd.SubmitProtocol, Permission.SUBMIT, "/v1/protocols",
             "Submit a protocol (version 1)"),
    _command("correct", subjects.CORRECT, cmd.CorrectProtocol, Permission.CORRECT,
             "/v1/protocols/corrections", "Correct a protocol: a new version"),
    _command("proxy_submit", subjects.SUBMIT, cmd.SubmitProtocol, Permission.PROXY,
             "/v1/proxy/protocols", "Proxy entry: a coordinator submits for the OKW",
             handler="submit", channel=PROXY),
    _command("proxy_correct", subjects.CORRECT, cmd.CorrectProtocol, Permission.PROXY,
             "/v1/proxy/protocols/corrections", "Proxy entry of a correction", handler="correct",
             channel=PROXY),
    _command("confirm", subjects.CONFIRM, cmd.ConfirmProtocol, Permission.CONFIRM,
             "/v1/protocols/confirmations",
             "Confirm the paper copy: its control code, or a blind entry of its numbers"),
    _command("approve", subjects.APPROVE, cmd.ApproveHardWarnings, Permission.APPROVE,
             "/v1/protocols/approvals", "Approve a version's hard warnings"),
    _command("withdraw", subjects.WITHDRAW, cmd.WithdrawConfirmation, Permission.WITHDRAW,
             "/v1/protocols/confirmation-withdrawals", "Withdraw a confirmation"),
    _command("reject", subjects.REJECT, cmd.RejectProtocol, Permission.REJECT,
             "/v1/protocols/rejections", "Reject a protocol, with a reason"),
    _command("report_turnout", subjects.TURNOUT_REPORT, cmd.ReportTurnout, Permission.TURNOUT,
             "/v1/turnout-reports", "Report turnout at one of the round's hours"),
    _command("correct_turnout", subjects.TURNOUT_CORRECT, cmd.CorrectTurnout,
             Permission.TURNOUT, "/v1/turnout-reports/corrections", "Correct a turnout report"),
    _command("acknowledge_alert", subjects.ACKNOWLEDGE_ALERT, cmd.AcknowledgeAlert,
             Permission.ACKNOWLEDGE, "/v1/alerts/acknowledgements",
             "Acknowledge an alert of your gmina with a note (recorded as an event)"),
    _command("establish_result", subjects.ESTABLISH_RESULT, EstablishResult,
             Permission.ESTABLISH, "/v1/results/establishments",
             "Establish a contest's result (every expected protocol confirmed, or a reason); "
             "a round-1 mayor without a majority opens the runoff", desk=RESULTS),
    _command("reopen_result", subjects.REOPEN_RESULT, ReopenResult, Permission.ESTABLISH,
             "/v1/results/reopenings", "Reopen an established result, with a reason",
             desk=RESULTS),
    _command("draw_lot", subjects.DRAW_LOT, DrawLot, Permission.ESTABLISH, "/v1/results/lots",
             "Record the commission's draw where the rules left contenders equal", desk=RESULTS),
    Endpoint("result", subjects.GET_RESULT, ResultQuery, ContestResult, Permission.READ,
             "A contest's result: provisional (accepted or confirmed protocols) or established",
             "result", kind=Kind.QUERY, desk=RESULTS),
    Endpoint("public_result", subjects.GET_PUBLIC_RESULT, ResultQuery, PublicResult, None,
             "A contest's result for the public screen (no login): nothing before the polls "
             "close, then provisional or established", "public_result", kind=Kind.QUERY,
             desk=RESULTS),
    Endpoint("validate", subjects.VALIDATE, cmd.SubmitProtocol, ValidationReport,
             Permission.VALIDATE,
             "Judge a protocol in its recorded setting without writing anything", "validate",
             kind=Kind.QUERY, path="/v1/protocols/validations"),
    Endpoint("ballot", subjects.GET_BALLOT, ProtocolKey, Ballot, Permission.READ,
             "A protocol's ballot as the paper lays it out, with its current state (the web "
             "form's layout)", "ballot", kind=Kind.QUERY),
    Endpoint("precinct", subjects.GET_PRECINCT, PrecinctQuery, PrecinctView, Permission.READ,
             "A precinct's protocols of a round with their states, and its turnout reports",
             "precinct", kind=Kind.QUERY),
    Endpoint("protocol", subjects.GET_PROTOCOL, ProtocolKey, cmd.ProtocolView, Permission.READ,
             "A protocol's current state and every version", "view", kind=Kind.QUERY,
             path=PROTOCOL_PATH),
    Endpoint("paper_precincts", subjects.PAPER_PRECINCTS, PrecinctsQuery, PaperPrecincts,
             Permission.READ, "A gmina's precinct numbers (its templates are printed one "
             "precinct at a time)", "paper_precincts", kind=Kind.QUERY, desk=PAPER),
    Endpoint("paper_templates", subjects.PAPER_TEMPLATES, TemplatesQuery, ProtocolsPaper,
             Permission.READ, "A precinct's protocol templates of a round, pre-filled from the "
             "definition (the data of the PDF)", "paper_templates", kind=Kind.QUERY, desk=PAPER),
    Endpoint("paper_protocol", subjects.PAPER_PROTOCOL, ProtocolPaperQuery, ProtocolsPaper,
             Permission.READ, "A protocol's version as entered, with its control code and the "
             "QR code's payload (the data of the PDF)", "paper_protocol", kind=Kind.QUERY,
             desk=PAPER),
    Endpoint("paper_results", subjects.PAPER_RESULTS, ResultQuery, ResultsPaper,
             Permission.READ, "A contest's results protocol draft with its district summaries "
             "(the data of the PDF)", "paper_results", kind=Kind.QUERY, desk=PAPER),
)  # fmt: skip
"""Answered by the command service."""

ACCOUNTS: Final = (
    _accounts("activate", subjects.ACTIVATE, Activate, None, "/v1/auth/activate",
              "Activate an account with its one-time code: set a password, get the TOTP secret"),
    _accounts("login", subjects.LOGIN, LogIn, None, "/v1/auth/login",
              "Log in with password and TOTP code: a session token"),
    _accounts("step_up", subjects.STEP_UP, StepUp, Permission.SESSION, "/v1/auth/step-up",
              "Prove a fresh TOTP code (needed every 5 minutes for corrections, confirmations, "
              "approvals, rejections, withdrawals and proxy entry)"),
    _accounts("logout", subjects.LOGOUT, AccountAction, Permission.SESSION, "/v1/auth/logout",
              "End this session"),
    _accounts("logout_everywhere", subjects.LOGOUT_EVERYWHERE, AccountAction,
              Permission.SESSION, "/v1/auth/logout-everywhere",
              "End every session of this account (other browsers, a lost tablet)"),
    _accounts("choose_language", subjects.CHOOSE_LANGUAGE, ChooseLanguage, Permission.SESSION,
              "/v1/auth/language", "Keep the language (pl, en) the pages follow with the account"),
    _accounts("create_account", subjects.CREATE_ACCOUNT, CreateAccount,
              Permission.MANAGE_ACCOUNTS, "/v1/accounts",
              "Create an account: its one-time activation slip"),
    _accounts("reset_account", subjects.RESET_ACCOUNT, AccountAction,
              Permission.MANAGE_ACCOUNTS, "/v1/accounts/reset",
              "Reset an account: a new activation slip; its sessions end"),
    _accounts("unlock_account", subjects.UNLOCK_ACCOUNT, AccountAction,
              Permission.MANAGE_ACCOUNTS, "/v1/accounts/unlock",
              "Lift a lockout after failed logins"),
    Endpoint("list_accounts", subjects.LIST_ACCOUNTS, ListAccounts, AuthAnswer,
             Permission.MANAGE_ACCOUNTS,
             "The registry of a gmina's accounts: precincts, activated or not, locked, last login "
             "(GET /v1/accounts?gmina=)", "list_accounts", service=Service.ACCOUNTS,
             kind=Kind.QUERY),
    _accounts("access_denied", subjects.ACCESS_DENIED, AccessDenied, None, None,
              "A gateway reports a request its guard refused (kept as a security record)"),
)  # fmt: skip
"""Answered by the accounts service (in the command service's process)."""

ENDPOINTS: Final = (*COMMANDS, *ACCOUNTS)


def _unique(names: list[str], what: str) -> None:
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"{what} used twice in the catalogue: {repeated}")


_unique([e.name for e in ENDPOINTS], "names")
_unique([e.path for e in ENDPOINTS if e.path is not None], "paths")
_unique([f"{e.subject} {e.channel}" for e in ENDPOINTS], "subject and channel pairs")


def subjects_of(service: Service) -> dict[str, Endpoint]:
    """Each subject a service subscribes to, with its online row."""
    return {e.subject: e for e in ENDPOINTS if e.service is service and e.channel == ONLINE}


def endpoint_for(subject: str, channel: str) -> Endpoint:
    """The row a request on ``subject`` in ``channel`` runs under (the online row when the
    subject has none for that channel). KeyError: not a subject of ours."""
    rows = [e for e in ENDPOINTS if e.subject == subject]
    if not rows:
        raise KeyError(subject)
    online = next(e for e in rows if e.channel == ONLINE)
    return next((e for e in rows if e.channel == channel), online)


def handler_of(request_type: type[Any]) -> str:
    """The handler of a command type (its online row): the decision a command runs
    (``services.apps.protocol_decisions``)."""
    for endpoint in COMMANDS:
        if (
            endpoint.kind is Kind.COMMAND
            and endpoint.channel == ONLINE
            and (endpoint.request is request_type)
        ):
            return endpoint.handler
    raise KeyError(request_type.__name__)
