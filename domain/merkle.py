"""A Merkle tree over the event log, as RFC 6962 (Certificate Transparency) defines it (§2.1).

Leaves are hashes already (``leaf_hash``: ``H(0x00 || data)``); an inner node is
``H(0x01 || left || right)``; the tree of ``n`` leaves splits at the largest power of two below
``n``. SHA-256 throughout. Three things are computed and checked:

- the tree head: ``root(leaves)``;
- an inclusion proof (audit path) of leaf ``m`` in the tree of ``n`` leaves, checked against a
  head with ``included``;
- a consistency proof that the tree of ``m`` leaves is a prefix of the tree of ``n``, checked
  against both heads with ``consistent`` (RFC 9162 §2.1.4.2's verification).

Pure functions over byte strings; ``root`` and the proofs take the leaf hashes in order.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

LEAF: Final = b"\x00"
NODE: Final = b"\x01"
EMPTY: Final = hashlib.sha256(b"").digest()
"""The head of the empty tree."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


Frontier = tuple[tuple[int, bytes], ...]
"""A tree's complete subtrees, largest first: (leaves in it, its head). Enough to extend the
tree leaf by leaf and to compute its head, in O(log n) space: what a checkpoint keeps so the
next one continues from it without reading the log from the start."""


def extend(frontier: Frontier, leaf: bytes) -> Frontier:
    """``frontier`` with one more leaf."""
    stack = list(frontier)
    size, node = 1, leaf
    while stack and stack[-1][0] == size:
        left_size, left = stack.pop()
        size, node = left_size + size, node_hash(left, node)
    stack.append((size, node))
    return tuple(stack)


def frontier_root(frontier: Frontier) -> bytes:
    """The head of the tree ``frontier`` stands for (its subtrees merged right to left)."""
    if not frontier:
        return EMPTY
    node = frontier[-1][1]
    for _, left in reversed(frontier[:-1]):
        node = node_hash(left, node)
    return node


def root(leaves: Sequence[bytes]) -> bytes:
    """The tree head of ``leaves`` (leaf hashes), in linear time."""
    frontier: Frontier = ()
    for leaf in leaves:
        frontier = extend(frontier, leaf)
    return frontier_root(frontier)


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``leaves``."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} is not in a tree of {len(leaves)}")
    path: list[bytes] = []
    low, high = 0, len(leaves)
    while high - low > 1:
        k = _split(high - low)
        if index - low < k:
            path.append(root(leaves[low + k : high]))
            high = low + k
        else:
            path.append(root(leaves[low : low + k]))
            low += k
    path.reverse()
    return path


def included(leaf: bytes, index: int, size: int, path: Sequence[bytes], head: bytes) -> bool:
    """Whether ``path`` proves ``leaf`` at ``index`` in the tree of ``size`` leaves with
    ``head`` (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        return False
    walked = _walk(index, size - 1, leaf, path)
    return walked is not None and walked[0] == 0 and walked[2] == head


def _walk(fn: int, sn: int, start: bytes, path: Sequence[bytes]) -> tuple[int, bytes, bytes] | None:
    """RFC 9162's climb from a node to the head: (what is left of ``sn``, the left-side hash,
    the full hash), or None when the path is longer than the tree is high."""
    fr = sr = start
    for sibling in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            fr, sr = node_hash(sibling, fr), node_hash(sibling, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, sibling)
        fn >>= 1
        sn >>= 1
    return sn, fr, sr


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """The proof that the first ``old_size`` leaves' tree is a prefix of the whole tree
    (RFC 6962 §2.1.2, SUBPROOF)."""
    if not 0 < old_size <= len(leaves):
        raise IndexError(f"no tree of {old_size} leaves inside one of {len(leaves)}")
    return _subproof(leaves, old_size, complete=True)


def _subproof(leaves: Sequence[bytes], m: int, *, complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(leaves[:k], m, complete=complete), root(leaves[k:])]
    return [*_subproof(leaves[k:], m - k, complete=False), root(leaves[:k])]


def consistent(old_size: int, old_head: bytes, size: int, head: bytes,
               proof: Sequence[bytes]) -> bool:  # fmt: skip
    """Whether ``proof`` shows the tree of ``old_size`` leaves with ``old_head`` is a prefix of
    the tree of ``size`` leaves with ``head`` (RFC 9162 §2.1.4.2)."""
    if not 0 < old_size <= size:
        return False
    if old_size == size:
        return not proof and old_head == head
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old head starts the path
        path.insert(0, old_head)
    if not path:
        return False
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    walked = _walk(fn, sn, path[0], path[1:])
    return walked is not None and walked == (0, old_head, head)
