"""Start the real application under gunicorn (several worker processes) for tests."""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SERVER_SECRET = "live-server-test-secret"  # what a test needs to make a one-time code the server accepts


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM if the test process dies, so none is left behind."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(database_url: str, *, app_module: str = "wsgi:app", workers: int = 4,
                 threads: int = 4, extra_env: dict | None = None) -> LiveServer:
    """gunicorn with `workers` processes of `threads` threads each, bound to loopback."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SERVER_SECRET,
        **(extra_env or {}),
    }
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "gthread",
        "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        "--timeout", "60",
        # Longer than any pause in a test, so a kept-alive connection is never
        # closed by the server at the instant a client reuses it.
        "--keep-alive", "120", app_module,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, preexec_fn=_die_with_parent)
    server = LiveServer(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if requests.get(server.base_url + "/login", timeout=10).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("gunicorn did not start within 60 s")
