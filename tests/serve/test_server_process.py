"""The real server as a process: events acknowledged before a SIGKILL are all there after a
restart on the same state file, and the restarted server's answers reflect them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(bundle: Path, state: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pretrec.cli", "serve", str(bundle), "--port", str(port),
         "--state", str(state), "--threads", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PRETREC_TOKEN": ""})
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                raise AssertionError(f"server did not start:\n{output}")
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def test_acknowledged_events_survive_sigkill_and_shape_the_answers(bundle: Path,
                                                                   tmp_path: Path) -> None:
    state, port = tmp_path / "state.sqlite", _free_port()
    url = f"http://127.0.0.1:{port}"
    acknowledged: list[str] = []
    with server(bundle, state, port) as process:
        with httpx.Client(base_url=url, timeout=10) as client:
            for n in range(40):
                item = f"i{n * 7 % 1000}"
                if client.post("/events", json={"user_id": "live", "item_id": item}
                               ).status_code == 200:
                    acknowledged.append(item)
                if n % 5 == 0:
                    assert client.post("/recommend", json={"user_id": "live"}).status_code == 200
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert len(acknowledged) == 40
    with server(bundle, state, _free_port()) as restarted:
        port_url = restarted.args[restarted.args.index("--port") + 1]
        with httpx.Client(base_url=f"http://127.0.0.1:{port_url}", timeout=10) as client:
            assert client.get("/users/live").json()["history"] == acknowledged
            top = client.post("/recommend", json={"user_id": "live", "k": 50}).json()["items"]
            given = client.post("/recommend", json={"history": acknowledged, "k": 50}).json()
            assert top == given["items"] and set(acknowledged).isdisjoint(
                i["item_id"] for i in top)
