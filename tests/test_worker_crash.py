"""A worker process that really dies (SIGSEGV, SIGKILL, out of memory) costs one dossier, never the batch,
never the run, never a silent pass; workers never outlive their parent."""

from __future__ import annotations

import ctypes
import datetime as dt
import faulthandler
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from casekit import apply_edits, load_base
from cek_integrasi.cli import main
from cek_integrasi.evaluation import workers
from cek_integrasi.evaluation.evaluate import Checker
from cek_integrasi.packs.rulepack import load_pack
from cek_integrasi.evaluation.pool import Pool
from cek_integrasi.evaluation.workers import Request
from cek_integrasi.packs.facts import Context

AS_OF = ["--as-of", "2014-03-01"]


def _segfault() -> None:
    # pytest's faulthandler, inherited by the forked worker, would print "Fatal Python error:
    # Segmentation fault" and a stack into a passing run: this crash is meant, so it dies quietly.
    faulthandler.disable()
    ctypes.string_at(0)  # reads address 0: the worker process dies of SIGSEGV, like the C engine's crash


@pytest.fixture()
def batch(tmp_path):
    base = load_base("desa_lengkap.yaml")
    for i, name in enumerate(["Bonto Bangun", "Desa Mogok", "Bulo Lohe", "Bonto Sallang"]):
        data = apply_edits(base, {"set": {"kode": f"73.02.05.20{i:02d}", "nama": name}})
        (tmp_path / f"{i}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return tmp_path


def _run(folder):
    result = CliRunner().invoke(main, ["check", str(folder), "--format", "json", "--jobs", "2", *AS_OF], catch_exceptions=False)
    return result.exit_code, json.loads(result.output)


def test_a_dossier_that_kills_its_worker_twice_is_an_error_for_manual_review(batch, monkeypatch):
    original = Checker.judge_many

    def crashing(self, items, *args, **kwargs):
        if any(dossier.nama == "Desa Mogok" for _, dossier in items):
            _segfault()
        return original(self, items, *args, **kwargs)

    monkeypatch.setattr(Checker, "judge_many", crashing)  # workers are forked from this process, patch included
    code, report = _run(batch)
    assert code == 1
    by_name = {d["name"]: d for d in report["dossiers"]}
    assert list(by_name) == ["Bonto Bangun", "Desa Mogok", "Bulo Lohe", "Bonto Sallang"]
    crashed = by_name["Desa Mogok"]
    assert set(crashed["results"].values()) == {"error"} and crashed["verdict"] is None
    assert {f["rule"] for f in crashed["findings"]} == set(crashed["results"])
    assert all("perlu diperiksa manual" in f["message"] and "berhenti mendadak" in f["message"] for f in crashed["findings"])
    for name in ("Bonto Bangun", "Bulo Lohe", "Bonto Sallang"):
        assert by_name[name]["findings"] == [] and by_name[name]["verdict"] == "WAJIB"
    assert report["input_errors"] == []


def test_a_dossier_whose_worker_died_once_is_retried_alone_and_reported_normally(batch, monkeypatch, tmp_path_factory):
    marker = tmp_path_factory.mktemp("marker") / "crashed-once"
    original = Checker.judge_many

    def crash_once(self, items, *args, **kwargs):
        if any(dossier.nama == "Desa Mogok" for _, dossier in items) and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), 9)
        return original(self, items, *args, **kwargs)

    monkeypatch.setattr(Checker, "judge_many", crash_once)
    code, report = _run(batch)
    assert code == 0 and marker.exists()
    assert [d["verdict"] for d in report["dossiers"]] == ["WAJIB"] * 4


def _batch_with(folder, name: str):
    """The batch fixture's four dossiers and a fifth, `name`, that the test makes deadly."""
    (folder / name).write_text((folder / "0.yaml").read_text("utf-8").replace("73.02.05.2000", "73.02.05.2099"), "utf-8")
    return folder


