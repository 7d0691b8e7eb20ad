"""Full-ranking evaluation speed and memory (a benchmark, never a timed test).

Targets (2 cores, CPU): ml-1m leave-one-out (6,040 x 3,416) under 1 s; Sports leave-one-out
(35,598 x 18,357) under 5 s; synthetic 100k users x 200k items under 4 GiB peak memory.
The model is a 64-dim matrix factorisation with random weights: evaluation cost does not depend
on training. Each case runs in its own process so its peak RSS is its own.

usage: python bench/eval_speed.py [--data ../shared/data] [--repeats 3] [--skip-large]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def evaluate_once(case: str, data_dir: Path, repeats: int) -> dict[str, object]:
    from pretrec.data.interactions import Interactions
    from pretrec.data.io import load_dataset
    from pretrec.data.split import leave_one_out
    from pretrec.eval.evaluate import Evaluator
    from pretrec.models.bprmf import BPRMF, BPRMFConfig

    torch.manual_seed(0)
    if case == "large":
        rng = np.random.default_rng(0)
        n_users, n_items, per_user = 100_000, 200_000, 10
        users = np.repeat(np.arange(n_users), per_user)
        items = rng.integers(0, n_items, n_users * per_user)
        inter = Interactions(users, items, n_users, n_items)
    else:
        path = {"ml-1m": data_dir / "seq" / "ml-1m.txt",
                "sports": data_dir / "seq" / "Sports_and_Outdoors.txt"}[case]
        inter = load_dataset(path).interactions
    split = leave_one_out(inter)
    model = BPRMF(BPRMFConfig(embedding_dim=64), split.n_users, split.n_items).eval()
    setup = time.perf_counter()
    evaluator = Evaluator(split, "test")
    setup = time.perf_counter() - setup
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = evaluator(model.score)
        times.append(time.perf_counter() - started)
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return {
        "case": case, "users": result.counts["users"], "items": split.n_items,
        "eval_seconds_best": min(times), "eval_seconds_mean": float(np.mean(times)),
        "evaluator_setup_seconds": setup, "peak_rss_gib": peak_gib,
        "threads": torch.get_num_threads(),
        "ndcg@10_random_model": result.metrics["ndcg@10"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:  # child process: one case, JSON out
        repeats = 1 if args.case == "large" else args.repeats
        print(json.dumps(evaluate_once(args.case, args.data, repeats)))
        return
    cases = ["ml-1m", "sports"] + ([] if args.skip_large else ["large"])
    if not args.data.is_dir():
        cases = [c for c in cases if c == "large"]
        print(f"{args.data} absent: only the synthetic case runs")
    for case in cases:
        output = subprocess.run(
            [sys.executable, __file__, "--case", case, "--data", str(args.data),
             "--repeats", str(args.repeats)],
            check=True, capture_output=True, text=True,
        ).stdout
        row = json.loads(output.strip().splitlines()[-1])
        print(f"{row['case']:<7} {row['users']:>7} users x {row['items']:>7} items: "
              f"eval {row['eval_seconds_best']:.3f} s "
              f"(best of runs; mean {row['eval_seconds_mean']:.3f} s), "
              f"setup {row['evaluator_setup_seconds']:.2f} s, "
              f"peak RSS {row['peak_rss_gib']:.2f} GiB, "
              f"{row['threads']} threads")


if __name__ == "__main__":
    main()
