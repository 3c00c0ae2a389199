"""The web front of Tally: server-rendered pages for people (operators first), one stylesheet, a
little hand-written JavaScript, nothing loaded from elsewhere."""
