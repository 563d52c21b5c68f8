"""The pool's `map` (what a roster's screening uses): the results in order, its calls read only as they are sent,
and a call past the time limit or whose worker dies raised to its caller, the pool still working after; a forked
pool told to start now has its workers at once, and a worker builds the dossier validators as it starts."""

from __future__ import annotations

import os
import signal
import time

import pytest

from cek_integrasi.evaluation.pool import Pool, WorkerDied
from cek_integrasi.packs.rulepack import load_pack


def _square(x: int) -> int:
    return x * x


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture(scope="module")
def pool():
    with Pool([load_pack("pti")], 2, start="fork", timeout=2) as made:
        yield made


def test_results_come_in_order_and_the_calls_are_read_only_as_they_are_sent(pool):
    """At most two calls per worker are asked for ahead of the result handed back: a caller making its calls
    as they are read (a roster's row checks) works while the workers do."""
    asked: list[int] = []

    def calls():
        for x in range(20):
            asked.append(x)
            yield (x,)

    seen = []
    for result in pool.map(_square, calls()):
        seen.append(result)
        assert len(asked) <= len(seen) + 4  # jobs * 2 in flight
    assert seen == [x * x for x in range(20)]
    assert asked == list(range(20))


def test_a_call_past_the_time_limit_is_a_timeout_and_the_pool_goes_on(pool):
    with pytest.raises(TimeoutError, match="_sleep took longer than 2 s"):
        list(pool.map(_sleep, [(0,), (30,), (0,)]))
    assert list(pool.map(_square, [(3,)])) == [9]


def test_a_call_whose_worker_dies_is_worker_died_and_the_pool_goes_on(pool):
    with pytest.raises(WorkerDied):
        list(pool.map(_die, [()]))
    assert list(pool.map(_square, [(4,), (5,)])) == [16, 25]


def _validators_built() -> tuple[bool, bool]:
    from cek_integrasi.dossiers.model import DesaDossier, KecamatanDossier

    return DesaDossier.__pydantic_complete__, KecamatanDossier.__pydantic_complete__


def test_a_forked_pool_told_to_start_now_has_its_workers_as_it_is_made():
    """`check` and `screen`: the workers are forked as the pool is made, from the caller's thread, and get ready
    while the command reads its inputs."""
    import multiprocessing

    before = set(multiprocessing.active_children())
    with Pool([load_pack("pti")], 2, start="fork", start_now=True):
        assert len(set(multiprocessing.active_children()) - before) >= 2  # the module's pool may be replacing a worker too


def test_a_worker_builds_the_dossier_validators_as_it_starts():
    """Built when the worker starts, not at its first dossier (a spawned worker: nothing inherited)."""
    with Pool([load_pack("pti")], 1, start="spawn") as spawned:
        assert list(spawned.map(_validators_built, [()])) == [(True, True)]
