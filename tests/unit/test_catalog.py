"""The command table is the one list of what the services answer: every row has a handler on its
application, the gateway's routes and the AsyncAPI channels are its rows, and the channel picks
the permission a request is checked against."""

from __future__ import annotations

import inspect
import json

import pytest

from schemas import subjects
from schemas.accounts import Permission
from schemas.catalog import (
    ACCOUNTS,
    COMMANDS,
    ENDPOINTS,
    PAPER,
    PROXY,
    RESULTS,
    Kind,
    Service,
    endpoint_for,
    handler_of,
)
from services.apps.paper_desk import PaperDesk
from services.apps.protocol_decisions import Decisions
from services.apps.protocol_desk import ProtocolDesk
from services.apps.results_desk import ResultsDesk
from services.commands.accounts.service import AuthService
from services.commands.service import asyncapi_json
from services.gateway.routes import ROUTES

PROTOCOL_ROWS = tuple(row for row in COMMANDS if row.desk not in (RESULTS, PAPER))
RESULT_ROWS = tuple(row for row in COMMANDS if row.desk == RESULTS)
PAPER_ROWS = tuple(row for row in COMMANDS if row.desk == PAPER)


@pytest.mark.parametrize(
    ("rows", "commands", "queries"),
    [(PROTOCOL_ROWS, Decisions, ProtocolDesk), (RESULT_ROWS, ResultsDesk, ResultsDesk),
     (PAPER_ROWS, PaperDesk, PaperDesk), (ACCOUNTS, AuthService, AuthService)],
)  # fmt: skip
def test_every_row_names_a_method_of_its_application(rows, commands, queries) -> None:
    """Commands name their decision, queries what answers them."""
    for row in rows:
        application = queries if row.kind is Kind.QUERY else commands
        handler = getattr(application, row.handler, None)
        assert callable(handler), f"{row.name}: {application.__name__}.{row.handler} is missing"
        parameters = list(inspect.signature(handler).parameters)
        # self, request (, context or caller): the accounts service always hears the caller.
        arity = 2 if row.kind is Kind.QUERY and row.service is not Service.ACCOUNTS else 3
        assert arity == len(parameters), f"{row.name}: {parameters}"


def test_the_gateway_routes_are_the_rows_with_a_path() -> None:
    # The registry's GET takes a query parameter, not path parameters: its route is written
    # out beside the generated ones (``services.gateway.routes.list_accounts``).
    routed = {(r.name, next(iter(r.paths)), next(iter(r.http_methods))) for r in ROUTES
              if r.name not in (None, "list_accounts")}  # fmt: skip
    rows = {(e.name, e.path.replace(":str", "").replace(":int", ""), e.method)
            for e in ENDPOINTS if e.path}  # fmt: skip
    stripped = {(name, path.replace(":str", "").replace(":int", ""), method)
                for name, path, method in routed}  # fmt: skip
    assert rows == stripped
    # Over NATS only: access_denied (for gateways), the queries the views and pages make
    # (result, ballot, precinct), and the documents' data (the gateway serves the PDFs).
    assert len(rows) == len([e for e in ENDPOINTS if e.path is not None])
    assert {"access_denied", "result", "ballot", "precinct", "list_accounts",
            "public_result", "paper_precincts", "paper_templates", "paper_protocol",
            "paper_results"} == {
        e.name for e in ENDPOINTS if e.path is None}  # fmt: skip


def test_the_asyncapi_document_has_a_channel_per_subject() -> None:
    channels = json.loads(asyncapi_json())["channels"].values()
    subscribed = {channel["bindings"]["nats"]["subject"] for channel in channels}
    assert {e.subject for e in ENDPOINTS} == subscribed


def test_each_command_type_runs_its_online_handler() -> None:
    assert "submit" == handler_of(COMMANDS[0].request)
    assert {row.handler for row in COMMANDS if row.kind is Kind.COMMAND} == {
        handler_of(row.request) for row in COMMANDS if row.kind is Kind.COMMAND
    }


def test_the_channel_picks_the_row_and_so_the_permission() -> None:
    assert Permission.SUBMIT is endpoint_for(subjects.SUBMIT, "online").permission
    assert Permission.PROXY is endpoint_for(subjects.SUBMIT, PROXY).permission
    assert Permission.CONFIRM is endpoint_for(subjects.CONFIRM, PROXY).permission
    with pytest.raises(KeyError):
        endpoint_for("tally.v1.nothing", "online")


def test_vouching_commands_need_a_fresh_totp_proof() -> None:
    vouching = {row.name for row in ENDPOINTS if row.step_up}
    assert {"correct", "proxy_submit", "proxy_correct", "confirm", "approve", "withdraw",
            "reject", "establish_result", "reopen_result", "draw_lot"} == vouching  # fmt: skip
