"""Every stored event type, in one place: its payload struct and its stable tag (``TAG`` on the
struct), the union of them all, and the one decoder of a stored event's payload.

A stored event names its type by its tag (``Tally-Type``: ``protocol.submitted.v1``), never by a
module path. The domain's aggregates take their events' tags from here, the projections and the
auditors decode with ``decode_payload`` and match on the payload types, and the events schema
(``schemas/jsonschema/events.v1.json``) is generated from this list. A changed payload gets a new
struct with a new tag (``.v2``) beside the old one, so old events keep decoding as what they were.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from schemas import account_events as acc
from schemas import alert_events as alerts
from schemas import audit_events as audit
from schemas import definition_events as de
from schemas import protocol_events as pe
from schemas import result_events as re_

PAYLOADS: Final[tuple[type[Any], ...]] = (
    de.ElectionDefined, de.ElectionDetailsChanged, de.CommitteeRegistered,
    de.CommitteesRegistered, de.DefinitionLoaded, de.SoleCoordinatorSet,
    de.UnitDefined, de.UnitDetailsChanged, de.PrecinctsEstablished, de.PrecinctChanged,
    de.ContestDefined, de.DistrictPrecinctsAdded, de.ListRegistered, de.ListNumberAssigned,
    de.ListAnnulled, de.CandidateRegistered, de.CandidateWithdrawn, de.RunoffCandidatesSet,
    pe.ProtocolSubmitted, pe.ProtocolCorrected, pe.HardWarningsApproved, pe.ProtocolConfirmed,
    pe.ConfirmationWithdrawn, pe.ProtocolRejected,
    pe.TurnoutOpened, pe.TurnoutReported, pe.TurnoutCorrected,
    alerts.AlertAcknowledged, audit.LogVerified, audit.CheckpointsStarted,
    audit.CheckpointRecorded,
    re_.ResultOpened, re_.ResultEstablished, re_.ResultReopened, re_.LotDrawn, re_.ResultRecorded,
    acc.AccountCreated, acc.ActivationIssued, acc.AccountActivated, acc.AccountLocked,
    acc.AccountUnlocked, acc.LoggedIn, acc.LanguageChosen, acc.SecurityRecord,
)  # fmt: skip
"""Every payload of a stored event, election stream and accounts stream alike."""

Payload = (
    de.ElectionDefined | de.ElectionDetailsChanged | de.CommitteeRegistered
    | de.CommitteesRegistered | de.DefinitionLoaded | de.SoleCoordinatorSet
    | de.UnitDefined | de.UnitDetailsChanged | de.PrecinctsEstablished | de.PrecinctChanged
    | de.ContestDefined | de.DistrictPrecinctsAdded | de.ListRegistered | de.ListNumberAssigned
    | de.ListAnnulled | de.CandidateRegistered | de.CandidateWithdrawn | de.RunoffCandidatesSet
    | pe.ProtocolSubmitted | pe.ProtocolCorrected | pe.HardWarningsApproved
    | pe.ProtocolConfirmed | pe.ConfirmationWithdrawn | pe.ProtocolRejected
    | pe.TurnoutOpened | pe.TurnoutReported | pe.TurnoutCorrected
    | alerts.AlertAcknowledged | audit.LogVerified | audit.CheckpointsStarted
    | audit.CheckpointRecorded
    | re_.ResultOpened | re_.ResultEstablished | re_.ResultReopened | re_.LotDrawn
    | re_.ResultRecorded
    | acc.AccountCreated | acc.ActivationIssued | acc.AccountActivated | acc.AccountLocked
    | acc.AccountUnlocked | acc.LoggedIn | acc.LanguageChosen | acc.SecurityRecord
)  # fmt: skip
"""The union of every payload type (what ``decode_payload`` returns, but for None)."""

BY_TAG: Final[dict[str, type[Any]]] = {payload.TAG: payload for payload in PAYLOADS}
if len(BY_TAG) != len(PAYLOADS):
    raise ValueError("two payload types share a tag")

RECORDS: Final[frozenset[type[Any]]] = frozenset({acc.SecurityRecord})
"""Payloads stored as records of their own (their JSON is the payload), not as an aggregate's
event (whose JSON is the domain event's state, the payload its ``data`` member)."""


def _decoder(payload: type[Any]) -> msgspec.json.Decoder[Any]:
    if payload in RECORDS:
        return msgspec.json.Decoder(payload)
    return msgspec.json.Decoder(msgspec.defstruct("Stored", [("data", payload)]))


_DECODERS: Final = {tag: (_decoder(payload), payload in RECORDS) for tag, payload in BY_TAG.items()}


def tag_of(payload: type[Any]) -> str:
    tag: str = payload.TAG
    return tag


def decode_payload(tag: str, data: bytes) -> Payload | None:
    """The payload of a stored event of type ``tag``; None for a type this code does not know
    (an event written by a newer version, or not an event of ours). A payload that does not read
    as its type raises ``msgspec.DecodeError``/``ValidationError``."""
    found = _DECODERS.get(tag)
    if found is None:
        return None
    decoder, bare = found
    decoded: Payload = decoder.decode(data) if bare else decoder.decode(data).data
    return decoded
