"""Who is elected: the Kodeks wyborczy rules as pure functions over vote counts (no I/O).

Every result says which rule decided each seat or winner (``articles.Rule``), and where the
rules run out it says so (``precedence.Lot``: among whom, for how many places) instead of
choosing: a lot is drawn by the commission, never by the code. Arithmetic is exact (integers and
``fractions.Fraction``): a D'Hondt quotient or a threshold is never a float.

- ``precedence``: ordering contenders by criteria in turn, the rest left to a lot.
- ``proportional``: thresholds and D'Hondt per district (art. 416, 444, 445).
- ``candidates``: seats inside a list (art. 444 § 3), single-member districts (art. 443),
  districts without a vote (art. 380).
- ``mayor``: wójt / burmistrz / prezydent miasta, round 1, the runoff and the YES/NO ballot.
"""
