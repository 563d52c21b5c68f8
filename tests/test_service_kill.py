"""A server killed (SIGKILL) while uploads are under way leaves a consistent store, every earlier submission intact."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

from click.testing import CliRunner
from servicekit import PASSWORD, RILAU, sample_files
from sqlalchemy import func, select
from webclient import Browser, free_port, wait_for

from cek_integrasi.cli import main
from cek_integrasi.service.store import AuditEntry, Blob, Store, StoredFinding, Subject, Submission, database_url


def start(data, port) -> subprocess.Popen:
    command = [sys.executable, "-m", "cek_integrasi", "server", "--data", str(data), "--port", str(port), "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    wait_for(port, process)
    return process


def consistent(data) -> dict[int, str]:
    """Check every invariant of the store; the results of all submissions by id."""
    with sqlite3.connect(data / "cek-integrasi.sqlite3") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    store = Store(database_url(data))
    with store.reading() as db:
        for subject in db.scalars(select(Subject)):
            versions = db.scalars(select(Submission.version).where(Submission.code == subject.code).order_by(Submission.version)).all()
            assert versions == list(range(1, subject.versions + 1)), subject.code
            assert subject.latest.version == subject.versions
        results = {}
        for submission in db.scalars(select(Submission)):
            assert db.get(Blob, submission.blob_sha256) is not None
            stored = db.scalar(select(func.count()).select_from(StoredFinding).where(StoredFinding.submission_id == submission.id))
            assert stored == len(json.loads(submission.result)["findings"])
            results[submission.id] = submission.result
        audited = db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "submitted"))
        assert audited == len(results)
    store.close()
    return results


def test_sigkill_during_uploads_leaves_the_store_consistent(tmp_path):
    done = CliRunner().invoke(main, ["users", "add", "fas", "--role", "facilitator", "--kecamatan", RILAU, "--data", str(tmp_path)],
                              input=PASSWORD + "\n")
    assert done.exit_code == 0, done.output
    files = [(p.name, p.read_bytes()) for p in sample_files()]
    port = free_port()
    server = start(tmp_path, port)
    try:
        first = Browser(f"http://127.0.0.1:{port}")
        assert first.login("fas", PASSWORD) == 302
        assert first.upload(files)[0] == 200
        before = consistent(tmp_path)
        assert len(before) == len(files)
        stop = threading.Event()
        answered = []

        def keep_uploading(n: int) -> None:
            client = Browser(f"http://127.0.0.1:{port}", timeout=10)
            try:
                client.login("fas", PASSWORD)
                while not stop.is_set():
                    name, data = files[n % len(files)]
                    answered.append(client.upload([(name, data + f"\n# {n} {time.monotonic()}\n".encode())])[0])
            except (OSError, http.client.HTTPException):  # the server is gone
                return

        threads = [threading.Thread(target=keep_uploading, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        os.killpg(server.pid, signal.SIGKILL)  # the server and its checking workers, mid-upload
        server.wait(10)
        stop.set()
        for thread in threads:
            thread.join(20)
        assert answered  # uploads were really going on
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    after = consistent(tmp_path)
    assert all(after[i] == before[i] for i in before)  # every earlier submission intact
    assert len(after) > len(before)
    server = start(tmp_path, port)
    try:
        again = Browser(f"http://127.0.0.1:{port}")
        assert again.login("fas", PASSWORD) == 302
        status, body = again.upload(files[:1])
        assert status == 200 and b"disimpan sebagai versi" in body
        assert not (tmp_path / "uploads").exists()  # nothing of an upload is written to be read back
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
    assert len(consistent(tmp_path)) == len(after) + 1
