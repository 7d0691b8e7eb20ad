"""Durability under load: `/events` and `/recommend` from concurrent clients, the server killed
with SIGKILL in the middle, restarted on the same SQLite state file.

Checks, and prints as one JSON line: every acknowledged event is in the store (per user the
acknowledged events are a prefix of the stored history, in order; at most one more, the request
in flight at the kill, may be stored without its answer), the store's count, and that the
restarted server's recommendations for each user equal those for the stored history given
explicitly (its answers read the events).

usage: python bench/serve_durability.py BUNDLE [--workers 8] [--kill-after 5] [--state FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def start(bundle: Path, state: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        ["taskset", "-c", "0", sys.executable, "-m", "pretrec.cli", "serve", str(bundle),
         "--port", str(port), "--state", str(state), "--threads", "1"],
        env={**os.environ, "OMP_NUM_THREADS": "1"}, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


async def load(url: str, items: list[str], workers: int, stop: asyncio.Event
               ) -> tuple[dict[str, list[str]], int, int]:
    acknowledged: dict[str, list[str]] = {f"durable-{w}": [] for w in range(workers)}
    counts = {"recommend": 0, "failed": 0}

    async def worker(user: str, rng: random.Random) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=5) as client:
            while not stop.is_set():
                item = rng.choice(items)
                try:
                    answer = await client.post("/events", json={"user_id": user, "item_id": item})
                    if answer.status_code == 200:
                        acknowledged[user].append(item)
                    if rng.random() < 0.5:
                        await client.post("/recommend", json={"user_id": user, "k": 10})
                        counts["recommend"] += 1
                except httpx.TransportError:
                    counts["failed"] += 1
                    return  # the server is gone

    await asyncio.gather(*(worker(user, random.Random(n))
                           for n, user in enumerate(acknowledged)))
    return acknowledged, counts["recommend"], counts["failed"]


async def run(args: argparse.Namespace) -> dict[str, object]:
    items = json.loads((args.bundle / "item_vocab.json").read_text())
    server = start(args.bundle, args.state, args.port)
    stop = asyncio.Event()
    url = f"http://127.0.0.1:{args.port}"

    async def kill_later() -> None:
        await asyncio.sleep(args.kill_after)
        server.send_signal(signal.SIGKILL)  # mid-load: requests are in flight
        await asyncio.sleep(0.5)
        stop.set()

    (acknowledged, recommends, failed), _ = await asyncio.gather(
        load(url, items, args.workers, stop), kill_later())
    server.wait()
    restarted = start(args.bundle, args.state, args.port)
    lost, extra, matching = 0, 0, 0
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            for user, acked in acknowledged.items():
                stored = client.get(f"/users/{user}").json().get("history", [])
                lost += len(acked) - sum(a == s for a, s in zip(acked, stored, strict=False))
                extra += max(0, len(stored) - len(acked))
                served = client.post("/recommend", json={"user_id": user, "k": 10}).json()
                given = client.post("/recommend", json={"history": stored, "k": 10}).json()
                matching += served == given and len(stored) > 0
    finally:
        restarted.kill()
        restarted.wait()
    with sqlite3.connect(args.state) as db:
        stored_count = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    return {"acknowledged": sum(len(a) for a in acknowledged.values()), "stored": stored_count,
            "lost": lost, "stored_unacknowledged": extra, "recommend_requests": recommends,
            "requests_cut_by_kill": failed, "users": len(acknowledged),
            "users_whose_answers_read_the_events": matching, "kill_after_s": args.kill_after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--kill-after", type=float, default=5.0)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--state", type=Path)
    args = parser.parse_args()
    args.state = args.state or Path(tempfile.mkdtemp()) / "state.sqlite"
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
