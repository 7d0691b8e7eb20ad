"""Command line: a thin layer over `pretrec.experiment` and friends.

    pretrec run --model bprmf --dataset Beauty.txt --split loo --set epochs=20 --output runs/bpr
    pretrec pretrain --dataset Beauty.txt --objective masked --objective contrastive=0.1 --output runs/pre
    pretrec finetune --init runs/pre/checkpoint --dataset Beauty.txt --strategy lora --output runs/ft
    pretrec describe --dataset Beauty.txt
    pretrec models
    pretrec compare runs/a runs/b
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pretrec.errors import PretrecError

if TYPE_CHECKING:
    from pretrec.eval.report import Report

METRIC_COLUMNS = ("hr@5", "ndcg@5", "hr@10", "ndcg@10", "hr@20", "ndcg@20", "recall@10", "mrr@10")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.handler(args)
    except (PretrecError, ImportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pretrec", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="train, select on validation, evaluate once on test")
    add_run_arguments(run)
    run.set_defaults(handler=cmd_run)

    pretrain = commands.add_parser("pretrain", help="self-supervised pre-training of a sequence encoder")
    add_run_arguments(pretrain, with_model=False)
    pretrain.add_argument("--objective", action="append", default=[], metavar="NAME[=WEIGHT]",
                          help="masked, next or contrastive, repeatable; unlisted ones are off "
                               "(default: masked=1, next=1, contrastive=0.1)")
    pretrain.set_defaults(handler=cmd_pretrain)

    finetune = commands.add_parser("finetune", help="fine-tune a pre-trained checkpoint for next-item retrieval")
    add_run_arguments(finetune)
    finetune.add_argument("--init", help="checkpoint folder to start from (a run's checkpoint/)")
    finetune.add_argument("--strategy", choices=["full", "frozen", "adaptor", "lora", "zero_shot"],
                          help="what trains (default full; zero_shot evaluates without training)")
    finetune.add_argument("--lora-rank", type=int, help="LoRA rank (strategy lora; default 8)")
    finetune.add_argument("--lora-alpha", type=float, help="LoRA scaling alpha (strategy lora; default 16)")
    finetune.add_argument("--match-items", metavar="FIELDS",
                          help="match items to the checkpoint's by these text fields, e.g. title,year "
                               "(default: by raw item id)")
    finetune.set_defaults(handler=cmd_finetune)

    rate = commands.add_parser("rate", help="rating prediction: random split, RMSE/MAE on held-out ratings")
    add_run_arguments(rate)
    rate.add_argument("--test-fraction", type=float, default=0.2, help="share of ratings for test (default 0.2)")
    rate.add_argument("--valid-fraction", type=float, default=0.1,
                      help="share of ratings for validation, taken from the rest (default 0.1)")
    rate.add_argument("--no-refit", action="store_true",
                      help="keep the validation-selected model instead of refitting on train + valid")
    rate.set_defaults(handler=cmd_rate)

    click = commands.add_parser("click", help="buy/click prediction: AUC, log loss, per-class report")
    add_run_arguments(click)
    click.add_argument("--labels", choices=["rating", "sampled"], default="rating",
                       help="positives: rating >= --threshold, or observed pairs against sampled negatives")
    click.add_argument("--threshold", type=float, default=4.0, help="labels=rating: positive when rating >= this")
    click.add_argument("--negatives", type=int, default=1, help="labels=sampled: negatives per positive")
    click.add_argument("--test-fraction", type=float, default=0.2, help="share of pairs for test (default 0.2)")
    click.add_argument("--valid-fraction", type=float, default=0.1, help="share of pairs for validation")
    click.add_argument("--no-refit", action="store_true", help="keep the validation-selected model")
    click.set_defaults(handler=cmd_click)

    describe = commands.add_parser("describe", help="dataset statistics")
    describe.add_argument("--dataset", required=True)
    describe.add_argument("--format")
    describe.add_argument("--columns", help="table column roles, e.g. user=userId,item=movieId")
    describe.set_defaults(handler=cmd_describe)

    demo = commands.add_parser("demo", help="run every baseline on the built-in synthetic data")
    demo.add_argument("--output", default="runs/demo")
    demo.add_argument("--quiet", action="store_true")
    demo.add_argument("--no-text", action="store_true", help="skip the text step (no sentence encoder)")
    demo.set_defaults(handler=cmd_demo)

    models = commands.add_parser("models", help="list registered models")
    models.set_defaults(handler=cmd_models)

    compare = commands.add_parser("compare", help="paired significance test between two runs")
    compare.add_argument("run_a", help="run folder, or comma-separated folders (seeds: per-user mean)")
    compare.add_argument("run_b", help="the same for the other side")
    compare.add_argument("--metric", action="append", help="metric(s) to compare (default: all)")
    compare.set_defaults(handler=cmd_compare)
    return parser


def add_run_arguments(parser: argparse.ArgumentParser, with_model: bool = True) -> None:
    """The options every training command shares (run, pretrain, finetune)."""
    if with_model:
        parser.add_argument("--model", help="registered model name (see `pretrec models`)")
    parser.add_argument("--dataset", help="data path, or 'synthetic' for the built-in dataset")
    parser.add_argument("--format", help="seq, pairs, atomic, csv, tsv, parquet, presplit (default: detect)")
    parser.add_argument("--columns", help="table column roles, e.g. user=userId,item=movieId,rating=rating")
    parser.add_argument("--item-attributes", help='JSON {"item_id": [attribute_id, ...]} (S3-Rec objectives)')
    parser.add_argument("--split", choices=["loo", "temporal", "ratio", "random", "presplit", "cold"])
    parser.add_argument("--split-option", action="append", default=[], metavar="KEY=VALUE",
                        help="split option, repeatable (e.g. --split cold --split-option cold_item_fraction=0.2)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="model or trainer option, repeatable (e.g. --set epochs=20)")
    parser.add_argument("--config", help="YAML file with model, dataset, split, seeds, set: {...}")
    parser.add_argument("--seeds", help="comma-separated seeds: report mean ± std")
    parser.add_argument("--protocol", choices=["full", "sampled"], help="ranking protocol (default full)")
    parser.add_argument("--sampler", choices=["uniform", "popularity"], help="sampled protocol: negatives")
    parser.add_argument("--min-rating", type=float, help="keep ratings >= this, as implicit feedback")
    parser.add_argument("--dedup", action="store_true", help="drop repeated (user, item) pairs")
    parser.add_argument("--k-core", type=int, default=0, help="keep users and items with >= K events")
    parser.add_argument("--output", help="run folder for report.json, per-user metrics, checkpoint")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


CONFIG_KEYS = {"model", "dataset", "format", "split", "split_options", "seeds", "set", "protocol", "output", "init",
               "strategy", "lora_rank", "lora_alpha", "item_attributes", "match_items"}


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """Merge the YAML config (if any) with command-line flags; flags win."""
    from pretrec.config import parse_assignments

    settings: dict[str, Any] = {"split": "loo", "seeds": [0], "set": {}}
    if args.config:
        import yaml

        path = Path(args.config)
        if not path.exists():
            raise PretrecError(f"config file not found: {path}")
        loaded = yaml.safe_load(path.read_text()) or {}
        unknown = set(loaded) - CONFIG_KEYS
        if unknown:
            raise PretrecError(f"{path}: unknown top-level keys {sorted(unknown)}")
        settings |= loaded
        settings["set"] = dict(loaded.get("set") or {})
    for key in ("model", "dataset", "format", "split", "protocol", "output", "init", "strategy", "lora_rank", "lora_alpha", "item_attributes",
                "match_items"):
        if getattr(args, key, None) is not None:
            settings[key] = getattr(args, key)
    settings["set"] |= parse_assignments(args.set)
    settings["split_options"] = dict(settings.get("split_options") or {}) | parse_assignments(args.split_option)
    if args.seeds:
        try:
            settings["seeds"] = [int(s) for s in args.seeds.split(",") if s.strip()]
        except ValueError:
            raise PretrecError(f"--seeds expects comma-separated integers, got '{args.seeds}'") from None
    for required in ("model", "dataset"):
        if not settings.get(required):
            raise PretrecError(f"--{required} is required (or give it in --config)")
    return settings


def _columns(text: str | None) -> dict[str, str] | None:
    """'user=userId,item=movieId' -> {'user': 'userId', 'item': 'movieId'}."""
    from pretrec.config import parse_assignments

    return None if not text else parse_assignments([p for p in text.split(",") if p.strip()])


def cmd_run(args: argparse.Namespace) -> int:
    from pretrec.experiment import run_seeds

    _train_and_print(args, _settings(args), run_seeds)
    return 0


def cmd_rate(args: argparse.Namespace) -> int:
    from pretrec.data.filters import apply_filters
    from pretrec.experiment import load
    from pretrec.rating import run_rating

    settings = _settings(args)
    dataset = apply_filters(load(settings["dataset"], settings.get("format"), _columns(args.columns)),
                            None, args.dedup, args.k_core)  # --min-rating would bias the ratings: not applied
    reports, summary = run_rating(settings["model"], dataset, settings["seeds"], settings["set"],
                                  args.valid_fraction, args.test_fraction, settings.get("output"),
                                  progress=not args.quiet, refit=not args.no_refit)
    seeds = settings["seeds"]
    print(f"{dataset.name}: {dataset.n_users} users, {dataset.n_items} items, {len(dataset.interactions)} ratings; "
          f"random split (test {args.test_fraction}, valid {args.valid_fraction}), one split per seed {seeds}")
    print(format_table({settings["model"]: summary}, with_std=len(seeds) > 1, columns=("rmse", "mae")))
    if settings.get("output"):
        print(f"run folder: {settings['output']}")
    return 0


def cmd_click(args: argparse.Namespace) -> int:
    from pretrec.click import run_click
    from pretrec.data.filters import apply_filters
    from pretrec.experiment import load

    settings = _settings(args)
    dataset = apply_filters(load(settings["dataset"], settings.get("format"), _columns(args.columns)),
                            None, args.dedup, args.k_core)
    seeds = settings["seeds"]
    reports, summary = run_click(settings["model"], dataset, args.labels, seeds, settings["set"], args.threshold,
                                 args.negatives, args.valid_fraction, args.test_fraction, settings.get("output"),
                                 progress=not args.quiet, refit=not args.no_refit)
    print(f"{dataset.name}: {reports[0].protocol['name']}; one split per seed {seeds}")
    print(format_table({settings["model"]: summary}, with_std=len(seeds) > 1,
                       columns=("auc", "log_loss", "accuracy", "f1_pos", "f1_neg")))
    if settings.get("output"):
        print(f"run folder: {settings['output']}")
    return 0


def cmd_pretrain(args: argparse.Namespace) -> int:
    from pretrec.experiment import run_seeds
    from pretrec.models.pretrainer import OBJECTIVES

    args.model = "pretrainer"
    settings = _settings(args)
    weights = {}
    for item in args.objective:
        name, _, weight = item.partition("=")
        if name not in OBJECTIVES:
            raise PretrecError(f"unknown objective '{name}'; choose from {', '.join(OBJECTIVES)}")
        try:
            weights[f"{name}_weight"] = float(weight) if weight else 1.0
        except ValueError:
            raise PretrecError(f"objective weight must be a number, got '{item}'") from None
    if weights:
        settings["set"] |= {f"{name}_weight": 0.0 for name in OBJECTIVES} | weights
    _train_and_print(args, settings, run_seeds)
    return 0


def cmd_finetune(args: argparse.Namespace) -> int:
    from pretrec.pipeline.finetune import finetune

    if args.model is None and not args.config:
        args.model = "sasrec"
    settings = _settings(args)
    if not settings.get("init"):
        raise PretrecError("--init is required (a checkpoint folder, e.g. runs/pre/checkpoint)")

    def runner(model: str, dataset: Any, seeds: Sequence[int], **kwargs: Any):
        from pretrec.experiment import summarise

        reports = finetune(settings["init"], dataset, settings.get("strategy") or "full", model, seeds=seeds,
                           lora_rank=int(settings.get("lora_rank") or 8),
                           lora_alpha=float(settings.get("lora_alpha") or 16.0),
                           match_items=settings.get("match_items"), **kwargs)
        return reports, summarise(reports)

    transfer = _train_and_print(args, settings, runner).transfer
    print(f"fine-tuned from {transfer['checkpoint']} ({transfer['source_model']}), strategy {transfer['strategy']}: "
          f"{transfer['parameters']['trainable']:,} of {transfer['parameters']['total']:,} parameters trained; "
          f"items mapped {transfer['items_mapped']} (by {transfer.get('matched_by', 'id')}), new {transfer['items_new']}")
    return 0


def _train_and_print(args: argparse.Namespace, settings: dict[str, Any], runner: Any) -> Report:
    """Load and filter the data, call `runner` (run_seeds or alike), print the metric table;
    returns the first seed's report."""
    from pretrec.data.filters import apply_filters
    from pretrec.eval.protocol import Protocol
    from pretrec.experiment import load

    protocol = Protocol(ranking=settings.get("protocol") or "full", sampler=args.sampler or "uniform")
    output = settings.get("output")
    seeds = settings["seeds"]
    dataset = apply_filters(load(settings["dataset"], settings.get("format"), _columns(args.columns)),
                            args.min_rating, args.dedup, args.k_core)
    if settings.get("item_attributes"):
        from pretrec.data.io.attributes import with_item_attributes

        dataset, _ = with_item_attributes(dataset, settings["item_attributes"])
    split: Any = settings["split"]
    if settings["split_options"]:
        from pretrec.data.split_by_name import make_split

        split = make_split(dataset, split, **settings["split_options"])
    reports, summary = runner(
        settings["model"], dataset, seeds, split=split, options=settings["set"],
        format=settings.get("format"), protocol=protocol, output=output, progress=not args.quiet,
    )
    report = reports[0]
    print(f"{report.dataset['name']}: {report.dataset['users']} users, {report.dataset['items']} items; "
          f"split {report.split['split']}; protocol {report.protocol['name']} (ties {report.protocol['ties']})")
    print(format_table({settings["model"]: summary}, with_std=len(seeds) > 1))
    if report.groups:
        print("by target group (test, first seed):")
        print(format_table({g: {k: (v, 0.0) for k, v in m.items()} for g, m in report.groups.items()}))
    if output:
        print(f"run folder: {output}")
    return report


