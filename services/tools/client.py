"""A Python client of the HTTP API (httpx), for scripts, drills and tests.

Every command carries an ``Idempotency-Key`` (a new one per call unless given), so the client
retries safely: on 429 and 503 it waits ``Retry-After`` and sends the same request again.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any, Final, Self

import httpx
import msgspec

from schemas.accounts import AccountAction, Activate, AuthAnswer, CreateAccount, LogIn, StepUp
from schemas.commands import (
    ApproveHardWarnings,
    ConfirmProtocol,
    CorrectProtocol,
    CorrectTurnout,
    Outcome,
    ProtocolView,
    RejectProtocol,
    ReportTurnout,
    SubmitProtocol,
    WithdrawConfirmation,
)
from schemas.results import (
    ContestResult,
    DrawLot,
    EstablishResult,
    ReopenResult,
    ResultKey,
    ResultState,
)
from schemas.validation import ValidationReport

if TYPE_CHECKING:
    from schemas.protocol import ProtocolContent
    from schemas.validation import ProtocolKey

RETRIED: Final = (429, 503)


class TallyClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 60.0,
        retries: int = 5,
        proxy: bool = False,
        token: str = "",
    ) -> None:
        self.base_url = base_url
        self._http = httpx.Client(base_url=base_url, timeout=timeout)
        self._retries = retries
        self._prefix = "/v1/proxy" if proxy else "/v1"
        self.token = token

    # Accounts and sessions.

    def activate(self, login: str, activation_code: str, password: str) -> AuthAnswer:
        command = Activate(login=login, activation_code=activation_code, password=password)
        return self._auth("/v1/auth/activate", command)

    def login(self, login: str, password: str, totp_code: str) -> AuthAnswer:
        answer = self._auth("/v1/auth/login", LogIn(login=login, password=password, totp=totp_code))
        if answer.grant is not None:
            self.token = answer.grant.token
        return answer

    def step_up(self, totp_code: str) -> AuthAnswer:
        return self._auth("/v1/auth/step-up", StepUp(totp=totp_code))

    def logout(self) -> AuthAnswer:
        answer = self._auth("/v1/auth/logout", AccountAction(login="self"))
        self.token = ""
        return answer

    def create_account(self, command: CreateAccount) -> AuthAnswer:
        return self._auth("/v1/accounts", command)

    def reset_account(self, login: str) -> AuthAnswer:
        return self._auth("/v1/accounts/reset", AccountAction(login=login))

    def unlock_account(self, login: str) -> AuthAnswer:
        return self._auth("/v1/accounts/unlock", AccountAction(login=login))

    def accounts(self, gmina: str | None = None) -> AuthAnswer:
        """The accounts registry (``registry`` in the answer) of ``gmina``."""
        query = f"?gmina={gmina}" if gmina else ""
        response = self._send("GET", "/v1/accounts" + query, b"", "", retry=False)
        return msgspec.json.decode(response.content, type=AuthAnswer)

    def _auth(self, path: str, command: Any) -> AuthAnswer:
        response = self._send("POST", path, msgspec.json.encode(command), "", retry=False)
        return msgspec.json.decode(response.content, type=AuthAnswer)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Commands.

    def submit(
        self, key: ProtocolKey, content: ProtocolContent, *, idempotency_key: str = ""
    ) -> Outcome:
        return self._command(
            f"{self._prefix}/protocols", SubmitProtocol(key=key, content=content), idempotency_key
        )

    def correct(
        self,
        key: ProtocolKey,
        content: ProtocolContent,
        reason: str,
        *,
        expected_version: int | None = None,
        idempotency_key: str = "",
    ) -> Outcome:
        command = CorrectProtocol(
            key=key, content=content, reason=reason, expected_version=expected_version
        )
        return self._command(f"{self._prefix}/protocols/corrections", command, idempotency_key)

    def confirm(
        self, key: ProtocolKey, *, control_code: str = "", entry: ProtocolContent | None = None
    ) -> Outcome:
        command = ConfirmProtocol(key=key, control_code=control_code, entry=entry)
        return self._command("/v1/protocols/confirmations", command)

    def approve(self, key: ProtocolKey, control_code: str) -> Outcome:
        command = ApproveHardWarnings(key=key, control_code=control_code)
        return self._command("/v1/protocols/approvals", command)

    def withdraw(self, key: ProtocolKey, reason: str) -> Outcome:
        command = WithdrawConfirmation(key=key, reason=reason)
        return self._command("/v1/protocols/confirmation-withdrawals", command)

    def reject(self, key: ProtocolKey, reason: str) -> Outcome:
        return self._command("/v1/protocols/rejections", RejectProtocol(key=key, reason=reason))

    def report_turnout(self, command: ReportTurnout) -> Outcome:
        return self._command("/v1/turnout-reports", command)

    def correct_turnout(self, command: CorrectTurnout) -> Outcome:
        return self._command("/v1/turnout-reports/corrections", command)

    def establish_result(self, key: ResultKey, reason: str = "") -> Outcome:
        return self._command("/v1/results/establishments", EstablishResult(key=key, reason=reason))

    def reopen_result(self, key: ResultKey, reason: str) -> Outcome:
        return self._command("/v1/results/reopenings", ReopenResult(key=key, reason=reason))

    def draw_lot(self, draw: DrawLot) -> Outcome:
        return self._command("/v1/results/lots", draw)

    # Queries.

    def result(self, key: ResultKey, flavour: str = "accepted") -> ContestResult | Outcome:
        """A contest's provisional result (``accepted``, ``confirmed``); ``established``:
        ``result_state``."""
        response = self._result(key, flavour)
        kind: type[Any] = ContestResult if response.status_code == 200 else Outcome
        found: ContestResult | Outcome = msgspec.json.decode(response.content, type=kind)
        return found

    def result_state(self, key: ResultKey) -> ResultState | Outcome:
        response = self._result(key, "established")
        kind: type[Any] = ResultState if response.status_code == 200 else Outcome
        found: ResultState | Outcome = msgspec.json.decode(response.content, type=kind)
        return found

    def _result(self, key: ResultKey, flavour: str) -> httpx.Response:
        query: dict[str, str | int] = {"election": key.election, "contest": key.contest,
                                       "round": key.round, "flavour": flavour}  # fmt: skip
        auth = {"Authorization": f"Bearer {self.token}"}
        for _ in range(self._retries):
            response = self._http.get("/v1/views/results", params=query, headers=auth)
            if response.status_code not in RETRIED:
                return response
            time.sleep(float(response.headers.get("retry-after", "1")))
        return response

    def validate(self, key: ProtocolKey, content: ProtocolContent) -> ValidationReport | Outcome:
        response = self._send(
            "POST",
            "/v1/protocols/validations",
            msgspec.json.encode(SubmitProtocol(key=key, content=content)),
            "",
        )
        kind: type[Any] = ValidationReport if response.status_code == 200 else Outcome
        decoded: ValidationReport | Outcome = msgspec.json.decode(response.content, type=kind)
        return decoded

    def protocol(self, key: ProtocolKey) -> ProtocolView | None:
        path = (
            f"/v1/protocols/{key.election}/{key.teryt}/{key.precinct}/{key.contest}/"
            f"{key.district}/{key.round}"
        )
        response = self._send("GET", path, b"", "")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return msgspec.json.decode(response.content, type=ProtocolView)

    def view(self, name: str, **query: str | int) -> dict[str, Any]:
        """A read of ``/v1/views/<name>`` (tallies, progress, turnout, alerts): ``position``
        (the stream sequence the view has reached) and ``rows``."""
        response = self._http.get(
            f"/v1/views/{name}", params=query, headers={"Authorization": f"Bearer {self.token}"}
        )
        response.raise_for_status()
        rows: dict[str, Any] = response.json()
        return rows

    def view_all(self, name: str, **query: str | int) -> dict[str, Any]:
        """Every page of a view read: ``rows`` of all pages, ``position`` the lowest a page
        was read at."""
        rows: list[dict[str, Any]] = []
        positions: list[int] = []
        after = ""
        while True:
            page = self.view(name, **query, **({"after": after} if after else {}))
            rows += page["rows"]
            positions.append(page["position"])
            after = page.get("next", "")
            if not after:
                return {"position": min(positions), "rows": rows}

    # Transport.

    def _command(self, path: str, command: Any, idempotency_key: str = "") -> Outcome:
        key = idempotency_key or str(uuid.uuid4())
        response = self._send("POST", path, msgspec.json.encode(command), key)
        return msgspec.json.decode(response.content, type=Outcome)

    def _send(
        self, method: str, path: str, body: bytes, idempotency_key: str, *, retry: bool = True
    ) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        for _ in range(self._retries if retry else 1):
            response = self._http.request(method, path, content=body or None, headers=headers)
            if response.status_code not in RETRIED:
                return response
            time.sleep(float(response.headers.get("retry-after", "1")))
        return response
