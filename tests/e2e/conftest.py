"""Browser tests: the real server (`python -m gonghui serve`, gunicorn) on a demo city of its own,
driven by Debian's Chromium through Playwright. Playwright never downloads a browser here: it launches
``/usr/bin/chromium`` (or ``$CHROMIUM``). One screenshot per test is kept in ``artifacts/e2e/``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server(str):
    """The server's base URL; ``.log`` is the file its output (access log included) goes to."""

    log: Path
    data: Path
    env: dict

    def shell(self, code: str) -> str:
        """Run Python against the server's database (test set-up: what the person already knows)."""
        done = subprocess.run([sys.executable, "-m", "gonghui", "shell", "-c", code], env=self.env,
                              capture_output=True, text=True, timeout=120, check=True)
        return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The demo city on a fresh SQLite file, served by gunicorn exactly as `make demo` serves it."""
    data = tmp_path_factory.mktemp("e2e-data")
    # the production settings and the real job worker, not the unit tests' in-process jobs
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "GONGHUI_TASKS"}}
    env.update({"GONGHUI_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"})
    subprocess.run([sys.executable, "-m", "gonghui", "demo", "--no-serve"], env=env, check=True,
                   capture_output=True, timeout=300)
    port = _free_port()
    log = open(data / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "gonghui", "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.close()
            raise RuntimeError("server did not start:\n" + (data / "server.log").read_text()[-3000:])
        time.sleep(0.3)
    running = Server(base)
    running.log = data / "server.log"
    running.data = data
    running.env = env
    yield running
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see README)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _page(browser, request, viewport, **context_args):
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  **context_args)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, errors


@pytest.fixture
def desktop(browser, request):
    yield from _page(browser, request, DESKTOP)


@pytest.fixture
def phone(browser, request):
    yield from _page(browser, request, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2145A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like "
             "Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20240404 "
             "MicroMessenger/8.0.49")


@pytest.fixture
def wechat(browser, request):
    """WeChat's in-app browser on a common Android phone: its user agent and its viewport (the page area
    under WeChat's own title bar)."""
    yield from _page(browser, request, {"width": 393, "height": 727}, user_agent=WECHAT_UA, is_mobile=True,
                     has_touch=True, device_scale_factor=2.75)
