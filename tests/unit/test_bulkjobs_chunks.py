"""render_many's chunking: whole chunks while names follow, shorter ones once the input is used up."""

from __future__ import annotations

import pytest

from netdb.bulkjobs import MIN_TAIL_CHUNK, _Chunks


def _sizes(count: int, size: int, jobs: int) -> list[int]:
    chunks = _Chunks(iter(str(i) for i in range(count)), size, jobs)
    out: list[list[str | bytes]] = []
    while True:
        got = chunks.next()
        if not got:
            break
        out.append(got)
    assert [n for c in out for n in c] == [str(i) for i in range(count)]  # every name once, in order
    return [len(c) for c in out]


@pytest.mark.parametrize(("count", "size", "jobs"), [(10_000, 512, 2), (503, 37, 3), (100, 512, 2), (1, 512, 4),
                                                     (0, 512, 2), (5000, 64, 8)])
def test_chunks_shrink_towards_the_end(count: int, size: int, jobs: int) -> None:
    sizes = _sizes(count, size, jobs)
    assert sum(sizes) == count
    assert sizes == sorted(sizes, reverse=True)
    assert all(s <= size for s in sizes)
    # the tail: no chunk but the last is under MIN_TAIL_CHUNK (unless the chunk size itself is)
    assert all(s >= min(MIN_TAIL_CHUNK, size) for s in sizes[:-1])
    if count > 4 * jobs * size:
        assert sizes[0] == size and sizes[-2] < size  # whole chunks first, short ones last


def test_the_last_chunks_are_short() -> None:
    sizes = _sizes(10_000, 512, 2)
    assert sizes[-1] <= MIN_TAIL_CHUNK and sizes[-4:] == sorted(sizes[-4:], reverse=True)
    assert sum(sizes[-4:]) < 512  # the workers' last pieces together are less than one whole chunk
