"""Projections: pure folds of the event log into views, and the runner's pure core."""
