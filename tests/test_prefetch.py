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


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(prefetch, "_cores", lambda: 2)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_ordered_map_keeps_the_order_whatever_finishes_first(two_cores, workers):
    import random
    import time

    def slow_square(i):
        time.sleep(random.random() / 2000)
        return i * i

    assert list(prefetch.ordered_map(iter(range(300)), slow_square, workers)) == [
        i * i for i in range(300)
    ]


def test_ordered_map_raises_a_work_error_after_the_results_before_it(two_cores):
    def work(i):
        if i == 5:
            raise ValueError("baris 7: rusak")
        return i

    stream = prefetch.ordered_map(iter(range(100)), work, 2)
    assert [next(stream) for _ in range(5)] == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="baris 7: rusak"):
        next(stream)


def test_ordered_map_raises_a_jobs_error_in_its_place(two_cores):
    def jobs():
        yield 1
        yield 2
        raise OSError("disk")

    stream = prefetch.ordered_map(jobs(), lambda i: i * 10, 2)
    assert [next(stream), next(stream)] == [10, 20]
    with pytest.raises(OSError, match="disk"):
        next(stream)


def test_ordered_map_abandoned_stops_its_threads_and_closes_the_jobs(two_cores):
    closed = threading.Event()
    produced = []

    def jobs():
        try:
            for i in range(10**6):
                produced.append(i)
                yield i
        finally:
            closed.set()

    stream = prefetch.ordered_map(jobs(), lambda i: i, 2, ahead=1)
    assert next(stream) == 0
    stream.close()
    assert closed.is_set()
    assert len(produced) <= 5  # the one taken and at most workers + ahead more
    assert [t for t in threading.enumerate() if t.name.startswith("prima-split")] == []


def test_the_csv_reader_splits_in_threads_only_with_a_core_to_spare(monkeypatch, tmp_path):
    from prima.tabular import csv_reader, read_table

    path = tmp_path / "a.csv"
    path.write_text("U1,U2\n" + "1,2\n" * 50)
    used = []
    real = csv_reader.ordered_map

    def noted(jobs, work, workers=2, ahead=1):
        used.append(workers)
        return real(jobs, work, workers, ahead)

    monkeypatch.setattr(csv_reader, "ordered_map", noted)
    for spare, workers in ((1.6, 2), (0.2, 1)):
        monkeypatch.setattr(csv_reader, "spare_cores", lambda spare=spare: spare)
        values = next(read_table(path).chunks(["U1", "U2"]))[0]
        assert values.sum() == 150
        assert used[-1] == workers
