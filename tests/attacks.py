"""The front door attacked as each role and as an outsider, on loopback, in a bounded run.

Each attack class sends its requests and says, for each answer, whether it was wrongly accepted
(the attack worked) and whether the server failed (5xx). ``run`` returns one row per class; the
test suite requires 0 and 0 everywhere, and nothing written to the election stream by attacks
that must write nothing.

Places: the attackers are the operator of precinct 2 and the coordinator of gmina 302199
(Zielonka); the victims are precinct 3 of Zielonka and precinct 1 of gmina 306499 (Miasto),
whose protocols exist (submitted by their own operators) so that a command that slipped through
would really change something.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import httpx

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

OWN_GMINA: Final = "302199"
OTHER_GMINA: Final = "306499"
LOOSE: Final = ('"3"', "3.0", "1e0", '"3.0"', "[3]", '{"n": 3}', "true", '"0x3"', "3.5")
"""Spellings of a precinct number that are not the integer itself."""
PLACEHOLDER: Final = '"@@precinct@@"'


@dataclass
class ClassResult:
    name: str
    attempts: int = 0
    wrongly_accepted: int = 0
    server_errors: int = 0
    examples: list[str] = field(default_factory=list)

    def judge(self, what: str, response: httpx.Response, *, accepted: bool) -> None:
        self.attempts += 1
        if response.status_code >= 500:
            self.server_errors += 1
            self.examples.append(f"{what}: {response.status_code} {response.text[:200]}")
        elif accepted:
            self.wrongly_accepted += 1
            self.examples.append(f"{what}: {response.status_code} {response.text[:200]}")


@dataclass(frozen=True)
class Attackers:
    url: str
    operator: str
    """Bearer token of the operator of precinct 2 of Zielonka."""
    coordinator: str
    """Bearer token of the coordinator of Zielonka (with a fresh TOTP proof)."""
    operator_login: str
    colleague: tuple[str, str, Callable[[], str]]
    """Another operator's login, password and a way to get their next TOTP code."""
    bodies: dict[str, dict[str, Any]]
    """A well-formed body per command path, keyed to the attacker's own place."""


def _send(client: httpx.Client, token: str, path: str, body: bytes) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return client.post(path, content=body, headers=headers)


def _spelled(body: dict[str, Any], precinct: str, teryt: str | None = None) -> bytes:
    """The body with its key's precinct written exactly as ``precinct`` (raw JSON)."""
    patched = json.loads(json.dumps(body))
    patched["key"]["precinct"] = PLACEHOLDER.strip('"')
    if teryt is not None:
        patched["key"]["teryt"] = teryt
    return json.dumps(patched).replace(PLACEHOLDER, precinct).encode()


def loose_places(client: httpx.Client, who: Attackers) -> ClassResult:
    """Every command, every loose spelling of the precinct, as operator and as coordinator, in
    the own gmina and the other: a loose spelling is malformed (400), a foreign place 403."""
    result = ClassResult("place in the body: loose spellings and foreign places")
    for path, body in who.bodies.items():
        for token, role in ((who.operator, "operator"), (who.coordinator, "coordinator")):
            for teryt in (OWN_GMINA, OTHER_GMINA):
                for spelling in LOOSE:
                    answer = _send(client, token, path, _spelled(body, spelling, teryt))
                    result.judge(
                        f"{role} {path} {teryt}/{spelling}",
                        answer,
                        accepted=answer.status_code not in (400, 403),
                    )
            foreign = (
                ((OWN_GMINA, "3"), (OTHER_GMINA, "1"))
                if role == "operator"
                else ((OTHER_GMINA, "1"),)
            )
            for teryt, precinct in foreign:
                answer = _send(client, token, path, _spelled(body, precinct, teryt))
                result.judge(
                    f"{role} {path} {teryt}/{precinct}",
                    answer,
                    accepted=answer.status_code not in (400, 403),
                )
    return result


VIEWS: Final = ("progress", "tallies", "turnout", "alerts")


