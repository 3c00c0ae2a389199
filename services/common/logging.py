"""structlog configuration: JSON lines off a terminal, readable console output on one.

``fmt`` (``json`` or ``console``; ``TALLY_LOG_FORMAT``) overrides the terminal detection;
``level`` (``debug``, ``info``, ``warning``, ``error``; ``TALLY_LOG_LEVEL``) sets the threshold.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog


def configure_logging(*, level: str = "info", fmt: str | None = None) -> None:
    numeric_level = logging.getLevelNamesMapping().get(level.upper())
    if numeric_level is None:
        raise ValueError(f"{level!r} is not a log level (expected debug, info, warning or error)")
    chosen = fmt or ("console" if sys.stderr.isatty() else "json")
    renderer: Any
    if chosen == "json":
        renderer = structlog.processors.JSONRenderer()
        exception_processor: Any = structlog.processors.dict_tracebacks
    elif chosen == "console":
        renderer = structlog.dev.ConsoleRenderer()
        exception_processor = structlog.processors.StackInfoRenderer()
    else:
        raise ValueError(f"{chosen!r} is not a log format (expected json or console)")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            exception_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=_current_stderr,
        cache_logger_on_first_use=False,
    )


def _current_stderr(*_args: object) -> structlog.PrintLogger:
    """A logger on the standard error of the moment: whoever configured logging may have seen
    another stream (a test's capture, a daemon's redirection) that is closed by now."""
    return structlog.PrintLogger(sys.stderr)
