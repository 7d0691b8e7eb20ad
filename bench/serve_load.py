"""Serving throughput: a real `pretrec serve` on 127.0.0.1 under wrk, with and without
micro-batching, over a SASRec bundle of a 20,000-item catalogue and histories of length 50.

The server is pinned to one core (`taskset -c 0`, one torch thread) and wrk to the other, so the
load generator does not steal the server's CPU. Three batching settings: a 2 ms gathering wait;
no wait (a group is whatever queued while the previous model call ran); off. For each, wrk runs
closed-loop at 1..64 connections (`--seconds` each); the figures are requests/s, p50 / p90 / p99
latency and non-2xx answers. Then one `--hold` second run at the connection count with the most
requests/s whose p99 stayed under 20 ms (the target: at least 500 requests/s there with zero
errors over 60 s).

usage: python bench/serve_load.py [--seconds 10] [--hold 60] [--output runs/serve-load]
       [--bundle BUNDLE]   (default: train and export the synthetic SASRec bundle first)

Needs Debian's wrk (`apt-get install wrk`) and taskset (util-linux).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

from pretrec.data.synthetic import make_synthetic

CONNECTIONS = (1, 4, 8, 16, 32, 64)
SETTINGS = (  # label, --max-batch, --batch-wait-ms
    ("batching, up to 64, wait 2 ms", 64, 2.0),
    ("batching, up to 64, no wait", 64, 0.0),  # groups form while the model is busy
    ("off (one request per call)", 1, 0.0),
)
LUA = """
math.randomseed(7)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local user = math.random(1, {n_users})
  return wrk.format(nil, "/recommend", nil, '{{"user_id": "' .. user .. '", "k": 10}}')
end
"""


def build_bundle(folder: Path) -> Path:
    """Train one epoch of SASRec (hidden 64, max_len 50) on synthetic data whose catalogue
    holds just over 20,000 items, and export it."""
    dataset = make_synthetic(n_users=6000, n_items=22000, mean_length=60, seed=0)
    inter = dataset.interactions
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "synthetic-20k.txt"
    order = np.lexsort((np.arange(len(inter.users)), inter.users))
    pairs = zip(inter.users[order], inter.items[order], strict=True)
    lines = [f"{u + 1} {i + 1}" for u, i in pairs]
    data.write_text("\n".join(lines) + "\n")
    run, bundle = folder / "run", folder / "bundle"
    for path in (run, bundle):
        shutil.rmtree(path, ignore_errors=True)
    pretrec = [sys.executable, "-m", "pretrec.cli"]
    subprocess.run([*pretrec, "run", "--model", "sasrec", "--dataset", str(data), "--split", "loo",
                    "--set", "epochs=1", "--set", "max_len=50", "--set", "hidden_size=64",
                    "--threads", "2", "--quiet", "--output", str(run)], check=True)
    subprocess.run([*pretrec, "export", str(run), "--output", str(bundle)], check=True)
    return bundle


def start_server(bundle: Path, port: int, max_batch: int, wait_ms: float
                 ) -> subprocess.Popen[bytes]:
    command = ["taskset", "-c", "0", sys.executable, "-m", "pretrec.cli", "serve", str(bundle),
               "--port", str(port), "--threads", "1", "--max-batch", str(max_batch),
               "--batch-wait-ms", str(wait_ms)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start")


def wrk(port: int, script: Path, connections: int, seconds: int) -> dict[str, float]:
    out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}",
                          f"-d{seconds}s", "--latency", "-s", str(script),
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True,
                         check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    latency = {p: _ms(v) for p, v in re.findall(r"\s+(50|90|99)%\s+([\d.]+\w+)", out)}
    return {"connections": connections, "requests_per_s": rate, "requests": total,
            "p50_ms": latency["50"], "p90_ms": latency["90"], "p99_ms": latency["99"],
            "errors": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def batch_sizes(port: int) -> str:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    return re.search(r"^pretrec_last_batch_size (\S+)", text, re.MULTILINE).group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--hold", type=int, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--output", type=Path, default=Path("runs/serve-load"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    bundle = args.bundle or build_bundle(args.output)
    n_users = json.loads((bundle / "card.json").read_text())["model"]["n_users"]
    script = args.output / "recommend.lua"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(LUA.format(n_users=n_users))
    results: dict[str, object] = {"bundle": str(bundle), "rows": []}
    for label, max_batch, wait_ms in SETTINGS:
        server = start_server(bundle, args.port, max_batch, wait_ms)
        try:
            health = httpx.get(f"http://127.0.0.1:{args.port}/health").json()
            results["n_items"] = health["n_items"]
            wrk(args.port, script, 4, 2)  # warm-up
            rows = []
            for connections in CONNECTIONS:
                row = {"batching": label, **wrk(args.port, script, connections, args.seconds),
                       "last_batch": batch_sizes(args.port)}
                rows.append(row)
                print(json.dumps(row), flush=True)
            fitting = [r for r in rows if r["p99_ms"] < 20 and r["errors"] == 0]
            if fitting and args.hold:
                best = max(fitting, key=lambda r: r["requests_per_s"])
                hold = {"batching": label, "hold_seconds": args.hold,
                        **wrk(args.port, script, int(best["connections"]), args.hold)}
                rows.append(hold)
                print(json.dumps(hold), flush=True)
            results["rows"].extend(rows)
        finally:
            server.kill()
            server.wait()
    (args.output / "results.json").write_text(json.dumps(results, indent=2))
    print(f"wrote {args.output / 'results.json'}")


if __name__ == "__main__":
    main()
