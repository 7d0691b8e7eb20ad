"""Pre-train a transformer encoder on the built-in synthetic dataset, then fine-tune it with each
strategy (full, frozen, LoRA) and compare with SASRec trained from scratch (about a minute on one
CPU thread).

    python examples/pretrain_finetune.py

Settings are tiny (hidden size 16, at most 15 epochs), so the figures show the workflow, not what
the methods reach; see BENCHMARKS.md for measured results. At this size the item embedding table
is most of the model, so even "frozen" trains most parameters. Run folders (report.json with a
`transfer` section, checkpoint/) are written under runs/pretrain_finetune/. It printed, on one
CPU thread (figures can differ slightly with the torch build and thread count):

    pre-trained 15 epochs, last losses {'loss/next': 6.182, 'loss/masked': 6.23,
        'loss/contrastive': 0.551}, NDCG@10 0.0761 before fine-tuning
    scratch  NDCG@10 0.1683  trained 20,816 of 20,816 parameters  (SASRec, random init)
    full     NDCG@10 0.1755  trained 20,816 of 20,816 parameters  (items mapped 1000, new 0)
    frozen   NDCG@10 0.1269  trained 16,016 of 20,816 parameters  (items mapped 1000, new 0)
    lora     NDCG@10 0.1487  trained 17,808 of 22,608 parameters  (items mapped 1000, new 0)
"""

from pathlib import Path

from pretrec.experiment import run
from pretrec.finetune import STRATEGIES
from pretrec.pipeline.finetune import finetune

OUTPUT = Path("runs/pretrain_finetune")
# fixed by pre-training
ENCODER = {"hidden_size": 16, "n_heads": 2, "inner_size": 32, "max_len": 20}
TRAIN = {"epochs": 10, "batch_size": 128, "learning_rate": 0.005}  # validation picks the epoch

# objectives masked=1, next=1, contrastive=0.1 (the defaults); leave-one-out split, seed 0
pre = run("pretrainer", "synthetic", options={**ENCODER, **TRAIN, "epochs": 15},
          output=OUTPUT / "pretrain", progress=False)
losses = {k: round(v, 3) for k, v in pre.training["history"][-1].items() if k.startswith("loss/")}
print(f"pre-trained {pre.training['epochs_run']} epochs, last losses {losses}, "
      f"NDCG@10 {pre.metrics['ndcg@10']:.4f} before fine-tuning")

scratch = run("sasrec", "synthetic", options={**ENCODER, **TRAIN}, progress=False)
parameters = scratch.training["parameters"]
print(f"{'scratch':<8} NDCG@10 {scratch.metrics['ndcg@10']:.4f}  "
      f"trained {parameters['trainable']:>6,} "
      f"of {parameters['total']:>6,} parameters  (SASRec, random init)")

for strategy in STRATEGIES:  # full, frozen, lora
    report = finetune(OUTPUT / "pretrain" / "checkpoint", "synthetic", strategy=strategy,
                      options=TRAIN, output=OUTPUT / strategy, progress=False,
                      lora_rank=4, lora_alpha=8.0)[0]  # one report per seed
    transfer = report.transfer
    parameters = transfer["parameters"]  # counted before training: LoRA adapters included
    print(f"{strategy:<8} NDCG@10 {report.metrics['ndcg@10']:.4f}  "
          f"trained {parameters['trainable']:>6,} "
          f"of {parameters['total']:>6,} parameters  (items mapped {transfer['items_mapped']}, "
          f"new {transfer['items_new']})")
