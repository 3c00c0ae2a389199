"""A synthetic national local election for drills: territory, ballots, counts, plants."""
