"""The log's Merkle tree (RFC 6962): the head equals the definition's recursion, every leaf's
inclusion proof verifies against it and fails for another leaf, place or head; every prefix's
consistency proof verifies and fails against a changed history."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from domain import merkle

sizes = st.integers(1, 70)


def _leaves(n: int, salt: int = 0) -> list[bytes]:
    return [merkle.leaf_hash(f"{salt}:{i}".encode()) for i in range(n)]


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1, as written."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


@given(st.integers(0, 130))
def test_the_head_is_the_definitions_also_leaf_by_leaf(n: int) -> None:
    leaves = _leaves(n)
    assert _mth(leaves) == merkle.root(leaves)
    frontier: merkle.Frontier = ()
    for i, leaf in enumerate(leaves, 1):
        frontier = merkle.extend(frontier, leaf)
        assert sum(size for size, _ in frontier) == i
    assert merkle.frontier_root(frontier) == _mth(leaves)


@given(sizes, st.data())
def test_every_leaf_is_proved_and_nothing_else(n: int, data: st.DataObject) -> None:
    leaves = _leaves(n)
    head = merkle.root(leaves)
    index = data.draw(st.integers(0, n - 1))
    path = merkle.inclusion_proof(leaves, index)
    assert merkle.included(leaves[index], index, n, path, head)
    assert not merkle.included(merkle.leaf_hash(b"forged"), index, n, path, head)
    if n > 1:
        other = data.draw(st.integers(0, n - 1).filter(lambda i: i != index))
        assert not merkle.included(leaves[index], other, n, path, head)
    assert not merkle.included(leaves[index], index, n, path, merkle.root(_leaves(n, 1)))
    if path:
        broken = [*path[:-1], merkle.leaf_hash(b"x")]
        assert not merkle.included(leaves[index], index, n, broken, head)


@given(sizes, st.data())
def test_every_prefix_is_consistent_and_a_changed_history_is_not(
    n: int, data: st.DataObject
) -> None:
    leaves = _leaves(n)
    m = data.draw(st.integers(1, n))
    proof = merkle.consistency_proof(leaves, m)
    old_head, head = merkle.root(leaves[:m]), merkle.root(leaves)
    assert merkle.consistent(m, old_head, n, head, proof)
    changed = _leaves(m, 1) + leaves[m:]
    assert not merkle.consistent(m, merkle.root(changed[:m]), n, head, proof)
    if m < n:
        assert not merkle.consistent(m, old_head, n, merkle.root(_leaves(n, 2)), proof)
        assert not merkle.consistent(m, old_head, n, head, proof[:-1])
