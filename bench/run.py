"""Benchmark of cek-integrasi at kabupaten and national scale (not a test: run it by hand).

    .venv/bin/python bench/run.py            # 300 and 75,000 villages, then one growing dossier
    .venv/bin/python bench/run.py --quick    # 300 and 3,000 villages, then one growing dossier
    .venv/bin/python bench/run.py --growth   # only the growing dossier (keeps the other results)
    .venv/bin/python bench/run.py --mixed 3000   # a mixed batch: PTI and UU 6/2014 villages

For each size it generates the dossiers once (cached in bench/data/, deterministic from the seed),
then measures, on the same files, the wall time and the peak memory of the whole process tree of
`cek-integrasi check DIR --format json` (process start included), and of `cek-integrasi validate
DIR` (reading and validating only: the floor), and prints the ratio check/floor. Results go to
bench/results.json and a short table.

Growth: one village dossier with 250, 500, 1,000 and 2,000 Berita Acara nobody signed (three
findings each, each with its line), checked alone with `--jobs 1`: time and memory must grow
linearly (the CPU each 1,000 more Berita Acara cost must not rise with the size). Before the
line search was made linear, 1,000 took over 60 s and 2,000 220 s.

With --mixed N it measures instead N PTI villages (plan year 2013, with their kecamatan dossiers),
N UU 6/2014 villages (plan year 2019, pack uu-desa) and both in one run, to show that a batch mixing
the two packs is checked at the same speed per dossier (bench/results-mixed.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLI = Path(sys.executable).with_name("cek-integrasi")
SEED = 2013


def generated(n: int, year: int = 2013) -> Path:
    folder = HERE / "data" / (f"n{n}-seed{SEED}" if year == 2013 else f"n{n}-seed{SEED}-year{year}")
    if not (folder / ".complete").exists():
        subprocess.run(["rm", "-rf", str(folder)], check=True)
        command = [str(CLI), "generate", "-n", str(n), "-o", str(folder), "--seed", str(SEED), "--year", str(year)]
        subprocess.run(command, check=True)
        (folder / ".complete").write_text("ok")
    return folder


def mixed(n: int) -> None:
    """PTI alone, UU 6/2014 alone, and both in one run: dossiers per second of each."""
    pti, uu = generated(n), generated(n, 2019)
    rows = []
    for name, folders in (("pti", [pti]), ("uu-desa", [uu]), ("mixed", [pti, uu])):
        dossiers = sum(1 for folder in folders for _ in folder.rglob("*.yaml"))
        check = measure([str(CLI), "check", *map(str, folders), "--format", "json", "--as-of", "2019-06-01"])
        rows.append({
            "batch": name, "dossiers": dossiers, "check": check,
            "dossiers_per_second": round(dossiers / check["seconds"]),
            "cpu_ms_per_dossier": round(1000 * check["cpu_seconds"] / dossiers, 2),
        })
    result = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}, "runs": rows}
    (HERE / "results-mixed.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'batch':>8} {'dossiers':>9} {'check s':>8} {'cpu s':>8} {'check MiB':>10} {'dossiers/s':>11} {'cpu ms/dossier':>15}")
    for r in rows:
        c = r["check"]
        print(f"{r['batch']:>8} {r['dossiers']:>9} {c['seconds']:>8} {c['cpu_seconds']:>8} {c['peak_mib']:>10} "
              f"{r['dossiers_per_second']:>11} {r['cpu_ms_per_dossier']:>15}")


def _tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[int(entry)] = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    tree, grew = {root}, True
    while grew:
        new = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= new
        grew = bool(new)
    return sum(rss.get(pid, 0) for pid in tree)


def measure(args: list[str]) -> dict:
    """Wall time, CPU time (user + system, the command and its worker processes) and peak memory.

    CPU time is what to compare on a busy machine: the wall time also counts waiting for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kib(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = process.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}): {err.decode()[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": round(wall, 3), "cpu_seconds": round(cpu, 3), "peak_mib": round(peak[0] / 1024, 1)}


GROWTH = (250, 500, 1000, 2000)
SAMPLE = HERE.parent / "samples" / "rilau_ale" / "01_bonto_bangun_lengkap.yaml"


def growing(n: int) -> Path:
    """The sample village with `n` more Berita Acara nobody signed (written without YAML anchors)."""
    import yaml

    path = HERE / "data" / "growth" / f"ba{n}.yaml"
    if not path.exists():
        data = json.loads(json.dumps(yaml.safe_load(SAMPLE.read_text("utf-8")), default=str))
        first = data["berita_acara"][0]
        signers = [dict(p, tanda_tangan=False) for p in first["penandatangan"]]
        data["berita_acara"] += [dict(first, id=f"ba-{i}", penandatangan=[dict(p) for p in signers]) for i in range(n)]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited children and their waited workers
    return usage.ru_utime + usage.ru_stime


def growth() -> list[dict]:
    """Wall time, CPU time (less sensitive to a busy machine) and peak memory of each size, and the
    CPU each 1,000 more Berita Acara cost over the size before (flat when the cost is linear)."""
    rows = []
    for n in GROWTH:
        path = growing(n)
        before = _cpu_of_children()
        run = measure([str(CLI), "check", str(path), "--format", "json", "--as-of", "2014-03-01", "--jobs", "1"])
        cpu = round(_cpu_of_children() - before, 3)
        row = {"berita_acara": n, "kib": path.stat().st_size // 1024, **run, "cpu_seconds": cpu}
        if rows:
            row["cpu_per_1000_more"] = round((cpu - rows[-1]["cpu_seconds"]) * 1000 / (n - rows[-1]["berita_acara"]), 2)
        rows.append(row)
    print(f"{'BA':>6} {'KiB':>6} {'wall s':>7} {'CPU s':>7} {'MiB':>7} {'CPU s per 1000 more':>20}")
    for r in rows:
        print(f"{r['berita_acara']:>6} {r['kib']:>6} {r['seconds']:>7} {r['cpu_seconds']:>7} {r['peak_mib']:>7} "
              f"{r.get('cpu_per_1000_more', '-'):>20}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3,000 instead of 75,000 villages")
    parser.add_argument("--growth", action="store_true", help="only the growing dossier")
    parser.add_argument("--mixed", type=int, metavar="N", help="N PTI villages, N UU 6/2014 villages, and both together")
    options = parser.parse_args()
    if options.mixed:
        mixed(options.mixed)
        return
    if options.growth:
        result = json.loads((HERE / "results.json").read_text()) if (HERE / "results.json").exists() else {}
        result["growth"] = growth()
        (HERE / "results.json").write_text(json.dumps(result, indent=2) + "\n")
        return
    sizes = [300, 3000 if options.quick else 75000]
    rows = []
    for n in sizes:
        folder = generated(n)
        dossiers = sum(1 for _ in folder.rglob("*.yaml"))
        check = measure([str(CLI), "check", str(folder), "--format", "json", "--as-of", "2014-03-01"])
        floor = measure([str(CLI), "validate", str(folder)])
        rows.append({
            "villages": n, "dossiers": dossiers, "check": check, "floor": floor,
            "ratio": round(check["seconds"] / floor["seconds"], 2),
            "dossiers_per_second": round(dossiers / check["seconds"]),
        })
    result = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}, "runs": rows}
    print(f"{'villages':>9} {'dossiers':>9} {'check s':>8} {'check MiB':>10} {'floor s':>8} {'floor MiB':>10} {'ratio':>6} {'dossiers/s':>11}")
    for r in rows:
        print(f"{r['villages']:>9} {r['dossiers']:>9} {r['check']['seconds']:>8} {r['check']['peak_mib']:>10} "
              f"{r['floor']['seconds']:>8} {r['floor']['peak_mib']:>10} {r['ratio']:>6} {r['dossiers_per_second']:>11}")
    result["growth"] = growth()
    (HERE / "results.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
