"""Median and median absolute deviation of a gmina's shares, the columns kept sorted from one
protocol to the next.

Each protocol event changes one precinct of its gmina's group, and the outlier detector needs
every share's median and spread over the group: sorting every column again costs the size of the
gmina on every event. So the sorted columns of the last group seen are remembered (by identity,
holding the group, so an id is never reused while remembered) and moved to the next group by
taking out the changed precinct's old values and putting in its new ones. The results are the
very floats ``statistics.median`` gives: only how they are found differs.
"""

from __future__ import annotations

import bisect
from operator import itemgetter
from typing import Final

Group = dict[str, dict[str, float]]
"""precinct -> share name -> share."""
Columns = dict[str, list[float]]
"""share name -> its values over the group's precincts, sorted."""

_MEMO_SIZE: Final = 4096
_memo: dict[int, tuple[Group, Columns]] = {}


def columns(group: Group, previous: Group | None = None, changed: str | None = None) -> Columns:
    """Each share's values over ``group``, sorted. When ``group`` is ``previous`` but for
    precinct ``changed`` and ``previous``'s columns are remembered, those are updated instead."""
    found = None
    if previous is not None and changed is not None:
        found = _moved(group, previous, changed)
    if found is None:
        found = _sorted(group)
    if len(_memo) >= _MEMO_SIZE:
        _memo.clear()
    _memo[id(group)] = (group, found)
    return found


def _sorted(group: Group) -> Columns:
    shares = list(group.values())
    return {name: sorted(_present(shares, name)) for name in set().union(*shares)}


def _present(shares: list[dict[str, float]], name: str) -> list[float]:
    try:
        return list(map(itemgetter(name), shares))  # every precinct has it: the usual case
    except KeyError:
        return [values[name] for values in shares if name in values]


def _moved(group: Group, previous: Group, changed: str) -> Columns | None:
    remembered = _memo.pop(id(previous), None)  # the previous group is never asked for again
    if remembered is None or remembered[0] is not previous:
        return None
    found = remembered[1]
    for name, value in previous.get(changed, {}).items():
        column = found.get(name, [])
        at = bisect.bisect_left(column, value)
        if at == len(column) or column[at] != value:
            return None  # not the remembered group's value: sort afresh
        del column[at]
        if not column:
            del found[name]
    for name, value in group.get(changed, {}).items():
        bisect.insort(found.setdefault(name, []), value)
    return found


def median(ordered: list[float]) -> float:
    """``statistics.median`` of sorted values."""
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def spread(ordered: list[float], centre: float) -> float:
    """``statistics.median(abs(v - centre) for v in ordered)``, picked from the two sorted runs
    of distances either side of ``centre`` without making them (``centre - v`` below it is the
    very float ``abs(v - centre)``: rounding is symmetric)."""
    size = len(ordered)
    split = bisect.bisect_left(ordered, centre)

    def below(i: int) -> float:  # the i-th smallest distance under the centre
        return centre - ordered[split - 1 - i]

    def above(j: int) -> float:  # the j-th smallest distance at or over it
        return ordered[split + j] - centre

    def smallest(k: int) -> float:
        """The k-th smallest distance (from 0): the k + 1 smallest are the i smallest below
        and the k + 1 - i smallest above, for the least i where the next one above is no
        further than the next one below."""
        low, high = max(0, k + 1 - (size - split)), min(k + 1, split)
        while low < high:
            i = (low + high) // 2
            if above(k - i) > below(i):
                low = i + 1
            else:
                high = i
        taken = [below(low - 1)] if low else []
        if k + 1 - low:
            taken.append(above(k - low))
        return max(taken)

    half = size // 2
    if size % 2:
        return smallest(half)
    return (smallest(half - 1) + smallest(half)) / 2
