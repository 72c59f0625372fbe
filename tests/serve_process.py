"""A real `govxl serve` (the installed command) on 127.0.0.1 and a free port, for the live tests and the
benchmark."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, command: list[str], archive: Path, admin: str | None, log: Path) -> None:
        self.command, self.archive, self.admin, self.log = command, archive, admin, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> Server:
        env = {k: v for k, v in os.environ.items() if k != "GOVXL_ADMIN_TOKEN"}
        if self.admin:
            env["GOVXL_ADMIN_TOKEN"] = self.admin
        args = ["serve", "--archive", str(self.archive), "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([*self.command, *args], stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        # ready when it answers; bounded. One client for every try: each new httpx client loads the system's
        # CA certificates (about 50 ms of CPU), which a poll every 50 ms would pay at each try.
        with httpx.Client(timeout=1) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise AssertionError(f"govxl serve ended with {self.proc.returncode}: {self.log.read_text()}")
                try:
                    client.get(f"{self.url}/login")
                    return self
                except httpx.TransportError:
                    time.sleep(0.05)
        raise AssertionError(f"govxl serve did not answer in {timeout} s: {self.log.read_text()}")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> int:
        """Ctrl-C, as a person stops it; its exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        return int(self.proc.returncode)
