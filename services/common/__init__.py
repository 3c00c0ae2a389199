"""Leaf helpers every wing may use and that know nothing of Tally: logging set-up, reading
people's JSON files, a progress bar, a temporary environment."""
