"""Election definitions: checking a definition file (``domain.definition_plan`` turns a checked
file into the events that record it)."""
