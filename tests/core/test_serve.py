"""`serve` stops what it started (issue 23, finding 7): SIGTERM to the serve process ends gunicorn, the job
worker and the hourly deadline sweep, and serve waits for them; nothing is left running."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found |= {int(p) for p in text.split()}
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_sigterm_stops_the_server_and_its_workers(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "GONGHUI_TASKS"}}
    env.update({"GONGHUI_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"})
    subprocess.run([sys.executable, "-m", "gonghui", "migrate", "-v", "0"], env=env, check=True, timeout=300)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "gonghui", "serve", "--port", str(port), "--workers", "1"],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        children = _children(proc.pid)
        assert len(children) == 3  # gunicorn, the job worker, the deadline sweep
        proc.send_signal(signal.SIGTERM)  # to serve alone, as a container runtime or systemd does
        assert proc.wait(timeout=40) == 0
        time.sleep(0.5)
        assert not [pid for pid in children if _alive(pid)]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
