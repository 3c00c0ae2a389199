from __future__ import annotations

import random  # noqa: TC003 - hypothesis resolves the annotation at run time

from hypothesis import given
from hypothesis import strategies as st

from services.eventstore.envelope import aggregate_from_token, event_hash, subject_token
from services.eventstore.jsapi import parse_header_block

_FORBIDDEN_IN_TOKENS = set(".*> \t\r\n")


@given(st.text(min_size=1, max_size=300))
def test_any_aggregate_id_maps_to_one_safe_subject_token_and_back(aggregate_id):
    """Every id gives a subject token without separators, wildcards or white space, reversibly."""
    token = subject_token(aggregate_id)
    assert not _FORBIDDEN_IN_TOKENS & set(token)
    assert aggregate_id == aggregate_from_token(token)


@given(st.text(min_size=1, max_size=50), st.text(min_size=1, max_size=50))
def test_distinct_ids_never_share_a_subject(a, b):
    """The mapping is one-to-one."""
    if a != b:
        assert subject_token(a) != subject_token(b)


_names = st.sampled_from(["Tally-Type", "Tally-Actor", "Tally-Aggregate-Version", "Nats-Msg-Id"])
_headers = st.dictionaries(
    _names, st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126))
)


@given(_headers, st.binary(max_size=200), st.randoms())
def test_the_hash_ignores_header_order_and_headers_outside_the_envelope(
    headers, payload, rng: random.Random
):
    """Header order on the wire and NATS's own bookkeeping headers do not change an event's hash."""
    shuffled = list(headers.items())
    rng.shuffle(shuffled)
    with_extras = {
        **dict(shuffled),
        "Nats-Sequence": "7",
        "Nats-Expected-Last-Subject-Sequence": "3",
    }
    assert event_hash(headers, payload) == event_hash(with_extras, payload)


@given(_headers, st.binary(max_size=200))
def test_the_hash_covers_every_envelope_header_and_the_payload(headers, payload):
    """Changing the payload or any covered header value changes the hash."""
    original = event_hash(headers, payload)
    assert original != event_hash(headers, payload + b"x")
    for name in headers:
        assert original != event_hash({**headers, name: headers[name] + "x"}, payload)


@given(_headers)
def test_header_blocks_parse_to_what_was_written(headers):
    """The wire form of headers read back from the stream leader parses to the same mapping."""
    raw = "NATS/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    assert headers == parse_header_block(raw.encode())
