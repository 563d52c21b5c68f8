"""Benchmark of `cek-integrasi screen` (not a test: run it by hand) on a roster of 3,000 rows.

    .venv/bin/python bench/screen.py                # 3,000 rows, as a real roster
    .venv/bin/python bench/screen.py -n 30000       # another size
    .venv/bin/python bench/screen.py --same-names   # the holders' names repeated (the figures before 2026-12-07's last)

Writes a roster of N rows to bench/data/ (the sample roster's rows over and over, each with a code of its own and,
as in a real roster, a Sekdes and Kaur named as in no other row, so that nearly every row is an eligibility profile
of its own; with --same-names the names repeat and only the sample's few profiles are judged), then measures the
wall time of `cek-integrasi screen ROSTER --format json -o OUT` (process start included) three times, after a
first run that is not counted, and writes bench/screen_results_nN.json (screen_results_nN_same_names.json). The
command runs with its compiled bytecode kept, as an installed program has it (PYTHONDONTWRITEBYTECODE, set on
this project's machine, is dropped for it).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLI = Path(sys.executable).with_name("cek-integrasi")
SAMPLE = HERE.parent / "samples" / "roster_kabupaten_bulukumba.csv"


def roster(n: int, same_names: bool = False) -> Path:
    path = HERE / "data" / f"roster_n{n}{'_same_names' if same_names else ''}.csv"
    rows = list(csv.DictReader(io.StringIO(SAMPLE.read_text("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for i in range(n):
        row = dict(rows[i % len(rows)])
        row["kode"] = f"73.{10 + i // 100000:02d}.{i // 1000 % 100:02d}.{2001 + i % 1000:04d}"
        if not same_names:
            row["sekdes_nama"] = f"{row['sekdes_nama']} {i}" if row["sekdes_nama"] else ""
            row["kaur"] = row["kaur"].replace(" (", f" {i} (")  # "Hasanuddin (Kaur Umum)" -> "Hasanuddin 7 (Kaur Umum)"
        writer.writerow(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out.getvalue(), "utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=3000, help="rows of the roster")
    parser.add_argument("--same-names", action="store_true", help="every copy of a sample row keeps its holders' names")
    args = parser.parse_args()
    source = roster(args.n, args.same_names)
    seconds = []
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as folder:
        for run in range(4):
            started = time.perf_counter()
            subprocess.run([str(CLI), "screen", str(source), "--format", "json", "-o", f"{folder}/out.json", "--as-of", "2014-03-01"],
                           check=False, capture_output=True, env=env)
            if run:  # the first run compiles what the program imports
                seconds.append(round(time.perf_counter() - started, 2))
        screened = len(json.loads(Path(f"{folder}/out.json").read_text("utf-8"))["villages"])
    results = {"measured": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "rows": args.n,
               "holders_named": "as in the sample, row after row" if args.same_names else "in each row as in no other", "screened": screened,
               "seconds": seconds, "machine": {"cpus": os.cpu_count(), "load_average_after": list(os.getloadavg())}}
    (HERE / f"screen_results_n{args.n}{'_same_names' if args.same_names else ''}.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