def test_a_file_that_kills_every_worker_reading_it_is_reported_and_the_parent_never_reads_it(batch, monkeypatch):
    parent, read_here = os.getpid(), []
    original = workers.load_dossier

    def deadly(path, *args, **kwargs):
        if path.name == "boros.yaml":
            if os.getpid() == parent:
                read_here.append(path)  # the parent reading it could be what exhausts the machine
            else:
                os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer does
        return original(path, *args, **kwargs)

    monkeypatch.setattr(workers, "load_dossier", deadly)
    code, report = _run(_batch_with(batch, "boros.yaml"))
    assert code == 2 and read_here == []
    assert [d["name"] for d in report["dossiers"]] == ["Bonto Bangun", "Desa Mogok", "Bulo Lohe", "Bonto Sallang"]
    assert all(d["verdict"] == "WAJIB" for d in report["dossiers"])
    [problem] = report["input_errors"]
    assert problem["file"].endswith("boros.yaml")
    assert problem["message"].startswith("tidak dapat dinilai, perlu diperiksa manual: proses pemeriksa berhenti mendadak")


def test_a_file_that_exhausts_the_worker_memory_limit_is_a_finding_for_manual_review(batch, monkeypatch):
    monkeypatch.setenv(workers.MEMORY_VARIABLE, "2500")
    original = workers.load_dossier

    def greedy(path, *args, **kwargs):
        if path.name == "boros.yaml":
            return [bytearray(1024 * 1024) for _ in range(4000)]  # 4 GB, page by page: past the limit
        return original(path, *args, **kwargs)

    monkeypatch.setattr(workers, "load_dossier", greedy)
    code, report = _run(_batch_with(batch, "boros.yaml"))
    assert code == 2 and len(report["dossiers"]) == 4
    [problem] = report["input_errors"]
    assert problem["file"].endswith("boros.yaml")
    assert problem["message"].startswith("tidak dapat dinilai, perlu diperiksa manual: memeriksa file ini memerlukan memori lebih dari batas")
    assert "(2500 MB; CEK_INTEGRASI_WORKER_MEMORY_MB)" in problem["message"]


def _limit_of_a_worker(_files, _request):
    return [(resource.getrlimit(resource.RLIMIT_AS)[0], workers._address_space())]


@pytest.mark.parametrize("setting, added", [("1234", 1234 * 1024 * 1024), ("0", None), ("", workers.WORKER_MEMORY_MB * 1024 * 1024)])
def test_workers_run_under_the_configured_memory_limit(monkeypatch, setting, added):
    """The cap is the worker's size when it started plus the setting (0: none)."""
    monkeypatch.setenv(workers.MEMORY_VARIABLE, setting)
    if setting == "0" and resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY:
        pytest.skip("this test process already runs under a memory limit")
    with Pool(load_pack(), 1, start="fork", task=_limit_of_a_worker) as pool:
        [(limit, size_now)] = pool.check([("x.yaml", b"")], Request(Context(as_of=dt.date(2014, 3, 1))))
    if added is None:
        assert limit == resource.RLIM_INFINITY
    else:
        assert 0 < limit - added <= size_now  # its size at start, which has only grown since


ORPHANS = """
import os, sys, time
from pathlib import Path
from cek_integrasi.packs.rulepack import load_pack
from cek_integrasi.evaluation.pool import Pool
from cek_integrasi.evaluation.workers import Request
from cek_integrasi.packs.facts import Context
import datetime as dt
from cek_integrasi.evaluation.pool import Pool
from cek_integrasi.evaluation.workers import Request
from cek_integrasi.packs.facts import Context

def sleepy(files, request):
    time.sleep(120)

if __name__ == "__main__":
    pool = Pool(load_pack(), 2, start="fork", task=sleepy)
    print("ready", flush=True)
    list(pool.stream([(0, "a.yaml", b""), (1, "b.yaml", b"")], lambda batch: Request(Context(as_of=dt.date(2014, 3, 1)))))
"""


