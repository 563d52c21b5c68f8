"""Load test of the kabupaten service (not a test: run it by hand), from this machine to 127.0.0.1 only.

    .venv/bin/python bench/service.py                  # the load test, on `server --processes 2`
    .venv/bin/python bench/service.py --processes 1    # the same on one server process
    .venv/bin/python bench/service.py --national       # instead: a kabupaten's dashboard in a store of 80,000 villages

Builds a store of 300 generated villages (with their kecamatan dossiers) holding 5 versions each
(the first checked through the service's own code, the four later ones copies of it with changed
bytes), starts `cek-integrasi server --jobs 2 --processes 2` on it (one server process per core of the
2-core machine it was measured on), then 20 concurrent clients send 1,000 requests in all,
a fifth of them uploads of one dossier (checked at once) and the rest dashboard pages: the
kabupaten overview, a filtered overview, a kecamatan and a village, and evidence: a scan (PDF, 300 KB) or a
photo's thumbnail attached to the Berita Acara of a third of the villages. Prints p50/p95 latency per
kind, throughput and errors, and writes bench/service_results.json. Bounded: 1,000 requests, a
timeout of 60 s per request.

With --national (instead of the load test) the store grows to 80,000 villages (the national generated set's size): the
other 79,700 are rows of other kabupaten with their versions and findings but without result text
(a kabupaten's dashboard never reads another's results), and a supervisor of the first kabupaten
opens its overview, a filtered overview and each kecamatan page 30 times one after another.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from webclient import Browser, free_port, wait_for  # noqa: E402

from cek_integrasi.packs.rulepack import load_packs  # noqa: E402
from cek_integrasi.service.access import Principal  # noqa: E402
from cek_integrasi.service.accounts import add_user  # noqa: E402
from cek_integrasi.service.checking import service_pool  # noqa: E402
from cek_integrasi.service.store import Blob, Evidence, Kecamatan, Store, StoredFinding, Subject, Submission, User, database_url  # noqa: E402
from cek_integrasi.service.submissions import submit_many  # noqa: E402

VILLAGES, VERSIONS, CLIENTS, REQUESTS, UPLOAD_SHARE = 300, 5, 20, 1000, 0.2
PASSWORD = "bench-password"
CLI = Path(sys.executable).with_name("cek-integrasi")


def generated() -> list[Path]:
    folder = HERE / "data" / f"n{VILLAGES}-seed1"
    if not folder.exists():
        subprocess.run([str(CLI), "generate", "-n", str(VILLAGES), "-o", str(folder), "--seed", "1"], check=True)
    return sorted(p for p in folder.rglob("*.yaml"))


def build(data: Path, files: list[Path]) -> None:
    store = Store(database_url(data))
    with store.writing() as db, db.begin():
        add_user(db, "bench", "admin", PASSWORD, [], by="bench")
    with store.reading() as db:
        admin = db.query(User).one()
    pool = service_pool(load_packs(), jobs=2, timeout=60)
    started = time.perf_counter()
    submit_many(store, pool, Principal(admin.id, "bench", "admin", frozenset()), [(p.name, p.read_bytes()) for p in files], "id")
    print(f"  {len(files)} dossiers checked into the store in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    attach_evidence(store, pool, Principal(admin.id, "bench", "admin", frozenset()))
    pool.close()
    with store.writing() as db, db.begin():
        for first in db.query(Submission).all():
            data_v1 = db.get(Blob, first.blob_sha256).data
            findings = db.query(StoredFinding).filter_by(submission_id=first.id).all()
            subject = db.get(Subject, first.code)
            for version in range(2, VERSIONS + 1):
                data_v = data_v1 + f"\n# versi {version}\n".encode()
                sha = hashlib.sha256(data_v).hexdigest()
                db.add(Blob(sha256=sha, size=len(data_v), data=data_v))
                copy = Submission(
                    code=first.code, version=version, kecamatan=first.kecamatan, filename=first.filename, blob_sha256=sha,
                    user_id=first.user_id, as_of=first.as_of, pack=first.pack, pack_digest=first.pack_digest,
                    waivers_digest=first.waivers_digest, verdict=first.verdict, errors=first.errors,
                    warnings=first.warnings, result=first.result, village=first.village,
                    findings=[StoredFinding(rule=f.rule, severity=f.severity, state=f.state, subject=f.subject) for f in findings],
                )
                db.add(copy)
                db.flush()
                subject.versions, subject.latest_id = version, copy.id
    store.close()


SCAN = b"%PDF-1.4\n" + bytes(random.Random(2).getrandbits(8) for _ in range(300_000)) + b"\n%%EOF\n"


def photo() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((1600, 1200), 40).convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def attach_evidence(store: Store, pool, admin: Principal) -> None:
    """A scan and a photo on the first Berita Acara of every third village (the evidence the load downloads)."""
    from cek_integrasi.service import evidence

    image = photo()
    with store.reading() as db:
        villages = [s for s in db.query(Subject).filter_by(kind="desa").order_by(Subject.code)][::3]
        latest = {s.code: s.latest for s in villages}
    for subject in villages:
        ba = next((d for d in evidence.documents_of(store, pool.packs, latest[subject.code]) if d.kind == "ba"), None)
        if ba is not None:
            evidence.attach(store, admin, subject.code, subject.kecamatan, ba, "ba.pdf", SCAN, "pdf")
            evidence.attach(store, admin, subject.code, subject.kecamatan, ba, "ba.jpg", image, "jpeg")


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def load(port: int, files: list[Path], codes: list[str], kecamatan: list[str], evidence: list[tuple[int, str]]) -> dict:
    rng = random.Random(1)
    villages = [p for p in files if "kecamatan" not in p.name]
    plan = []
    for n in range(REQUESTS):
        if rng.random() < UPLOAD_SHARE:
            path = rng.choice(villages)
            plan.append(("upload", (path.name, path.read_bytes() + f"\n# bench {n}\n".encode())))
        else:
            kind = rng.choice(["overview", "filtered", "kecamatan", "village", "evidence"])
            evidence_id, media = rng.choice(evidence)
            path = {"overview": "/", "filtered": "/?tingkat=error&status=WAJIB", "kecamatan": f"/kecamatan/{rng.choice(kecamatan)}",
                    "village": f"/desa/{rng.choice(codes)}",
                    "evidence": f"/bukti/{evidence_id}" + ("/kecil" if media.startswith("image/") else "")}[kind]
            plan.append((kind, path))
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()

    signed_in = threading.Barrier(CLIENTS + 1)

    def client(share: list) -> None:
        browser = Browser(f"http://127.0.0.1:{port}", timeout=60)
        browser.login("bench", PASSWORD)
        token = browser.token("/kirim")
        signed_in.wait()  # the load starts when every client has signed in (argon2 costs a login ~0.1 s of CPU)
        for kind, what in share:
            started = time.perf_counter()
            try:
                status, body = browser.upload([what], token) if kind == "upload" else browser.request(what)
                ok = status == 200 and (kind != "upload" or b"ok accepted" in body)
            except Exception as error:  # noqa: BLE001  counted, never fatal
                ok, status = False, repr(error)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings.setdefault(kind, []).append(elapsed)
                if not ok:
                    errors.append(f"{kind} {status}")

    shares = [plan[i::CLIENTS] for i in range(CLIENTS)]
    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    signed_in.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    dashboard = [t for kind, values in timings.items() if kind not in ("upload", "evidence") for t in values]
    return {
        "requests": REQUESTS, "clients": CLIENTS, "seconds": round(wall, 2), "throughput_rps": round(REQUESTS / wall, 1),
        "errors": len(errors), "error_samples": errors[:5],
        "latency_ms": {
            kind: {"n": len(values), "p50": round(statistics.median(values), 1), "p95": round(percentile(values, 95), 1)}
            for kind, values in sorted({**timings, "dashboard (all pages)": dashboard}.items())
        },
    }


NATIONAL = 80_000


def grow(data: Path, villages: int) -> None:
    """Add villages of other kabupaten up to NATIONAL, each with VERSIONS versions, 4 findings on the latest
    (the only version the dashboard filters read)."""
    from sqlalchemy import insert

    store = Store(database_url(data))
    rng = random.Random(2)
    started = time.perf_counter()
    with store.writing() as db, db.begin():
        next_id = db.query(Submission).count() + 1
        blob = "0" * 64
        db.add(Blob(sha256=blob, size=0, data=b""))
        db.flush()
        subjects, submissions, findings = [], [], []
        for n in range(NATIONAL - villages):
            kecamatan = f"{11 + n // 40000}.{(n // 400) % 100:02d}.{(n // 20) % 20:02d}"
            code = f"{kecamatan}.{2001 + n % 20}"
            errors = rng.randint(0, 6)
            for version in range(1, VERSIONS + 1):
                submissions.append(dict(id=next_id, code=code, version=version, kecamatan=kecamatan, filename="x.yaml",
                                        blob_sha256=blob, as_of=datetime.date(2014, 3, 1), pack="pti", verdict="WAJIB",
                                        errors=errors, warnings=1, result="{}", village=None,
                                        submitted_at=datetime.datetime(2014, 3, 1)))
                next_id += 1
            findings += [dict(submission_id=next_id - 1, rule=rule, severity="error", state="fail", subject="desa")
                         for rule in rng.sample(["ELG-01", "ELG-02", "BA-04", "EST-04", "MRD-01", "STG-02"], 4)]
            subjects.append(dict(code=code, kind="desa", name=f"Desa {n}", kecamatan=kecamatan, versions=VERSIONS, latest_id=next_id - 1))
        db.execute(insert(Subject), subjects)
        db.execute(insert(Submission), submissions)
        db.execute(insert(StoredFinding), findings)
        db.execute(insert(Kecamatan), [dict(kode=k, nama=f"Kecamatan {k}", kabupaten=f"Kabupaten {k[:5]}")
                                       for k in sorted({s["kecamatan"] for s in subjects})])
    store.close()
    print(f"  store grown to {NATIONAL} villages in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def kabupaten_pages(port: int, kecamatan: list[str]) -> dict:
    """A supervisor of the first kabupaten's kecamatan opens its pages one after another."""
    browser = Browser(f"http://127.0.0.1:{port}", timeout=60)
    browser.login("kabupaten", PASSWORD)
    timings: dict[str, list[float]] = {}
    pages = [("overview", "/"), ("filtered", "/?tingkat=error&status=WAJIB")] + [("kecamatan", f"/kecamatan/{k}") for k in kecamatan]
    errors = 0
    for _ in range(30):
        for kind, path in pages:
            started = time.perf_counter()
            status, _ = browser.request(path)
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            errors += status != 200
    return {"errors": errors, "latency_ms": {kind: {"n": len(v), "p50": round(statistics.median(v), 1), "p95": round(percentile(v, 95), 1)}
                                             for kind, v in timings.items()}}


