"""Cold start through item text: encode titles with the packaged sentence encoder, keep 10% of
the items out of training, and compare an ID-only SASRec with text_sasrec on those new items
(a couple of minutes on 2 CPU cores). Pass a MovieLens folder to run it on real data.

    python examples/text_cold_start.py                                   # built-in synthetic data
    python examples/text_cold_start.py ../shared/data/text/ml-100k
"""

import sys

from pretrec.data.cold_start import cold_start_split
from pretrec.experiment import fit_and_evaluate, load
from pretrec.text import SentenceEncoder, assemble_text

dataset = load(sys.argv[1] if len(sys.argv) > 1 else "synthetic")
texts = assemble_text(dataset.item_side.text)
print(f"{dataset.name}: {dataset.n_items} items, e.g. {texts[0]!r}")
print("MiniLM vector of the first item:", SentenceEncoder().encode(texts[:1])[0][:4], "...")

split = cold_start_split(dataset.interactions, cold_item_fraction=0.1, seed=0)
common = {"epochs": 30, "batch_size": 256, "learning_rate": 0.005, "patience": 5,
          "hidden_size": 32, "inner_size": 64, "dropout": 0.2, "attention_dropout": 0.2,
          "max_len": 20, "progress": False}
models = {"sasrec": common,
          "text_sasrec": {**common, "fusion": "text+id", "adaptor": "linear", "id_dropout": 0.5}}
for name, options in models.items():
    groups = fit_and_evaluate(name, dataset, split, options, seed=0, progress=False).report.groups
    print(f"{name:<12} NDCG@10 warm items {groups['warm_items']['ndcg@10']:.4f}"
          f"  cold items {groups['cold_items']['ndcg@10']:.4f}")