def _descendants(pid: int) -> set[int]:
    """The live processes below `pid`: its workers, and those a fork server started for it."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    out, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - out
        out |= frontier
    return out


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


SERVICE_ORPHANS = """
import datetime as dt, time
from cek_integrasi.packs.facts import Context
from cek_integrasi.packs.rulepack import load_pack
from cek_integrasi.evaluation.pool import Pool
from cek_integrasi.evaluation.workers import Request

def sleepy(files, request):
    time.sleep(120)

if __name__ == "__main__":  # its workers start from a fork server, which imports this file as a module
    pool = Pool(load_pack(), jobs=1, timeout=300, task=sleepy)
    print("ready", flush=True)
    pool.check([("a.yaml", b"jenis: desa")], Request(Context(as_of=dt.date(2014, 3, 1))))
"""


@pytest.mark.parametrize("source,workers", [(ORPHANS, 2), (SERVICE_ORPHANS, 1)], ids=["check", "service"])
def test_workers_exit_when_their_parent_is_killed(tmp_path, source, workers):
    script = tmp_path / "orphans.py"
    script.write_text(source, "utf-8")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while len(_descendants(parent.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        workers_of_parent = _descendants(parent.pid)
        assert len(workers_of_parent) >= workers
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers_of_parent) and time.monotonic() < deadline:
        time.sleep(0.2)
    survivors = [pid for pid in workers_of_parent if _alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


def test_a_dossier_past_the_memory_limit_in_the_engine_costs_only_itself(batch, monkeypatch):
    original = Checker.judge_many

    def greedy(self, items, *args, **kwargs):
        if any(dossier.kode == "73.02.05.2099" for _, dossier in items):
            raise MemoryError  # as the engine would past the worker's address-space limit
        return original(self, items, *args, **kwargs)

    monkeypatch.setattr(Checker, "judge_many", greedy)
    _batch_with(batch, "2_boros.yaml")
    result = CliRunner().invoke(main, ["check", str(batch), "--format", "json", "--jobs", "1", *AS_OF], catch_exceptions=False)
    report = json.loads(result.output)  # one worker, batches of two: 2_boros.yaml shares its batch with 2.yaml
    assert result.exit_code == 2
    assert [d["name"] for d in report["dossiers"]] == ["Bonto Bangun", "Desa Mogok", "Bulo Lohe", "Bonto Sallang"]
    [problem] = report["input_errors"]
    assert problem["file"].endswith("2_boros.yaml") and "perlu diperiksa manual" in problem["message"]


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_where_the_start_method_does_not_exist_workers_are_spawned(start, monkeypatch):
    """On Windows there is neither fork nor a fork server: the pool spawns its workers and checks as anywhere."""
    import multiprocessing

    asked, get_context = [], multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: asked.append(method) or get_context(method))
    village = Path(__file__).resolve().parents[1] / "samples" / "rilau_ale" / "01_bonto_bangun_lengkap.yaml"
    with Pool([load_pack("pti")], 1, start=start) as pool:
        outcome = pool.check([(village.name, village.read_bytes())], Request(Context(as_of=dt.date(2014, 3, 1)), languages=()))[0]
    assert asked == ["spawn"]
    assert outcome.judged_json and outcome.head["name"] == "Bonto Bangun"


def test_a_pool_told_to_start_now_starts_its_workers_before_its_first_task():
    """`server recheck`'s pool starts its workers as it is made, in the background (the command opens its store
    meanwhile); another pool starts them at its first task. Closing a pool still starting leaves no worker behind."""
    import multiprocessing

    before = set(multiprocessing.active_children())
    with Pool([load_pack("pti")], 1):
        time.sleep(1)
        assert set(multiprocessing.active_children()) - before == set()  # the local page's pools: no task, no worker
    with Pool([load_pack("pti")], 2, start_now=True):
        deadline = time.monotonic() + 60
        while len(set(multiprocessing.active_children()) - before) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        started = set(multiprocessing.active_children()) - before
        assert len(started) == 2  # no task was given
    assert not any(process.is_alive() for process in started)
    with Pool([load_pack("pti")], 1, start_now=True):
        pass  # closed at once, while its worker may still be starting
    assert set(multiprocessing.active_children()) - before == set()
