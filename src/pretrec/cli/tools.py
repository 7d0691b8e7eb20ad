"""The commands that read runs and data rather than train: recommend, plot, describe, models,
compare."""

from __future__ import annotations

import argparse

from pretrec.errors import PretrecError
from pretrec.pipeline.settings import RunSettings, prepare_data


def recommend(args: argparse.Namespace) -> int:
    import json

    from pretrec.pipeline.recommend import Recommender

    if bool(args.user) == bool(args.history):
        raise PretrecError("give --user ID (repeatable) or --history ITEM ... (one of them)")
    recommender = Recommender.load(args.run)
    keep_seen = args.include_seen
    if args.user:
        lists = recommender.recommend(users=args.user, k=args.k, exclude_seen=not keep_seen)
        names = list(args.user)
    else:
        lists = recommender.recommend(histories=[args.history], k=args.k,
                                      exclude_seen=not keep_seen)
        names = ["history"]
    if args.format == "json":
        print(json.dumps({name: [{"item_id": i, "score": s} for i, s in items]
                          for name, items in zip(names, lists, strict=True)}, indent=1))
        return 0
    for name, items in zip(names, lists, strict=True):
        print(f"{name}:")
        for rank, (item, score) in enumerate(items, 1):
            print(f"  {rank:3d}. {item:<24} {score:.4f}")
    return 0


def plot(args: argparse.Namespace) -> int:
    from pretrec.pipeline.plots import plot_runs

    print(f"wrote {plot_runs(args.runs, args.output, args.metric)}")
    return 0


def describe(args: argparse.Namespace) -> int:
    from pretrec.data.stats import describe as statistics

    settings = RunSettings(dataset=args.dataset, format=args.format or "",
                           columns=args.columns or "")
    for key, value in statistics(prepare_data(settings)).items():
        print(f"{key:<24} {value}")
    return 0


def models(args: argparse.Namespace) -> int:
    from pretrec.models import MODELS, NeuralRecommender

    if not args.name:
        for entry in MODELS:
            print(f"{entry.name:<12} {entry.summary}")
        return 0
    entry = MODELS.get(args.name)
    print(f"{entry.name}: {entry.summary} ({entry.kind})")
    print_options(f"model options ({entry.config.__name__})", entry.config)
    if issubclass(entry.model, NeuralRecommender):
        from pretrec.train.loop import TrainConfig

        print_options("training options (TrainConfig)", TrainConfig)
    return 0


def print_options(title: str, config: type) -> None:
    """Each field of `config`: name, type, default and its docstring (for --set KEY=VALUE)."""
    import dataclasses
    import typing

    from pretrec.config import field_docs

    print(f"\n{title}:")
    hints, docs = typing.get_type_hints(config), field_docs(config)
    for field in dataclasses.fields(config):
        missing = field.default is dataclasses.MISSING
        default = field.default_factory() if missing else field.default
        hint = hints[field.name]
        if typing.get_origin(hint) is typing.Literal:
            kind = "one of " + "|".join(map(str, typing.get_args(hint)))
        else:
            kind = (getattr(hint, "__name__", None) or str(hint)).replace("typing.", "")
        print(f"  {field.name} ({kind}, default {default!r})")
        if docs[field.name]:
            print(f"      {docs[field.name]}")


def compare(args: argparse.Namespace) -> int:
    from pretrec.eval.significance import compare_runs

    print(f"{'metric':<16} {'A':>8} {'B':>8} {'B-A':>9} {'t-test p':>10} {'wilcoxon p':>11}  users")
    for c in compare_runs(args.run_a.split(","), args.run_b.split(","), args.metric):
        print(f"{c.metric:<16} {c.mean_a:8.4f} {c.mean_b:8.4f} {c.difference:+9.4f} "
              f"{c.t_pvalue:10.2e} {c.wilcoxon_pvalue:11.2e}  {c.n_users}")
    return 0
