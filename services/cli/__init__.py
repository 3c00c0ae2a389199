"""The ``tally`` command: the parser (``main``) and one module per command group."""
