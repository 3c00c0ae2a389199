"""Setting environment variables for a while, for in-process runs of parts that read their
configuration from the environment (benchmarks, test harnesses)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """``values`` set in ``os.environ`` inside the block; what was there before restored after."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
