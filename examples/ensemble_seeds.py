"""Average three SASRec seeds: train each once, then rank with their mean per-user softmax
(under a minute on 2 CPU cores with the built-in synthetic data).

    python examples/ensemble_seeds.py
    python examples/ensemble_seeds.py ../shared/data/text/ml-100k
"""

import sys
import tempfile
from pathlib import Path

from pretrec.experiment import run

dataset = sys.argv[1] if len(sys.argv) > 1 else "synthetic"
options = {"epochs": 20, "patience": 5, "hidden_size": 32, "inner_size": 64, "max_len": 20,
           "batch_size": 256}
with tempfile.TemporaryDirectory() as folder:
    members = []
    for seed in (0, 1, 2):
        report = run("sasrec", dataset, options=options, seed=seed,
                     output=Path(folder) / f"s{seed}", progress=False)
        members.append(str(Path(folder) / f"s{seed}" / "checkpoint"))
        print(f"sasrec seed {seed}: test NDCG@10 {report.metrics['ndcg@10']:.4f}")
    ensemble = run("ensemble", dataset, options={"members": ",".join(members)}, progress=False)
    print(f"ensemble of 3:  test NDCG@10 {ensemble.metrics['ndcg@10']:.4f}")
