"""Benchmark of `server recheck` (not a test: run it by hand): re-checking a store against `check` on the same files.

    .venv/bin/python bench/recheck.py             # 300 generated villages
    .venv/bin/python bench/recheck.py -n 3000     # 3,000 villages (3,214 dossiers)
    .venv/bin/python bench/recheck.py -n 75000    # the national generated set (80,327 dossiers)

Generates N villages (`cek-integrasi generate --seed 1`, as bench/run.py does), fills a fresh SQLite
store with them (each file's bytes and its dossier as a first version whose result is stale, then a
re-check on 2014-03-01 in this process judges them all: the store then holds what submissions would
have stored), then measures, with the same number of worker processes (--jobs):
`cek-integrasi check` on the files; `server recheck --as-of` a later date (every result stale: all
re-checked and compared with the stored findings); and a second re-check on that date (nothing stale:
nothing redone). Writes bench/recheck_results_nN.json. The commands run with their compiled bytecode kept, as an
installed program has it (PYTHONDONTWRITEBYTECODE, set on this project's machine, is dropped for them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

HERE = Path(__file__).resolve().parent

from cek_integrasi.packs.rulepack import load_packs  # noqa: E402
from cek_integrasi.service.checking import service_pool  # noqa: E402
from cek_integrasi.service.recheck import recheck  # noqa: E402
from cek_integrasi.service.store import Blob, Kecamatan, Setting, Store, Subject, Submission, database_url  # noqa: E402

CLI = Path(sys.executable).with_name("cek-integrasi")
AS_OF, LATER = "2014-03-01", "2014-09-01"
CHUNK = 5000  # files read and inserted at a time


def _row(path: Path) -> tuple[str, str, str]:
    """(code, kind, kecamatan) of a generated file: `<kecamatan>_<name>/00_kecamatan.yaml` or `desa_<code>.yaml`."""
    if path.name == "00_kecamatan.yaml":
        code = path.parent.name.split("_", 1)[0]
        return code, "kecamatan", code
    code = path.stem.removeprefix("desa_")
    return code, "desa", code.rsplit(".", 1)[0]


def fill(store: Store, files: list[Path]) -> None:
    """Every file as the first version of its dossier, its result stale (no pack digest): a re-check judges it."""
    kecamatan = set()
    for start in range(0, len(files), CHUNK):
        blobs, subjects, submissions = {}, [], []
        for n, path in enumerate(files[start : start + CHUNK], start + 1):
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            blobs[sha] = dict(sha256=sha, size=len(data), data=data)
            code, kind, place = _row(path)
            kecamatan.add(place)
            subjects.append(dict(code=code, kind=kind, name=code, kecamatan=place, versions=1, latest_id=n))
            submissions.append(dict(id=n, code=code, version=1, kecamatan=place, filename=path.name, blob_sha256=sha,
                                    as_of=dt.date(2000, 1, 1), pack="pti", pack_digest="", waivers_digest="", verdict=None,
                                    errors=0, warnings=0, result=""))
        with store.writing() as db, db.begin():
            db.execute(insert(Blob), list(blobs.values()))
            db.execute(insert(Subject), subjects)
            db.execute(insert(Submission), submissions)
    with store.writing() as db, db.begin():
        db.execute(insert(Kecamatan), [dict(kode=k, nama=k, kabupaten=k[:5]) for k in sorted(kecamatan)])
        db.add(Setting(key="as_of", value=AS_OF))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=300, help="villages (default 300)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    folder = HERE / "data" / f"n{args.n}-seed1"
    if not folder.exists():
        subprocess.run([str(CLI), "generate", "-n", str(args.n), "-o", str(folder), "--seed", "1"], check=True)
    files = sorted(folder.rglob("*.yaml"))
    with tempfile.TemporaryDirectory(prefix="cek-recheck-bench-") as data:
        store = Store(database_url(Path(data)))
        started = time.perf_counter()
        fill(store, files)
        pool = service_pool(load_packs(), args.jobs, timeout=120)
        filled = recheck(store, pool, dt.date.fromisoformat(AS_OF), by="bench")
        fill_seconds = time.perf_counter() - started
        pool.close()
        store.close()

        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        for warm_up in (["check", str(HERE.parent / "samples" / "rilau_ale"), "--quiet"],  # compile what each command imports
                        ["server", "recheck", "--data", data, "--as-of", AS_OF]):  # nothing stale: nothing changes
            subprocess.run([str(CLI), *warm_up], capture_output=True, env=env)

        def timed(*command: str) -> tuple[float, str]:
            started = time.perf_counter()
            done = subprocess.run([str(CLI), *command], capture_output=True, text=True, env=env)
            return time.perf_counter() - started, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""

        check, _ = timed("check", str(folder), "--as-of", LATER, "--jobs", str(args.jobs), "--format", "json", "-o",
                         str(Path(data) / "check.json"), "--quiet")
        first, first_line = timed("server", "recheck", "--data", data, "--as-of", LATER, "--jobs", str(args.jobs))
        second, second_line = timed("server", "recheck", "--data", data, "--as-of", LATER, "--jobs", str(args.jobs))
    results = {
        "measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "files": len(files), "stored": filled.rechecked,
        "jobs": args.jobs, "fill_seconds": round(fill_seconds, 1), "check_seconds": round(check, 1),
        "recheck_all_stale_seconds": round(first, 1), "recheck_all_stale": first_line,
        "recheck_again_seconds": round(second, 1), "recheck_again": second_line,
        "machine": {"cpus": os.cpu_count(), "load_average_after": os.getloadavg()},
    }
    print(json.dumps(results, indent=2))
    (HERE / f"recheck_results_n{args.n}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
