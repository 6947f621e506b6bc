"""Running `bangkom` commands and a served app for the scripts that test the live API
(`tests/client/check_generated_client.py`, `tests/contract/run_contract.py`)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import httpx


class StepFailed(Exception):
    """A step of a live check failed; the message says which and shows its output."""


def run(args: list[str], env: dict[str, str], cwd: Path, what: str, timeout: float) -> str:
    try:
        done = subprocess.run(
            args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise StepFailed(f"{what}: no answer after {timeout} s") from exc
    if done.returncode != 0:
        raise StepFailed(f"{what} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(server: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise StepFailed(f"bangkom serve exited {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise StepFailed(f"bangkom serve did not answer /healthz within 60 s:\n{log.read_text()}")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
