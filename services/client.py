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
from schemas.validation import ValidationReport

if TYPE_CHECKING:
    from schemas.protocol import ProtocolContent
    from schemas.validation import ProtocolKey

RETRIED: Final = (429, 503)


class TallyClient:
    def __init__(
        self, base_url: str, *, timeout: float = 60.0, retries: int = 5, proxy: bool = False
    ) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout)
        self._retries = retries
        self._prefix = "/v1/proxy" if proxy else "/v1"

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

    # Queries.

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

    # Transport.

    def _command(self, path: str, command: Any, idempotency_key: str = "") -> Outcome:
        key = idempotency_key or str(uuid.uuid4())
        response = self._send("POST", path, msgspec.json.encode(command), key)
        return msgspec.json.decode(response.content, type=Outcome)

    def _send(self, method: str, path: str, body: bytes, idempotency_key: str) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        for _ in range(self._retries):
            response = self._http.request(method, path, content=body or None, headers=headers)
            if response.status_code not in RETRIED:
                return response
            time.sleep(float(response.headers.get("retry-after", "1")))
        return response
