"""A knowledge-graph model on the built-in synthetic data: LightGCN against KGCL, which reads each
item's attributes (topic, brand) as an item -> attribute graph, with the report split by how
often the target item was seen in training (a few minutes on 2 cores).

    python examples/knowledge_graph_items.py
"""

from pretrec.data.split_by_name import make_split
from pretrec.data.synthetic import make_synthetic
from pretrec.eval.protocol import Protocol
from pretrec.experiment import fit_and_evaluate

dataset = make_synthetic(seed=0)  # 2,000 users, 1,000 items, each with a topic and a brand
fast = {"epochs": 15, "batch_size": 2048, "learning_rate": 0.005, "metric": "recall@20"}
split = make_split(dataset, "ratio", by_time=0, valid_fraction=0.1, test_fraction=0.1)
protocol = Protocol(rare_items=5)  # groups: targets on items with at most 5 training events, rest

for model in ("lightgcn", "kgcl"):  # kgcl builds its graph from the dataset's item attributes
    report = fit_and_evaluate(model, dataset, split, options=fast, protocol=protocol,
                              progress=False).report
    groups = report.groups
    print(f"{model:<8} Recall@20 {report.metrics['recall@20']:.4f}  "
          f"rare items {groups['rare_items']['recall@20']:.4f}  "
          f"frequent items {groups['frequent_items']['recall@20']:.4f}")