def serve(data: Path, processes: int):
    port = free_port()
    server = subprocess.Popen([str(CLI), "server", "--data", str(data), "--port", str(port), "--jobs", "2", "--processes", str(processes)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_for(port, server)
    return port, server


def stop(server) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(20)


def main() -> None:
    national = "--national" in sys.argv[1:]
    processes = int(sys.argv[sys.argv.index("--processes") + 1]) if "--processes" in sys.argv else 2
    files = generated()
    with tempfile.TemporaryDirectory(prefix="cek-integrasi-bench-") as folder:
        data = Path(folder)
        print(f"building a store of {VILLAGES} villages x {VERSIONS} versions ...", file=sys.stderr)
        build(data, files)
        store = Store(database_url(data))
        with store.reading() as db:
            codes = [s.code for s in db.query(Subject).filter_by(kind="desa")]
            kecamatan = sorted({s.kecamatan for s in db.query(Subject)})
            stored = db.query(Submission).count()
            evidence = [(e.id, e.media_type) for e in db.query(Evidence)]
        store.close()
        result = json.loads((HERE / "service_results.json").read_text()) if national else {}
        if not national:
            port, server = serve(data, processes)
            try:
                result = load(port, files, codes, kecamatan, evidence)
            finally:
                stop(server)
        else:
            first = sorted({k for k in kecamatan if k.startswith(kecamatan[0][:5])})
            store = Store(database_url(data))
            with store.writing() as db, db.begin():
                add_user(db, "kabupaten", "supervisor", PASSWORD, first, by="bench")
            store.close()
            grow(data, len(codes))
            port, server = serve(data, processes)
            try:
                result["national"] = {"villages": NATIONAL, "kabupaten_kecamatan": len(first), **kabupaten_pages(port, first)}
            finally:
                stop(server)
    machine = {"server_processes": processes, "cpus": os.cpu_count(), "python": sys.version.split()[0], "load_average_after": os.getloadavg()}
    if national:
        result["national"]["machine"] = machine
    else:
        result.update(store={"villages": len(codes), "dossiers": len(codes) + len(kecamatan), "submissions": stored}, machine=machine)
        saved = HERE / "service_results.json"
        if saved.exists() and "national" in (previous := json.loads(saved.read_text())):
            result["national"] = previous["national"]  # the other measurement stays beside this one
    (HERE / "service_results.json").write_text(json.dumps(result, indent=2) + "\n")
    if not national:
        print(f"{result['requests']} requests, {result['clients']} clients: {result['seconds']} s, "
              f"{result['throughput_rps']} requests/s, {result['errors']} errors")
        for kind, figures in result["latency_ms"].items():
            print(f"  {kind:24} n={figures['n']:4}  p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms")
    else:
        print(f"a kabupaten of {result['national']['kabupaten_kecamatan']} kecamatan in a store of {NATIONAL} villages, one client:")
        for kind, figures in result["national"]["latency_ms"].items():
            print(f"  {kind:24} n={figures['n']:4}  p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms")


if __name__ == "__main__":
    main()
