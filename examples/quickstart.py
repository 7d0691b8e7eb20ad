"""Quick start: the Python API on the built-in synthetic dataset (runs in a few seconds).

    python examples/quickstart.py
"""

from pretrec.data.split import leave_one_out
from pretrec.data.synthetic import make_synthetic
from pretrec.experiment import fit_and_evaluate

dataset = make_synthetic(seed=0)  # 2,000 users, 1,000 items, planted signal
split = leave_one_out(dataset.interactions)  # Split(train, valid, test), by time
for model in ("pop", "ease"):
    report = fit_and_evaluate(model, dataset, split, seed=0, progress=False).report
    print(f"{model:<5} NDCG@10 {report.metrics['ndcg@10']:.4f}  HR@10 {report.metrics['hr@10']:.4f}"
          f"  ({report.protocol['name']}, ties {report.protocol['ties']})")