def format_table(rows: dict[str, dict[str, tuple[float, float]]], with_std: bool = False,
                 columns: Sequence[str] = METRIC_COLUMNS) -> str:
    """A plain-text model x metric table; cells are mean (± std)."""
    present = [c for c in columns if any(c in r for r in rows.values())]
    width = 16 if with_std else 8
    name_width = max(8, *(len(n) for n in rows))
    lines = [f"{'model':<{name_width}} " + " ".join(f"{c:>{width}}" for c in present)]
    for name, metrics in rows.items():
        cells = []
        for column in present:
            mean, std = metrics.get(column, (float("nan"), 0.0))
            cells.append(f"{mean:.4f}±{std:.4f}".rjust(width) if with_std else f"{mean:.4f}".rjust(width))
        lines.append(f"{name:<{name_width}} " + " ".join(cells))
    return "\n".join(lines)


def cmd_demo(args: argparse.Namespace) -> int:
    from pretrec.demo import run_demo

    reports = run_demo(args.output, progress=not args.quiet)
    first = next(iter(reports.values()))
    print(f"\nsynthetic: {first.dataset['users']} users, {first.dataset['items']} items, "
          f"{first.dataset['interactions']} interactions; split {first.split['split']}; "
          f"protocol {first.protocol['name']} (ties {first.protocol['ties']}); test metrics:")
    rows = {name: {k: (v, 0.0) for k, v in r.metrics.items()} for name, r in reports.items()}
    print(format_table(rows))
    seconds = {name: r.timings.get("total_seconds", 0.0) for name, r in reports.items()}
    print("wall time: " + ", ".join(f"{n} {s:.1f}s" for n, s in seconds.items()))
    print(f"run folder: {args.output} (report.json, per_user.npz, checkpoint/ per model)")
    if not args.no_text:
        _text_demo(args)
    return 0


