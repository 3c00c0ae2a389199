"""Auditing from the log alone: export, replay as of a point, verify chains and views."""
