"""The chunk prefetcher: same items, same exception at the same place, stops when abandoned."""

import threading

import pytest

from prima.tabular import prefetch
from prima.tabular.prefetch import prefetched


@pytest.fixture(params=[1, 2], ids=["one core", "two cores"])
def cores(request, monkeypatch):
    monkeypatch.setattr(prefetch, "_cores", lambda: request.param)
    return request.param


def test_items_come_in_order(cores):
    assert list(prefetched(iter(range(1000)), depth=2)) == list(range(1000))


def test_the_producer_runs_in_a_thread_on_two_cores(cores):
    where = []

    def items():
        where.append(threading.current_thread() is threading.main_thread())
        yield 1

    assert list(prefetched(items())) == [1]
    assert where == [cores == 1]


def test_an_error_comes_after_the_items_before_it(cores):
    def items():
        yield 1
        yield 2
        raise ValueError("baris 4: rusak")

    stream = prefetched(items())
    assert [next(stream), next(stream)] == [1, 2]
    with pytest.raises(ValueError, match="baris 4: rusak"):
        next(stream)


def test_an_abandoned_iteration_stops_and_closes_the_producer(cores):
    closed = threading.Event()
    produced = []

    def items():
        try:
            for i in range(10**6):
                produced.append(i)
                yield i
        finally:
            closed.set()

    stream = prefetched(items(), depth=2)
    assert next(stream) == 0
    stream.close()
    assert closed.wait(5)
    assert len(produced) <= 4  # the one taken, the queue of two, one waiting to be put
    assert [t for t in threading.enumerate() if t.name == "prima-prefetch"] == []