def _text_demo(args: argparse.Namespace) -> None:
    from pretrec.data.synthetic import make_synthetic
    from pretrec.demo_text import run_text_demo

    print("\ntext step: 10% of the items never appear in training (cold); titles and genres are encoded by "
          "the packaged all-MiniLM-L6-v2")
    demo = run_text_demo(make_synthetic(), args.output, progress=not args.quiet)
    for group in ("warm_items", "cold_items"):
        rows = {name: {k: (v, 0.0) for k, v in groups[group].items()} for name, groups in demo.groups.items()}
        print(f"test targets on {group.replace('_', ' ')}:")
        print(format_table(rows, columns=("hr@10", "ndcg@10")))
    print("wall time: " + ", ".join(f"{n} {s:.1f}s" for n, s in demo.seconds.items()))
    print("\n".join(demo.example))


def cmd_describe(args: argparse.Namespace) -> int:
    from pretrec.data.stats import describe
    from pretrec.experiment import load

    dataset = load(args.dataset, args.format, _columns(args.columns))
    for key, value in describe(dataset).items():
        print(f"{key:<24} {value}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from pretrec.models import MODELS

    for entry in MODELS:
        print(f"{entry.name:<12} {entry.summary}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from pretrec.eval.significance import compare_runs

    print(f"{'metric':<16} {'A':>8} {'B':>8} {'B-A':>9} {'t-test p':>10} {'wilcoxon p':>11}  users")
    for c in compare_runs(args.run_a.split(","), args.run_b.split(","), args.metric):
        print(f"{c.metric:<16} {c.mean_a:8.4f} {c.mean_b:8.4f} {c.difference:+9.4f} "
              f"{c.t_pvalue:10.2e} {c.wilcoxon_pvalue:11.2e}  {c.n_users}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
