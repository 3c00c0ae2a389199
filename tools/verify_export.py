#!/usr/bin/env python3
"""Check a public export of a Tally election log, on your own machine, with nothing of Tally.

    python verify_export.py EXPORT [--head POSITION:HEX] [--json]

Needs Python 3.11 or newer and the ``cryptography`` package (Ed25519); nothing else. This file is
meant to be read: it is the format's reference check, and a party or a journalist may write their
own from it and from README "Proof for everyone".

What it checks, each problem reported at its position:

1. The file: a header line ``{"format": "tally.public-export.v1", "stream", "public_keys"}``,
   then one line per event ``{"event": {"seq", "subject", "headers", "payload"},
   "private_hash"}``, sequences 1, 2, 3 ... without a gap.
2. Every event's leaf: ``SHA256(0x00 || SHA256(canonical JSON of "event") ||
   private_hash)``, the canonical JSON with sorted keys, no spaces, UTF-8 unescaped.
3. The Merkle tree over the leaves (RFC 6962: inner nodes ``SHA256(0x01 || left || right)``,
   split at the largest power of two below the size). Every signed checkpoint (an event with
   ``Tally-Type: audit.checkpoint.v1``): its Ed25519 signature under the key it names, over
   ``tally-checkpoint-v1\\n<stream>\\n<position>\\n<head>\\n<previous position>\\n<previous
   head>\\n``; its head equal to the tree head of the events up to its position; its previous
   head equal to the checkpoint before. Events after the last checkpoint, but for checkpoints
   themselves, are signed by none: a problem (an export ends with a fresh checkpoint).
4. ``--head POSITION:HEX``: a tree head published elsewhere (the board, a newspaper) must be
   the tree head of this export's first POSITION events: an export cut short or rewritten
   after it was published is caught.

Then it recomputes, from the protocols' events alone, every gmina's tallies (for each contest,
district and round: the numbers of the current version of every protocol, added up; flavour
``accepted``: accepted or confirmed protocols, ``confirmed``: confirmed only), as rows of the
form the published tally view has (rows with at least one protocol), and lists every result
the commission established and did not reopen, as recorded.

Exit 0 verified, 1 problems (every one printed), 2 the file cannot be read.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

FORMAT = "tally.public-export.v1"
CHECKPOINT = "audit.checkpoint.v1"
CHECKPOINT_TYPES = {CHECKPOINT, "audit.checkpoints_started.v1"}
EMPTY = hashlib.sha256(b"").digest()
COUNT_FIELDS = (
    "eligible_voters", "eligible_voters_eu", "ballots_received", "ballots_unused",
    "ballots_issued", "ballots_issued_eu", "proxy", "certificate", "packages_sent",
    "ballots_issued_total", "envelopes_received", "envelopes_no_statement",
    "envelopes_unsigned_statement", "envelopes_no_ballot_envelope", "envelopes_unsealed",
    "ballot_envelopes_in_box", "ballots_from_box", "ballots_from_envelopes", "invalid_ballots",
    "valid_ballots", "invalid_votes", "invalid_votes_multiple_marks", "invalid_votes_no_mark",
    "invalid_votes_struck_off_only", "valid_votes", "candidates_total", "votes_yes", "votes_no",
)  # fmt: skip
STATUS_AFTER = {
    "protocol.hard_warnings_approved.v1": "accepted",
    "protocol.confirmed.v1": "confirmed",
    "protocol.confirmation_withdrawn.v1": "accepted",
    "protocol.rejected.v1": "rejected",
}
FLAVOURS = {"accepted": {"accepted", "confirmed"}, "confirmed": {"confirmed"}}


class Unreadable(Exception):  # noqa: N818 - the one error this tool exits 2 with
    pass


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


class Tree:
    """The Merkle tree grown leaf by leaf; ``heads[n]`` is the head of the first n leaves."""

    def __init__(self) -> None:
        self.frontier: list[tuple[int, bytes]] = []
        self.heads = [EMPTY]

    def add(self, leaf: bytes) -> None:
        size, hashed = 1, leaf
        while self.frontier and self.frontier[-1][0] == size:
            left_size, left = self.frontier.pop()
            size, hashed = left_size + size, node(left, hashed)
        self.frontier.append((size, hashed))
        head = self.frontier[-1][1]
        for _, left in reversed(self.frontier[:-1]):
            head = node(left, head)
        self.heads.append(head)


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature_holds(keys: dict[str, Any], stream: str, checkpoint: dict[str, Any]) -> str:
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - the one dependency

    key = keys.get(checkpoint["key_id"])
    if key is None:
        return f"signed with key {checkpoint['key_id']!r}, which the export does not list"
    message = "".join(f"{line}\n" for line in (
        "tally-checkpoint-v1", stream, checkpoint["position"], checkpoint["head"],
        checkpoint["previous_position"], checkpoint["previous_head"]))  # fmt: skip
    try:
        key.verify(unb64(checkpoint["signature"]), message.encode())
    except (InvalidSignature, ValueError):
        return f"the signature does not hold under key {checkpoint['key_id']!r}"
    return ""


def read(path: Path) -> tuple[dict[str, Any], list[tuple[int, dict[str, Any]]]]:
    """The header and the event lines (with their line numbers)."""
    try:
        lines = path.read_bytes().splitlines()
    except OSError as error:
        raise Unreadable(f"cannot read {path}: {error.strerror}") from None
    parsed = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed.append((number, json.loads(line)))
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise Unreadable(f"{path}, line {number}: not JSON") from None
    if not parsed or not isinstance(parsed[0][1], dict) or parsed[0][1].get("format") != FORMAT:
        raise Unreadable(f"{path}: the first line is not a {FORMAT} header")
    return parsed[0][1], parsed[1:]


def public_keys(header: dict[str, Any]) -> dict[str, Any]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415
        Ed25519PublicKey,
    )

    try:
        return {key_id: Ed25519PublicKey.from_public_bytes(unb64(key))
                for key_id, key in header["public_keys"].items()}  # fmt: skip
    except (KeyError, AttributeError, ValueError):
        raise Unreadable("the header's public_keys are not Ed25519 keys") from None


class Verifier:
    def __init__(self, header: dict[str, Any]) -> None:
        self.stream = str(header.get("stream", ""))
        self.keys = public_keys(header)
        self.tree = Tree()
        self.problems: list[dict[str, Any]] = []
        self.previous = (0, EMPTY.hex())
        self.checkpoints = 0
        self.signed_up_to = 0
        self.unsigned = 0
        """Events (not checkpoints) after the last checkpoint's position."""
        self.protocols: dict[str, dict[str, Any]] = {}
        self.results: dict[str, dict[str, Any]] = {}

    def problem(self, seq: int, kind: str, message: str) -> None:
        self.problems.append({"seq": seq, "kind": kind, "message": message})

    def add(self, number: int, line: Any) -> None:
        try:
            event, private_hash = line["event"], bytes.fromhex(line["private_hash"])
            seq, headers, payload = event["seq"], event["headers"], event["payload"]
        except (TypeError, KeyError, ValueError):
            self.problem(len(self.tree.heads), "line", f"line {number} is not an event line")
            return
        expected = len(self.tree.heads)
        if seq != expected:
            self.problem(expected, "order", f"line {number} holds sequence {seq}, not {expected}")
        kind = headers.get("Tally-Type", "")
        if kind == CHECKPOINT:
            self.checkpoint(seq, payload)
        elif kind not in CHECKPOINT_TYPES:
            self.unsigned += 1
        self.tree.add(sha256(b"\x00" + sha256(canonical(event)) + private_hash))
        self.fold(kind, headers.get("Tally-Aggregate-Id", ""), payload)

    def checkpoint(self, seq: int, payload: str) -> None:
        self.checkpoints += 1
        try:
            signed = json.loads(payload)["data"]
            position, head = int(signed["position"]), str(signed["head"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            self.problem(seq, "checkpoint", "the checkpoint does not read")
            return
        found = []
        unsigned = signature_holds(self.keys, self.stream, signed)
        if unsigned:
            found.append(unsigned)
        if (signed["previous_position"], signed["previous_head"]) != self.previous:
            found.append(f"extends the tree of {signed['previous_position']} events, but the "
                         f"checkpoint before signs {self.previous[0]}")  # fmt: skip
        if position >= len(self.tree.heads):
            found.append(f"signs {position} events, but only {len(self.tree.heads) - 1} come "
                         "before it")  # fmt: skip
        elif self.tree.heads[position].hex() != head:
            found.append(f"the events up to {position} are not those it signed: one of "
                         f"{self.previous[0] + 1}..{position} was changed, dropped, added or "
                         "moved")  # fmt: skip
        for message in found:
            self.problem(seq, "checkpoint", message)
        if not found:
            self.signed_up_to, self.unsigned = position, 0
        self.previous = (position, head)

    def fold(self, kind: str, aggregate: str, payload: str) -> None:
        if not kind.startswith(("protocol.", "results.")):
            return
        try:
            data = json.loads(payload)["data"]
        except (json.JSONDecodeError, KeyError, TypeError):
            return  # a changed payload: the checkpoints say so
        if kind in ("protocol.submitted.v1", "protocol.corrected.v1"):
            hard = any(f.get("severity") == "hard-warning" for f in data.get("findings", ()))
            state = self.protocols.get(aggregate, {})
            if kind == "protocol.submitted.v1":
                state = {"key": data["key"]}
            state |= {"status": "awaiting-approval" if hard else "accepted",
                      "numbers": numbers(data["content"])}  # fmt: skip
            self.protocols[aggregate] = state
        elif kind in STATUS_AFTER and aggregate in self.protocols:
            self.protocols[aggregate]["status"] = STATUS_AFTER[kind]
        elif kind == "results.established.v1":
            self.results[aggregate] = {"position": data["position"], "result": data["result"]}
        elif kind == "results.reopened.v1":
            self.results.pop(aggregate, None)

    def finish(self, head: str | None) -> None:
        if self.unsigned:
            self.problem(len(self.tree.heads) - 1, "checkpoint",
                         f"{self.unsigned} event(s) after the last signed checkpoint (at "
                         f"{self.signed_up_to}) are signed by none")  # fmt: skip
        if head is not None:
            position_text, _, hexed = head.partition(":")
            position = int(position_text) if position_text.isdigit() else -1
            if not 0 <= position < len(self.tree.heads):
                self.problem(position, "head", f"the published head is of {position_text} "
                             f"events; this export holds {len(self.tree.heads) - 1}")  # fmt: skip
            elif self.tree.heads[position].hex() != hexed.lower():
                self.problem(position, "head", f"the first {position} events are not those "
                             "the published head stands for")  # fmt: skip

    def tallies(self) -> list[dict[str, Any]]:
        rows: dict[tuple[Any, ...], dict[str, Any]] = {}
        for state in self.protocols.values():
            key = state["key"]
            for flavour, statuses in FLAVOURS.items():
                if state["status"] not in statuses:
                    continue
                place = (flavour, key["election"], key["contest"], key["district"],
                         key["round"], key["teryt"])  # fmt: skip
                row = rows.setdefault(place, {
                    "flavour": flavour, "election": key["election"], "contest": key["contest"],
                    "district": key["district"], "round": key["round"], "level": "gmina",
                    "code": key["teryt"], "precincts": 0, "numbers": {}})  # fmt: skip
                row["precincts"] += 1
                for name, value in state["numbers"].items():
                    row["numbers"][name] = row["numbers"].get(name, 0) + value
        for row in rows.values():
            row["numbers"] = {k: v for k, v in sorted(row["numbers"].items()) if v}
        return [rows[place] for place in sorted(rows)]


def numbers(content: dict[str, Any]) -> dict[str, int]:
    """A protocol's numbers by their published names: counts, ``c.<position>``,
    ``l.<number>`` (a list's votes) and ``l.<number>.<position>``."""
    found = {name: content[name] for name in COUNT_FIELDS if content.get(name) is not None}
    found |= {f"c.{c['position']}": c["votes"] for c in content.get("candidates", ())}
    for votes in content.get("lists", ()):
        found[f"l.{votes['number']}"] = votes["total"]
        found |= {f"l.{votes['number']}.{c['position']}": c["votes"] for c in votes["candidates"]}
    return found


def verify(path: Path, head: str | None) -> dict[str, Any]:
    header, lines = read(path)
    verifier = Verifier(header)
    for number, line in lines:
        verifier.add(number, line)
    verifier.finish(head)
    size = len(verifier.tree.heads) - 1
    return {
        "export": str(path), "stream": verifier.stream, "events": size,
        "head": {"position": size, "head": verifier.tree.heads[size].hex()},
        "checkpoints": verifier.checkpoints, "signed_up_to": verifier.signed_up_to,
        "verified": not verifier.problems, "problems": verifier.problems,
        "tallies": verifier.tallies(),
        "results": [verifier.results[k] for k in sorted(verifier.results)],
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", type=Path, help="a file of tally audit export --public")
    parser.add_argument("--head", help="a tree head published elsewhere: POSITION:HEX")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    try:
        report = verify(args.export, args.head)
    except Unreadable as error:
        sys.stdout.write(f"{error}\n")
        return 2
    if args.json:
        sys.stdout.write(canonical(report).decode() + "\n")
    else:
        verdict = "verified" if report["verified"] else f"{len(report['problems'])} problem(s)"
        sys.stdout.write(f"{report['events']} events, {report['checkpoints']} checkpoints, signed "
                         f"up to {report['signed_up_to']}, head {report['head']['head']} at "
                         f"{report['events']}: {verdict}\n")  # fmt: skip
        for problem in report["problems"]:
            sys.stdout.write(f"  seq {problem['seq']}: [{problem['kind']}] {problem['message']}\n")
        for row in report["tallies"]:
            sys.stdout.write(canonical(row).decode() + "\n")
        for result in report["results"]:
            sys.stdout.write(canonical(result).decode() + "\n")
    return 0 if report["verified"] else 1


if __name__ == "__main__":
    sys.exit(main())
