"""`server --processes N`: several processes on one port and one store, stopped together; a port already
taken and a system without the means are said in plain words."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from servicekit import PASSWORD, RILAU, sample_files
from webclient import Browser, free_port, wait_for

from cek_integrasi.cli import main, server_processes

needs_processes = pytest.mark.skipif(not server_processes.supported(), reason="fork and SO_REUSEPORT: Linux and macOS")
CONNECTIONS = 24  # new connections, spread by the kernel: all on one of two processes has a chance of 2 in 2**24


def add_user(data, name: str, role: str, *kecamatan: str) -> None:
    args = ["users", "add", name, "--role", role, "--data", str(data)] + [a for k in kecamatan for a in ("--kecamatan", k)]
    done = CliRunner().invoke(main, args, input=PASSWORD + "\n")
    assert done.exit_code == 0, done.output


def start(data, port: int, *options: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "cek_integrasi", "server", "--data", str(data), "--port", str(port), *options]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    wait_for(port, process)
    return process


def closed(port: int, seconds: float) -> bool:
    """Whether nothing listens on the port any more within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return True
        time.sleep(0.2)
    return False


def group_gone(process: subprocess.Popen, seconds: float) -> bool:
    """Whether every process of the server's group (its processes and their checking workers) has ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def log_lines(data, name: str) -> list[str]:
    path = data / "logs" / name
    return path.read_text("utf-8").splitlines() if path.exists() else []


@needs_processes
def test_two_processes_serve_one_store_and_stop_together(tmp_path):
    add_user(tmp_path, "fas", "facilitator", RILAU)
    port = free_port()
    server = start(tmp_path, port, "--processes", "2", "--jobs", "2")
    try:
        base = f"http://127.0.0.1:{port}"
        uploader = Browser(base)
        assert uploader.login("fas", PASSWORD) == 302
        village = sample_files()[0]
        status, body = uploader.upload([(village.name, village.read_bytes())])
        assert status == 200 and b"ok accepted" in body
        for _ in range(CONNECTIONS):  # each a new connection: both processes get some, and each sees the upload
            reader = Browser(base)
            assert reader.login("fas", PASSWORD) == 302
            status, body = reader.request("/")
            assert status == 200 and b"Rilau" in body
            reader.close()
        first, second = log_lines(tmp_path, "service.log"), log_lines(tmp_path, "service-2.log")
        assert any('"GET /"' in line for line in first) and any('"GET /"' in line for line in second)
        assert sum("daily re-check" in line for line in first) == 1 and not any("daily re-check" in line for line in second)

        failures = []  # the per-address throttle counts across the processes (the audit log)
        for n in range(11):
            stranger = Browser(base)
            failures.append(stranger.login(f"tidak_ada_{n}", "salah-salah"))
            stranger.close()
        assert failures == [401] * 10 + [429]
    finally:
        server.send_signal(signal.SIGTERM)  # the first process only: it stops the others, and waits for them
    assert server.wait(30) == 0
    assert closed(port, 0.3) and group_gone(server, 20)


@needs_processes
def test_the_other_processes_end_when_the_first_is_killed(tmp_path):
    add_user(tmp_path, "admin", "admin")
    port = free_port()
    server = start(tmp_path, port, "--processes", "2", "--jobs", "2")
    browser = Browser(f"http://127.0.0.1:{port}")
    assert browser.login("admin", PASSWORD) == 302  # served: the processes are up
    browser.close()
    server.kill()
    server.wait(10)
    assert closed(port, 15) and group_gone(server, 20)


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_taken_port_is_said_in_plain_words(tmp_path, processes):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "cek_integrasi", "server", "--data", str(tmp_path),
                               "--port", str(port), "--processes", processes, "--no-daily-recheck"],
                              capture_output=True, text=True, timeout=120, env={**os.environ, "LC_ALL": "en_US.UTF-8"})
    if processes != "1" and not server_processes.supported():
        assert "--processes above 1 needs Linux or macOS" in done.stderr
    else:
        assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "choose another --port" in done.stderr
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_several_processes_where_the_system_cannot_are_refused_in_plain_words(tmp_path, monkeypatch):
    monkeypatch.setattr(server_processes, "supported", lambda: False)
    done = CliRunner(env={"LC_ALL": "en_US.UTF-8"}).invoke(main, ["server", "--data", str(tmp_path), "--processes", "2"])
    assert done.exit_code == 2 and "--processes above 1 needs Linux or macOS" in done.output


def test_the_demo_store_is_removed_by_the_process_that_made_it_only(tmp_path):
    from cek_integrasi.cli.server import _remove_demo

    demo = tmp_path / "demo"
    demo.mkdir()
    _remove_demo(demo, os.getpid() + 1)  # a further server process, which inherited the exit hook
    assert demo.exists()
    _remove_demo(demo, os.getpid())
    assert not demo.exists()
