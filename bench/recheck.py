"""Benchmark of `server recheck` (not a test: run it by hand): re-checking a store against `check` on the same files.

    .venv/bin/python bench/recheck.py            # 300 generated villages (about a minute with 2 cores)
    .venv/bin/python bench/recheck.py -n 80000   # the national generated set's size (hours to fill the store)

Generates N villages (`cek-integrasi generate --seed 1`), submits them to a fresh SQLite store through
the service's own code, then measures, with the same number of worker processes (--jobs):
`cek-integrasi check` on the files; `server recheck --as-of` a later date (every result stale:
all re-checked); and a second re-check on that date (nothing stale: nothing redone). Writes
bench/recheck_results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

from cek_integrasi.packs.rulepack import load_packs  # noqa: E402
from cek_integrasi.service.accounts import add_user  # noqa: E402
from cek_integrasi.service.checking import CheckPool  # noqa: E402
from cek_integrasi.service.store import Setting, Store, User, database_url  # noqa: E402
from cek_integrasi.service.access import Principal  # noqa: E402
from cek_integrasi.service.submissions import Accepted, submit_many  # noqa: E402

CLI = Path(sys.executable).with_name("cek-integrasi")
AS_OF, LATER = "2014-03-01", "2014-09-01"


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
        url = database_url(Path(data))
        store = Store(url)
        with store.writing() as db, db.begin():
            db.add(Setting(key="as_of", value=AS_OF))
            add_user(db, "admin", "admin", "bench-password", [], by="bench")
        with store.reading() as db:
            admin = db.query(User).filter_by(name="admin").one()
            principal = Principal(admin.id, admin.name, admin.role, frozenset())
        pool = CheckPool(load_packs(), args.jobs, timeout=120)
        started = time.perf_counter()
        with ThreadPoolExecutor(args.jobs) as threads:
            outcomes = list(threads.map(lambda p: submit_many(store, pool, principal, [(p.name, p.read_bytes())], "id")[0], files))
        fill = time.perf_counter() - started
        pool.close()
        store.close()
        accepted = sum(isinstance(o, Accepted) for o in outcomes)

        def timed(*command: str) -> tuple[float, str]:
            started = time.perf_counter()
            done = subprocess.run([str(CLI), *command], capture_output=True, text=True)
            return time.perf_counter() - started, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""

        check, _ = timed("check", str(folder), "--as-of", LATER, "--jobs", str(args.jobs), "--format", "json", "-o",
                         str(Path(data) / "check.json"), "--quiet")
        first, first_line = timed("server", "recheck", "--data", data, "--as-of", LATER, "--jobs", str(args.jobs))
        second, second_line = timed("server", "recheck", "--data", data, "--as-of", LATER, "--jobs", str(args.jobs))
    results = {
        "measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "files": len(files), "stored": accepted, "jobs": args.jobs,
        "fill_seconds": round(fill, 1), "check_seconds": round(check, 1),
        "recheck_all_stale_seconds": round(first, 1), "recheck_all_stale": first_line,
        "recheck_again_seconds": round(second, 1), "recheck_again": second_line,
    }
    print(json.dumps(results, indent=2))
    (HERE / "recheck_results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