def repeated_scope(client: httpx.Client, who: Attackers) -> ClassResult:
    """A scope given twice, an empty second one, a code beside the gmina: refused; and a
    coordinator naming their gmina gets that gmina's rows only."""
    result = ClassResult("view scope: repeated and mixed query parameters")
    headers = {"Authorization": f"Bearer {who.coordinator}"}
    tricks = (
        f"gmina={OWN_GMINA}&gmina={OTHER_GMINA}",
        f"gmina={OWN_GMINA}&gmina=",
        f"gmina={OWN_GMINA}&level=gmina&code={OTHER_GMINA}",
        f"code={OWN_GMINA}&code={OTHER_GMINA}",
        f"gmina={OWN_GMINA}&level=country",
        f"gmina={OTHER_GMINA}",
    )
    for view in VIEWS:
        for trick in tricks:
            answer = client.get(f"/v1/views/{view}?election=przyklad-2026&{trick}", headers=headers)
            result.judge(f"{view}?{trick}", answer, accepted=answer.status_code not in (400, 403))
        answer = client.get(
            f"/v1/views/{view}?election=przyklad-2026&gmina={OWN_GMINA}", headers=headers
        )
        rows = answer.json().get("rows", []) if answer.status_code == 200 else []
        foreign = [row for row in rows if OTHER_GMINA in json.dumps(row)]
        result.judge(f"{view}?gmina={OWN_GMINA} rows", answer, accepted=bool(foreign))
    for trick in (f"gmina={OWN_GMINA}&gmina={OTHER_GMINA}", f"gmina={OTHER_GMINA}", ""):
        answer = client.get(f"/v1/audit?{trick}", headers=headers)
        rows = answer.json().get("rows", []) if answer.status_code == 200 else []
        leaked = any(row.get("gmina") not in (OWN_GMINA, None, "") for row in rows)
        result.judge(f"audit?{trick}", answer, accepted=answer.status_code == 200 and leaked)
    return result


def step_up_guessing(client: httpx.Client, who: Attackers) -> ClassResult:
    """Wrong TOTP codes on one session: 429 after three, the account locked at the tenth."""
    result = ClassResult("step-up: guessing TOTP codes")
    headers = {"Authorization": f"Bearer {who.operator}"}
    for attempt in range(14):
        answer = client.post("/v1/auth/step-up", json={"totp": f"{attempt:06d}"}, headers=headers)
        throttled_when_due = attempt < 3 or answer.status_code in (401, 403, 429)
        result.judge(
            f"step-up #{attempt}",
            answer,
            accepted=answer.status_code == 200 or not throttled_when_due,
        )
    return result


def _deep(depth: int) -> bytes:
    return b'{"key": ' + b"[" * depth + b"]" * depth + b"}"


DEEP_PATHS: Final = (
    "/v1/auth/login",
    "/v1/auth/activate",
    "/v1/auth/step-up",
    "/v1/protocols",
    "/v1/protocols/confirmations",
    "/v1/accounts",
    "/v1/turnout-reports",
)


COORDINATOR_PATHS: Final = ("/v1/protocols/confirmations", "/v1/accounts")


def deep_json(client: httpx.Client, who: Attackers) -> ClassResult:
    """Nesting a thousand deep (and just past the bound): 400 json.too_deep, never a 500."""
    result = ClassResult("deeply nested JSON")
    for path in DEEP_PATHS:
        token = who.coordinator if path in COORDINATOR_PATHS else who.operator
        for depth in (33, 1000, 100_000):
            answer = _send(client, token, path, _deep(depth))
            rules = [p.get("rule") for p in _problems(answer)]
            told = "json.too_deep" in rules or "json.too_deep" in answer.text
            result.judge(
                f"{path} depth {depth}", answer, accepted=answer.status_code != 400 or not told
            )
    return result


def _problems(answer: httpx.Response) -> list[dict[str, Any]]:
    try:
        problems: list[dict[str, Any]] = answer.json().get("problems", [])
    except ValueError:
        return []
    return problems


