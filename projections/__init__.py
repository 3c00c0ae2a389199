"""Projections: pure folds of the event log into views, and the runner's pure core (``core``)."""

from __future__ import annotations

from projections import alerts, audit_trail, progress, tally, turnout

ALL = (tally, progress, turnout, alerts, audit_trail)
"""Every projection the runner keeps current (modules with NAME, VERSION, TABLES, apply)."""
