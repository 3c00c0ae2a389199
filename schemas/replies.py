"""What a NATS responder answers: the reply body as it goes to the client, untouched by anyone in
between, and its status (``Tally-Status``) and ``Retry-After`` as headers, so a gateway maps the
answer to HTTP without decoding it again."""

from __future__ import annotations

from dataclasses import dataclass

from schemas import subjects


@dataclass(frozen=True)
class Reply:
    body: bytes
    status: str
    retry_after_s: int = 0

    @property
    def headers(self) -> dict[str, str]:
        headers = {subjects.STATUS: self.status}
        if self.retry_after_s:
            headers[subjects.RETRY_AFTER] = str(self.retry_after_s)
        return headers
