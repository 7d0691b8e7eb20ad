"""RecBole 1.2.1 in its own venv (../shared/PEERS.md): install it when missing, and run one
`recbole_driver.py` spec in it as a subprocess with the thread count pinned."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PEER_VENV = ROOT / ".peers" / "recbole"
PEER_PACKAGES = ("torch==2.13.0", "recbole==1.2.1", "numpy<2", "scipy<1.13", "setuptools<81")
DRIVER = Path(__file__).resolve().with_name("recbole_driver.py")


def ensure_recbole() -> Path:
    """The peer venv's python, installing RecBole into it first when it is missing."""
    python = PEER_VENV / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import recbole"],
                                          capture_output=True).returncode == 0:
        return python
    print(f"installing RecBole into {PEER_VENV} (about 80 s, 1.5 GiB)", flush=True)
    subprocess.run(["python3", "-m", "venv", PEER_VENV], check=True)
    subprocess.run([PEER_VENV / "bin" / "pip", "install", "-q", *PEER_PACKAGES], check=True)
    return python


def run_driver(spec: dict[str, Any], work_dir: Path) -> dict[str, Any]:
    """Write `spec` (its output goes to work_dir/result.json), run the driver on it, and return
    its result with the subprocess's wall seconds added."""
    python = ensure_recbole()
    spec = {**spec, "output": str(work_dir / "result.json")}
    (work_dir / "spec.json").write_text(json.dumps(spec))
    threads = str(spec["threads"])
    # TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD: torch>=2.6 refuses RecBole's checkpoints otherwise
    env = {**os.environ, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
           "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"}
    started = time.perf_counter()
    subprocess.run([python, DRIVER, work_dir / "spec.json"], cwd=work_dir, env=env, check=True)
    result = json.loads((work_dir / "result.json").read_text())
    result["wall_seconds"] = time.perf_counter() - started
    return result


def write_pairs(path: Path, pairs: Any) -> Path:
    """(user, item) token pairs -> `user<TAB>item` lines (a driver mask file)."""
    with path.open("w") as out:
        out.writelines(f"{user}\t{item}\n" for user, item in pairs)
    return path