def shared_address(client: httpx.Client, who: Attackers) -> ClassResult:
    """One person's failures behind a shared address never delay a colleague's login there, and
    a forwarded address from an untrusted peer changes nothing."""
    result = ClassResult("login throttling: shared address, forged X-Forwarded-For")
    for attempt in range(6):
        spoof = {"X-Forwarded-For": f"10.9.8.{attempt}"}
        answer = client.post(
            "/v1/auth/login",
            headers=spoof,
            json={"login": who.operator_login, "password": "guessed wrongly", "totp": "000000"},
        )
        forged_through = attempt >= 4 and answer.status_code != 429
        result.judge(
            f"guess #{attempt} via {spoof}",
            answer,
            accepted=answer.status_code == 200 or forged_through,
        )
    login, password, totp_code = who.colleague
    answer = client.post(
        "/v1/auth/login", json={"login": login, "password": password, "totp": totp_code()}
    )
    result.judge(
        "the colleague logs in from the same address", answer, accepted=answer.status_code != 200
    )
    return result


def impossible_content(client: httpx.Client, who: Attackers) -> ClassResult:
    """2^63 votes; explanations of rules that did not fire, of unknown codes, of 2,001
    characters, a thousand of them: refused."""
    result = ClassResult("impossible numbers and oversized explanations")
    body = who.bodies["/v1/protocols"]
    content = body["content"]
    huge = {
        **content,
        "candidates": [{**content["candidates"][0], "votes": 2**63}, *content["candidates"][1:]],
    }
    cases = {
        "2^63 votes": {**body, "content": {**huge, "explanations": {"R401": "tak było"}}},
        "a count of 10^8": {**body, "content": {**content, "proxy": 10**8}},
        "explaining a rule that did not fire": {
            **body,
            "content": {**content, "explanations": {"R110": "nic"}},
        },
        "an unknown code": {**body, "content": {**content, "explanations": {"X1": "nic"}}},
        "2,001 characters": {**body, "content": {**content, "explanations": {"R110": "x" * 2001}}},
        "a thousand explanations": {
            **body,
            "content": {**content, "explanations": {f"R{n:03d}": "nic" for n in range(1000)}},
        },
    }
    for name, case in cases.items():
        answer = _send(client, who.operator, "/v1/protocols", json.dumps(case).encode())
        result.judge(name, answer, accepted=answer.status_code not in (400, 422))
    return result


def headers_and_documents(client: httpx.Client, who: Attackers) -> ClassResult:
    """Security headers everywhere, nothing cached from login, API documents without outside
    resources, no session without the Bearer scheme."""
    result = ClassResult("headers, documents, the Authorization scheme")
    answer = client.post(
        "/v1/auth/login", json={"login": "x-nobody", "password": "p", "totp": "000000"}
    )
    result.judge(
        "login: Cache-Control", answer, accepted=answer.headers.get("cache-control") != "no-store"
    )
    for path in ("/health", "/v1/schema", "/v1/schema/openapi.json", "/v1/asyncapi.json"):
        answer = client.get(path)
        missing = [
            name
            for name in (
                "x-content-type-options",
                "x-frame-options",
                "referrer-policy",
                "content-security-policy",
            )
            if name not in answer.headers
        ]
        outside = "http://" in answer.text.replace("http://127.0.0.1", "") or "https://" in (
            answer.text if path == "/v1/schema" else ""
        )
        result.judge(f"{path}: headers {missing}", answer, accepted=bool(missing) or outside)
    for authorization in (who.operator, f"Token {who.operator}", f"Basic {who.operator}"):
        answer = client.get(
            "/v1/views/progress?election=przyklad-2026&gmina=302199",
            headers={"Authorization": authorization},
        )
        result.judge(
            f"Authorization: {authorization[:6]}...", answer, accepted=answer.status_code != 401
        )
    return result


CLASSES: Final = (
    loose_places,
    repeated_scope,
    deep_json,
    impossible_content,
    headers_and_documents,
    shared_address,
    step_up_guessing,
)
"""In this order: the step-up guesses lock the operator out, so they come last."""


def run(who: Attackers) -> Iterator[ClassResult]:
    with httpx.Client(base_url=who.url, timeout=30) as client:
        for attack in CLASSES:
            yield attack(client, who)
