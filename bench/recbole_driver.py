"""The RecBole side of the peer benchmarks: one RecBole 1.2.1 model trained and evaluated from a
JSON spec, timing every training epoch and validation pass itself.

Runs inside the peer venv `.peers/recbole` (../shared/PEERS.md), never in pretrec's, and imports
RecBole only: `.peers/recbole/bin/python bench/recbole_driver.py SPEC.json`. `recbole_venv.py`
installs the venv and calls it; `peer_recbole.py` (sequential) and `peer_recbole_graph.py`
(general, graph) write the spec.

Spec keys: model (RecBole class name), dataset, config (RecBole config_dict), threads,
max_seconds (0: no cap), anomaly_detection (bool), masks (None, or {"valid": TSV, "test": TSV} of
`user<TAB>item` tokens each ranking pass scores -inf: the user's context, a target that repeats
one included), output (JSON path).

The peer at its best: importing RecBole's model package switches torch anomaly detection on for
the whole process, which slows its training about 2.4x; the driver sets it to the spec's value
(off for a result) after the imports and records `torch.is_anomaly_enabled()` with every epoch.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any


def read_masks(path: str, dataset: Any) -> tuple[Any, Any]:
    """The TSV's (user, item) tokens as CSR (offsets, items) tensors over RecBole's internal ids;
    tokens RecBole does not know are skipped."""
    import numpy as np
    import torch

    user_ids = dataset.field2token_id[dataset.uid_field]
    item_ids = dataset.field2token_id[dataset.iid_field]
    users, items = [], []
    with open(path) as lines:
        for line in lines:
            user, item = line.rstrip("\n").split("\t")
            if user in user_ids and item in item_ids:
                users.append(user_ids[user])
                items.append(item_ids[item])
    pairs = np.unique(np.array([users, items], dtype=np.int64).reshape(2, -1), axis=1)
    counts = np.bincount(pairs[0], minlength=dataset.user_num)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    return torch.from_numpy(offsets), torch.from_numpy(pairs[1].copy())


def main(spec_path: Path) -> None:
    spec = json.loads(spec_path.read_text())
    sys.argv = sys.argv[:1]  # RecBole's Config reads the command line
    # RecBole 1.2.1 under pandas 3 / torch 2.13 warns on every run (pandas copy-on-write
    # `fillna(inplace=True)` no-ops, which only matter for missing values; deprecated amp,
    # torch.load)
    warnings.filterwarnings("ignore", module=r"recbole\.")
    import pandas
    import recbole
    import torch
    from recbole.config import Config
    from recbole.data import create_dataset, data_preparation
    from recbole.trainer import Trainer
    from recbole.utils import get_model, init_seed

    # the model package import above switched anomaly detection on for the process
    anomaly_at_import = torch.is_anomaly_enabled()
    torch.autograd.set_detect_anomaly(spec["anomaly_detection"])

    class DeadlineReached(Exception):
        pass

    class TimedTrainer(Trainer):
        """RecBole's Trainer, timing each training epoch and validation pass itself and ranking
        with the spec's masks."""

        def __init__(self, config: Any, model: Any, max_seconds: float,
                     masks: dict[str, Any] | None):
            super().__init__(config, model)
            self.max_seconds, self.started, self.history = max_seconds, None, []
            self.masks, self.mask = masks, None

        def _train_epoch(self, train_data, epoch_idx, loss_func=None, show_progress=False):
            now = time.perf_counter()
            self.started = self.started or now
            if self.max_seconds and now - self.started >= self.max_seconds:
                raise DeadlineReached
            batches = 0
            calculate = loss_func or self.model.calculate_loss

            def counted(interaction):
                nonlocal batches
                batches += 1
                return calculate(interaction)

            loss = super()._train_epoch(train_data, epoch_idx, counted, show_progress)
            total = sum(loss) if isinstance(loss, tuple) else loss  # SGL returns parts
            self.history.append({"epoch": epoch_idx + 1,
                                 "train_seconds": time.perf_counter() - now,
                                 "batches": batches, "loss": float(total) / max(batches, 1),
                                 "anomaly_enabled": torch.is_anomaly_enabled()})
            return loss

        def _valid_epoch(self, valid_data, show_progress=False):
            self.mask = self.masks and self.masks["valid"]
            started = time.perf_counter()
            score, result = super()._valid_epoch(valid_data, show_progress)
            record = self.history[-1]
            record |= {"valid_seconds": time.perf_counter() - started}
            record |= {f"valid_{key}": float(value) for key, value in result.items()}
            print(f"recbole epoch {record['epoch']}: loss {record['loss']:.4f} "
                  f"train {record['train_seconds']:.1f}s valid {record['valid_seconds']:.1f}s "
                  f"{spec['config']['valid_metric'].lower()} {float(score):.4f}", flush=True)
            return score, result

        def _full_sort_batch_eval(self, batched_data):
            interaction, scores, positive_u, positive_i = super()._full_sort_batch_eval(
                batched_data)
            if self.mask is not None:
                offsets, items = (t.to(scores.device) for t in self.mask)
                users = interaction[self.config["USER_ID_FIELD"]].to(scores.device)
                starts, lengths = offsets[users], offsets[users + 1] - offsets[users]
                rows = torch.repeat_interleave(torch.arange(len(users), device=scores.device),
                                               lengths)
                first = torch.repeat_interleave(starts - (torch.cumsum(lengths, 0) - lengths),
                                                lengths)
                scores[rows, items[first + torch.arange(len(rows),
                                                        device=scores.device)]] = -torch.inf
            return interaction, scores, positive_u, positive_i

    torch.set_num_threads(spec["threads"])
    started = time.perf_counter()
    config = Config(model=spec["model"], dataset=spec["dataset"], config_dict=spec["config"])
    init_seed(config["seed"], config["reproducibility"])
    dataset = create_dataset(config)
    train_data, valid_data, test_data = data_preparation(config, dataset)
    masks = ({part: read_masks(path, dataset) for part, path in spec["masks"].items()}
             if spec.get("masks") else None)
    # as run_recbole does
    init_seed(config["seed"] + config["local_rank"], config["reproducibility"])
    model = get_model(spec["model"])(config, train_data._dataset).to(config["device"])
    trainer = TimedTrainer(config, model, spec["max_seconds"], masks)
    setup_seconds = time.perf_counter() - started
    stopped = "patience_or_epochs"
    try:
        trainer.fit(train_data, valid_data, verbose=False, saved=True, show_progress=False)
    except DeadlineReached:
        stopped = "max_seconds"
    fit_seconds = time.perf_counter() - started - setup_seconds
    trainer.mask = masks and masks["test"]
    test_started = time.perf_counter()
    test = trainer.evaluate(test_data, load_best_model=True, show_progress=False)
    test_seconds = time.perf_counter() - test_started
    metric = f"valid_{spec['config']['valid_metric'].lower()}"
    history = [r for r in trainer.history if "valid_seconds" in r]
    best_value = max(r[metric] for r in history)
    best = [r for r in history if r[metric] == best_value][-1]  # RecBole keeps the last of ties
    Path(spec["output"]).write_text(json.dumps({
        "framework": "recbole", "model": spec["model"], "version": recbole.__version__,
        "torch": torch.__version__, "pandas": pandas.__version__,
        "threads": torch.get_num_threads(), "masking": "pretrec" if masks else "native",
        "epochs": history, "anomaly_enabled_at_import": anomaly_at_import,
        "anomaly_enabled": torch.is_anomaly_enabled(),
        "best_epoch": best["epoch"], f"best_{metric}": best_value,
        "batches_per_epoch": history[0]["batches"], "train_samples": len(train_data._dataset),
        "valid_users": len(valid_data._dataset), "test_users": len(test_data._dataset),
        "test": {key: float(value) for key, value in test.items()},
        "test_pass_seconds": test_seconds, "setup_seconds": setup_seconds,
        "fit_seconds": fit_seconds,
        "stopped": stopped, "config": {k: spec["config"][k] for k in sorted(spec["config"])},
    }))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
