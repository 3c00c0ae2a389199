"""Election definitions: checking a definition file and planning the events that record it."""
