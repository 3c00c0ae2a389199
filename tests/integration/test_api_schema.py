"""schemathesis against the served OpenAPI document: generated valid and invalid requests to
every operation; no 5xx, and every response matches its declared status, type and schema.

The operations are driven through schemathesis' Python API with hypothesis directly (its pytest
plugin does not support pytest 9 yet), with examples capped so CI stays fast.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.accounts import team
from tests.gateway import running_serve

if TYPE_CHECKING:
    from pathlib import Path

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]  # fmt: skip
EXAMPLES = 6

pytestmark = pytest.mark.slow


def exercise(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    checks = [*CHECKS, negative_data_rejection] if mode is GenerationMode.NEGATIVE else CHECKS

    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)  # fmt: skip
    def run(case: Any) -> None:
        case.call_and_validate(checks=checks)

    run()


def test_the_api_honours_its_openapi_document(tmp_path: Path) -> None:
    """Valid-looking commands may still be refused by the rules: 422 is a declared answer, so the
    check that valid data is accepted is left out; everything else must hold."""
    with running_serve(tmp_path) as serve:
        crew = team(serve.url, serve.admin_code)
        headers = {"Authorization": f"Bearer {crew.operator.client.token}"}
        schema = schemathesis.openapi.from_url(f"{serve.url}/v1/schema/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 13
        for operation in operations:
            exercise(operation, GenerationMode.POSITIVE, headers)
            with contextlib.suppress(Unsatisfiable):  # nothing to get wrong without inputs
                exercise(operation, GenerationMode.NEGATIVE, headers)
        crew.close()
