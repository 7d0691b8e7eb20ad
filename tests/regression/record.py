"""The regression record of the one-pipeline redesign: short deterministic CPU runs that cover
every registered model (pre-training -> fine-tuning with each strategy, the text models with the
packaged encoder, rating and click) on a tiny committed dataset, driven through the command line
so the record does not depend on the Python API it guards.

    python tests/regression/record.py            # print the figures of the current code
    python tests/regression/record.py --write    # store them in figures.json (the reference)
    python tests/regression/record.py --demo --write   # the `make demo` table as well (slow)

`tests/regression/test_regression.py` re-runs the cases and holds them to figures.json within
1e-4. Every figure is a metric of a report: test metrics, validation metrics and group metrics.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "tiny"
ATTRIBUTES = HERE / "data" / "tiny_item2attributes.json"
FIGURES = HERE / "figures.json"
TOLERANCE = 1e-4

SEQUENCE = ["epochs=3", "patience=3", "batch_size=64", "learning_rate=0.005", "hidden_size=16",
            "inner_size=32", "max_len=20", "dropout=0.2", "attention_dropout=0.2"]
NEURAL_MF = ["epochs=4", "patience=4", "batch_size=256", "learning_rate=0.01", "embedding_dim=16"]
TEXT = ["text_max_length=32"]

# name -> (command, options, --set values); an "{out}" in an option is the run root.
CASES: dict[str, tuple[str, list[str], list[str]]] = {
    "pop": ("run", ["--model", "pop"], []),
    "itemknn": ("run", ["--model", "itemknn"], ["neighbours=20", "shrink=10"]),
    "ease": ("run", ["--model", "ease"], ["l2=50"]),
    "ease_sampled": ("run", ["--model", "ease", "--protocol", "sampled", "--sampler", "popularity"],
                     ["l2=50"]),
    "ease_filtered": ("run", ["--model", "ease", "--min-rating", "3", "--dedup", "--k-core", "4"],
                      ["l2=50"]),
    "ease_temporal": ("run", ["--model", "ease", "--split", "temporal"], ["l2=50"]),
    "bprmf": ("run", ["--model", "bprmf"], NEURAL_MF),
    "bprmf_seeds": ("run", ["--model", "bprmf", "--seeds", "0,1"], NEURAL_MF),
    "gru4rec": ("run", ["--model", "gru4rec"],
                ["epochs=3", "patience=3", "batch_size=64", "learning_rate=0.005", "hidden_size=16",
                 "max_len=20"]),
    "sasrec": ("run", ["--model", "sasrec"], SEQUENCE),
    "sasrec_seed1": ("run", ["--model", "sasrec", "--seeds", "1"], SEQUENCE),
    "bsarec": ("run", ["--model", "bsarec"], SEQUENCE),
    "bert4rec": ("run", ["--model", "bert4rec"], SEQUENCE),
    "cl4srec": ("run", ["--model", "cl4srec"],
                [*SEQUENCE, "augmentations=crop,mask,reorder,substitute,insert"]),
    "duorec": ("run", ["--model", "duorec"], SEQUENCE),
    "pretrain": ("pretrain", ["--item-attributes", str(ATTRIBUTES), "--objective", "masked",
                              "--objective", "next", "--objective", "contrastive=0.1",
                              "--objective", "attribute=0.5", "--objective", "segment=0.2"],
                 SEQUENCE),
    "pretrain_masked_only": ("pretrain", ["--objective", "masked"], SEQUENCE),
    "finetune_full": ("finetune", ["--init", "{out}/pretrain/checkpoint", "--strategy", "full"],
                      SEQUENCE),
    "finetune_frozen": ("finetune", ["--init", "{out}/pretrain/checkpoint", "--strategy", "frozen"],
                        SEQUENCE),
    "finetune_lora": ("finetune", ["--init", "{out}/pretrain/checkpoint", "--strategy", "lora",
                                   "--lora-rank", "4"], SEQUENCE),
    "finetune_zero_shot": ("finetune", ["--init", "{out}/pretrain/checkpoint",
                                        "--strategy", "zero_shot"],
                           SEQUENCE),
    "finetune_cl4srec": ("finetune", ["--init", "{out}/pretrain/checkpoint", "--model", "cl4srec",
                                      "--match-items", "title,genres"], SEQUENCE),
    "text_profile": ("run", ["--model", "text_profile"], TEXT),
    "text_sasrec": ("run", ["--model", "text_sasrec"], [*SEQUENCE, *TEXT]),
    "text_sasrec_cold": ("run", ["--model", "text_sasrec", "--split", "cold"],
                         [*SEQUENCE, *TEXT, "adaptor=linear", "contrastive_weight=0.1",
                          "text_views=1", "score_similarity=cosine"]),
    "finetune_text_adaptor": ("finetune", ["--init", "{out}/text_sasrec/checkpoint",
                                           "--model", "text_sasrec", "--strategy", "adaptor"],
                              [*SEQUENCE, *TEXT]),
    "ensemble": ("run", ["--model", "ensemble"],
                 ["members={out}/ease/checkpoint,{out}/itemknn/checkpoint", "combine=zscore"]),
    "rate_biasedmf": ("rate", ["--model", "biasedmf"], [*NEURAL_MF, "l2=0.001"]),
    "rate_biasedmf_norefit": ("rate", ["--model", "biasedmf", "--no-refit"],
                              [*NEURAL_MF, "l2=0.001"]),
    "rate_text_mf": ("rate", ["--model", "text_mf"], [*NEURAL_MF, *TEXT, "l2=0.001"]),
    "rate_autorec": ("rate", ["--model", "autorec"],
                     ["epochs=4", "patience=4", "batch_size=64", "learning_rate=0.01",
                      "hidden_size=32"]),
    "rate_text_autorec": ("rate", ["--model", "text_autorec"],
                          ["epochs=4", "patience=4", "batch_size=64", "learning_rate=0.01",
                           "hidden_size=32", *TEXT]),
    "click_mf": ("click", ["--model", "mf_click"], NEURAL_MF),
    "click_mf_sampled": ("click", ["--model", "mf_click", "--labels", "sampled",
                                   "--negatives", "2"], NEURAL_MF),
    "click_text": ("click", ["--model", "text_click"], [*NEURAL_MF, *TEXT]),
    "click_text_lora": ("click", ["--model", "text_click", "--no-refit"],
                        ["epochs=1", "patience=1", "learning_rate=0.01", "embedding_dim=16",
                         "items_per_batch=32", "encoder_tuning=lora", "lora_rank=2", *TEXT]),
}


def case_argv(name: str, out: Path) -> list[str]:
    command, options, values = CASES[name]
    argv = [command, "--dataset", str(DATA), "--quiet", "--output", str(out / name)]
    argv += [o.replace("{out}", str(out)) for o in options]
    for value in values:
        argv += ["--set", value.replace("{out}", str(out))]
    return argv


def figures_of(report: dict) -> dict[str, float]:
    """Every metric of a report.json, flattened: test/NAME, valid/NAME, test:GROUP/NAME, ..."""
    flat = {f"test/{k}": v for k, v in report.get("metrics", {}).items()}
    flat |= {f"test_std/{k}": v for k, v in report.get("metrics_std", {}).items()}
    flat |= {f"valid/{k}": v for k, v in report.get("valid_metrics", {}).items()}
    for section, prefix in (("groups", "test"), ("valid_groups", "valid")):
        for group, metrics in (report.get(section) or {}).items():
            flat |= {f"{prefix}:{group}/{k}": v for k, v in metrics.items()}
    return {k: float(v) for k, v in flat.items()}


def run_cases(out: Path,
              names: list[str] | None = None) -> Iterator[tuple[str, dict[str, float], float]]:
    """Run the cases in order (later ones read earlier checkpoints); yields (name, figures,
    seconds)."""
    from pretrec.cli import main

    for name in names or list(CASES):
        started = time.perf_counter()
        code = main(case_argv(name, out))
        if code != 0:
            raise RuntimeError(f"case {name} exited {code}: "
                               f"pretrec {' '.join(case_argv(name, out))}")
        report = json.loads((out / name / "report.json").read_text())
        yield name, figures_of(report), time.perf_counter() - started


def run_demo(out: Path) -> dict[str, dict[str, float]]:
    """The `make demo` table (every model, every column) and its text step, as figures."""
    from pretrec.cli import main

    if main(["demo", "--output", str(out / "demo"), "--quiet"]) != 0:
        raise RuntimeError("pretrec demo failed")
    return {f"demo/{folder.name}": figures_of(json.loads((folder / "report.json").read_text()))
            for folder in sorted((out / "demo").iterdir()) if (folder / "report.json").is_file()}


def isolate() -> None:
    """One thread (as the test suite) and a private text-embedding cache, before pretrec imports."""
    os.environ.setdefault("PRETREC_CACHE", tempfile.mkdtemp(prefix="pretrec-regression-cache-"))
    import torch

    torch.set_num_threads(1)


def differences(expected: dict[str, float], measured: dict[str, float]) -> list[str]:
    """Lines naming every figure that is missing, new, or off by more than TOLERANCE."""
    lines = [f"{k}: missing" for k in sorted(expected.keys() - measured.keys())]
    lines += [f"{k}: new" for k in sorted(measured.keys() - expected.keys())]
    for key in sorted(expected.keys() & measured.keys()):
        if abs(expected[key] - measured[key]) > TOLERANCE:
            lines.append(f"{key}: recorded {expected[key]:.6f}, now {measured[key]:.6f}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the figures in figures.json")
    parser.add_argument("--demo", action="store_true",
                        help="also record the demo table (about 2 minutes)")
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    args = parser.parse_args()
    isolate()
    stored = json.loads(FIGURES.read_text()) if FIGURES.is_file() else {}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        measured = {}
        for name, figures, seconds in run_cases(out, args.cases or None):
            measured[name] = figures
            diff = differences(stored[name], figures) if name in stored else ["not recorded"]
            print(f"{name:<24} {seconds:6.1f}s  {'same' if not diff else '; '.join(diff[:3])}",
                  flush=True)
        if args.demo:
            measured |= run_demo(out)
    if args.write:
        FIGURES.write_text(json.dumps(stored | measured, indent=1, sort_keys=True) + "\n")
        print(f"wrote {FIGURES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
