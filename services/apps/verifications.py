"""Verdicts of ``tally audit verify`` recorded in the election stream (``domain.verification``),
through the same store as every other event: the trail shows who verified what, and when."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from eventsourcing.application import Application

from domain.verification import Verification
from services.apps.elections import Elections

if TYPE_CHECKING:
    from schemas.audit import AuditReport
    from schemas.envelope import CommandContext


class Verifications(Application[UUID]):
    name = "verifications"
    env: ClassVar[dict[str, str]] = Elections.env

    def record(self, report: AuditReport, up_to: int, context: CommandContext) -> Verification:
        verification = Verification.of(str(uuid.uuid4()), report, up_to)
        self.save(verification, context=context)
        return verification
