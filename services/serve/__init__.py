"""``tally serve``: the composition root. Settings read once, connections made once, the
command service, the gateway and the projector started and stopped together."""
