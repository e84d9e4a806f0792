"""RFC 2782 ordering of SRV records, SRV names, and the shared deadline (no network)."""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest

import netdb
from netdb.deadlines import current_deadline, earliest
from netdb.srv import SrvError, SrvRecord, proto_of, rfc2782_order, srv_name


def rec(priority: int, weight: int, target: str) -> SrvRecord:
    return SrvRecord(priority, weight, 5222, target)


MIXED = [rec(20, 0, "p20"), rec(10, 60, "a"), rec(30, 5, "p30"), rec(10, 30, "b"), rec(10, 10, "c"),
         rec(10, 0, "zero")]


def test_priorities_are_strict_whatever_the_weights() -> None:
    for seed in range(300):
        order = rfc2782_order(MIXED, seed)
        priorities = [r.priority for r in order]
        assert priorities == sorted(priorities)
        assert sorted(order) == sorted(MIXED)  # a permutation: nothing lost or repeated
        assert [r.target for r in order][-2:] == ["p20", "p30"]


def test_first_pick_is_proportional_to_weight() -> None:
    # Weights 60/30/10/0 draw from 0..100: a wins 60 draws of 101, b 30, c 10, the weight-0 record 1.
    runs = 6000
    first = Counter(rfc2782_order(MIXED, seed)[0].target for seed in range(runs))
    expected = {"a": 60 / 101, "b": 30 / 101, "c": 10 / 101, "zero": 1 / 101}
    assert set(first) <= set(expected)
    for target, share in expected.items():
        assert abs(first[target] / runs - share) < 0.03, (target, first)
    assert first["a"] > first["b"] > first["c"] > first["zero"]


def test_second_pick_follows_the_remaining_weights() -> None:
    # once a (60) is taken, b (30) should come next about three times as often as c (10)
    seconds = Counter()
    for seed in range(4000):
        order = rfc2782_order(MIXED, seed)
        if order[0].target == "a":
            seconds[order[1].target] += 1
    ratio = seconds["b"] / seconds["c"]
    assert 2.3 < ratio < 3.9, seconds


def test_same_seed_same_order_and_a_random_instance_works() -> None:
    assert rfc2782_order(MIXED, 7) == rfc2782_order(MIXED, 7)
    assert rfc2782_order(MIXED, random.Random(7)) == rfc2782_order(MIXED, 7)
    orders = {tuple(r.target for r in rfc2782_order(MIXED, seed)) for seed in range(50)}
    assert len(orders) > 3  # it is random across seeds


def test_all_zero_weights_keep_answer_order() -> None:
    # every draw is 0, which the first remaining record reaches at once
    group = [rec(1, 0, "x"), rec(1, 0, "y"), rec(1, 0, "z")]
    for seed in range(20):
        assert [r.target for r in rfc2782_order(group, seed)] == ["x", "y", "z"]


def test_zero_weight_records_go_first_then_are_rarely_drawn() -> None:
    # a weight-0 record listed after a heavy one is still drawn first on a draw of 0 (1 in 101)
    group = [rec(1, 100, "heavy"), rec(1, 0, "light")]
    first = Counter(rfc2782_order(group, seed)[0].target for seed in range(5000))
    assert 0.002 < first["light"] / 5000 < 0.025


def test_bad_rng() -> None:
    with pytest.raises(TypeError):
        rfc2782_order(MIXED, "seed")  # type: ignore[arg-type]


def test_srv_names() -> None:
    assert srv_name("xmpp-client", "tcp", "example.com") == "_xmpp-client._tcp.example.com"
    assert srv_name("_sip", "_udp", "example.com.") == "_sip._udp.example.com."
    assert proto_of("_sip._udp.example.com") == "udp"
    assert proto_of("_xmpp._TCP.example.com") == "tcp"
    assert proto_of("plain.example.com") == "tcp"
    for bad in (("", "tcp", "d"), ("x", "", "d"), ("a.b", "tcp", "d")):
        with pytest.raises(ValueError):
            srv_name(*bad)


def test_srv_error_text_and_temporary() -> None:
    e = SrvError("_x._tcp.test", "nxdomain")
    assert str(e) == "_x._tcp.test: no such name (NXDOMAIN)" and not e.temporary
    assert SrvError("n", "timeout").temporary and SrvError("n", "servfail").temporary
    assert not SrvError("n", "unavailable").temporary


# -- netdb.deadline ---------------------------------------------------------------------------


def test_deadline_nests_and_only_shortens() -> None:
    assert current_deadline() is None
    with netdb.deadline(5) as outer:
        assert current_deadline() == outer.when
        with netdb.deadline(60) as inner:  # cannot extend the outer one
            assert inner.when == outer.when
        with netdb.deadline(0.5) as short:
            assert short.when < outer.when and current_deadline() == short.when
        assert current_deadline() == outer.when
        assert 4 < outer.remaining() <= 5 and not outer.expired
    assert current_deadline() is None


def test_resolver_timeout_and_deadline_the_earlier_wins() -> None:
    assert earliest(None) is None
    now = time.monotonic()
    own = earliest(3.0)
    assert own is not None and now + 2.9 < own < now + 3.5
    with netdb.deadline(1.0) as d:
        assert earliest(3.0) == d.when
        assert earliest(None) == d.when
        later = earliest(0.01)
        assert later is not None and later < d.when


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_deadline_rejects_bad_seconds(bad: float) -> None:
    with pytest.raises(ValueError), netdb.deadline(bad):
        pass


def test_deadline_rejects_non_numbers() -> None:
    with pytest.raises(TypeError), netdb.deadline("2"):  # type: ignore[arg-type]
        pass
