"""Graph models on the built-in synthetic data: LightGCN and XSimGCL on a random split, then
users who were never in the training graph, served by the inductive GraphSAGE from their first
three events (a minute or two on 2 cores).

    python examples/graph_new_users.py
"""

from pretrec.data.split_by_name import make_split
from pretrec.data.synthetic import make_synthetic
from pretrec.errors import NotApplicable
from pretrec.experiment import fit_and_evaluate

dataset = make_synthetic(seed=0)  # 2,000 users, 1,000 items
fast = {"epochs": 10, "batch_size": 2048, "learning_rate": 0.005, "metric": "recall@20"}

# a per-user random 8/1/1: the usual graph protocol
split = make_split(dataset, "ratio", by_time=0, valid_fraction=0.1, test_fraction=0.1)
for model in ("lightgcn", "xsimgcl"):
    report = fit_and_evaluate(model, dataset, split, options=fast, progress=False).report
    print(f"{model:<9} Recall@20 {report.metrics['recall@20']:.4f} "
          f"(best epoch {report.training['best_epoch']})")

# 10% of the users for validation and 10% for test leave training; each is shown 3 events
new_users = make_split(dataset, "new_users", given=3)
for model in ("pop", "itemknn", "lightgcn", "graphsage"):
    try:
        report = fit_and_evaluate(model, dataset, new_users,
                                  options=fast if model == "graphsage" else None,
                                  progress=False).report
    except NotApplicable as reason:  # LightGCN has no vector for a user it never saw
        print(f"{model:<9} n/a: {reason}")
        continue
    print(f"{model:<9} new users' Recall@20 {report.metrics['recall@20']:.4f}")
