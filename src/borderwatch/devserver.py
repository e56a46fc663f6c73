"""Start the app on a free local port, as ``make run`` does (browser tests, benchmarks)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from borderwatch import paths
from borderwatch.config import settings

#: Chromium flags that keep a headless browser from calling home on a closed network.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--metrics-recording-only",
)


def chromium_executable() -> str:
    """Path of the Chromium binary: ``$BORDERWATCH_CHROMIUM`` or ``chromium`` on PATH."""
    found = settings().chromium or shutil.which("chromium")
    if not found:
        raise RuntimeError(
            "Chromium not found: run `make chromium` (installs Debian's chromium) or set "
            "BORDERWATCH_CHROMIUM"
        )
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class RunningApp:
    url: str
    host: str
    process: subprocess.Popen
    started_s: float


@contextmanager
def running_app(
    *,
    timeout_s: float = 60.0,
    env: dict[str, str] | None = None,
    port: int | None = None,
    cwd: Path | None = None,
) -> Iterator[RunningApp]:
    """Run the app (as ``make run`` does) on 127.0.0.1 and a free port until the block ends.

    ``port`` fixes the port (sign-in needs it known in advance, for the redirect address);
    ``cwd`` is where the server starts, whose ``.streamlit/`` folder Streamlit reads (the
    sign-in secrets of a test)."""
    port = port or free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "borderwatch.ui.launcher",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=cwd or paths.REPO_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                output = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"streamlit exited: {output[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit did not answer on {url} in {timeout_s} s")
            time.sleep(0.2)
        yield RunningApp(url=url, host=f"127.0.0.1:{port}", process=process, started_s=started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
