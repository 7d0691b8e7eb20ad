"""The training commands, one function each: arguments -> `RunSettings` -> the Python API ->
a printed table (`pretrec.cli.tools` holds the commands that read runs and data)."""

from __future__ import annotations

import argparse
from typing import Any

from pretrec.cli.tables import format_table, single
from pretrec.config import parse_assignments
from pretrec.errors import NotApplicable, PretrecError
from pretrec.eval.report import Report
from pretrec.pipeline.settings import (
    RunSettings,
    merge_settings,
    prepare_data,
    prepare_split,
    read_config_file,
)

MERGED = ("set", "split_options", "seeds")  # flags parsed from KEY=VALUE lists and text


def settings_of(args: argparse.Namespace, **fixed: Any) -> RunSettings:
    """The YAML config (if any) with the given flags on top; `fixed` wins over both."""
    # every flag named like a `RunSettings` field is that field (argparse dests match the names)
    flags: dict[str, Any] = {key: getattr(args, key) for key in RunSettings.field_names()
                             if key not in MERGED and getattr(args, key, None) is not None}
    flags["set"] = parse_assignments(args.set)
    flags["split_options"] = parse_assignments(args.split_option)
    if args.seeds:
        try:
            flags["seeds"] = [int(s) for s in args.seeds.split(",") if s.strip()]
        except ValueError:
            raise PretrecError(f"--seeds expects comma-separated integers, "
                               f"got '{args.seeds}'") from None
    file_values = read_config_file(args.config) if args.config else {}
    settings = merge_settings(file_values, flags | fixed, args.config or "")
    for required in ("model", "dataset"):
        if not getattr(settings, required):
            raise PretrecError(f"--{required} is required (or give it in --config)")
    return settings


def run(args: argparse.Namespace) -> int:
    from pretrec.experiment import run_seeds

    settings = settings_of(args)
    if "," in settings.model:
        return run_several(args, settings)
    train_and_print(args, settings, run_seeds)
    return 0


def run_several(args: argparse.Namespace, settings: RunSettings) -> int:
    """`--model pop,ease,sasrec`: each model on the same data and split, in `output/<model>`,
    then one comparison table. A --set option goes to the models that have it."""
    from pretrec.experiment import run_seeds
    from pretrec.models import MODELS
    from pretrec.pipeline.fitting import option_names
    from pretrec.pipeline.run_folder import close_run_folder, open_run_folder

    names = [MODELS.canonical(name.strip()) for name in settings.model.split(",") if name.strip()]
    known = {name: option_names(name) for name in names}
    for key in settings.set:
        if not any(key in options for options in known.values()):
            raise PretrecError(f"option '{key}' belongs to none of the models {', '.join(names)}")
    output = settings.output_folder()
    if output is not None:
        output = open_run_folder(output, settings.overwrite)
    dataset = prepare_data(settings)
    split = prepare_split(dataset, settings)
    rows, report, not_applicable = {}, None, {}
    for name in names:
        options = {k: v for k, v in settings.set.items() if k in known[name]}
        try:
            reports, rows[name] = run_seeds(
                name, dataset, list(settings.seeds), split=split, options=options,
                protocol=settings.ranking_protocol(),
                output=None if output is None else output / name, progress=not args.quiet)
        except NotApplicable as reason:  # said in the table, not scored as zeros
            not_applicable[name] = str(reason)
            continue
        report = report or reports[0]
    if report is None:
        raise PretrecError("no model could be evaluated: " + "; ".join(not_applicable.values()))
    print(f"{report.dataset['name']}: {report.dataset['users']} users, {report.dataset['items']} "
          f"items; split {report.split['split']}; protocol {report.protocol['name']} "
          f"(ties {report.protocol['ties']})")
    print(format_table(rows, with_std=len(settings.seeds) > 1))
    for name, reason in not_applicable.items():
        print(f"{name:<10} n/a: {reason}")
    if output is not None:
        close_run_folder(output)
        print(f"run folder: {output} (one subfolder per model)")
    return 0


def pretrain(args: argparse.Namespace) -> int:
    from pretrec.experiment import run_seeds
    from pretrec.models.pretrainer import OBJECTIVES

    weights = {}
    for item in args.objective:
        name, _, weight = item.partition("=")
        if name not in OBJECTIVES:
            raise PretrecError(f"unknown objective '{name}'; choose from {', '.join(OBJECTIVES)}")
        try:
            weights[f"{name}_weight"] = float(weight) if weight else 1.0
        except ValueError:
            raise PretrecError(f"objective weight must be a number, got '{item}'") from None
    settings = settings_of(args, model="pretrainer")
    if weights:
        settings = settings.replace(set={**settings.set, **{f"{n}_weight": 0.0 for n in OBJECTIVES},
                                         **weights})
    train_and_print(args, settings, run_seeds)
    return 0


def finetune(args: argparse.Namespace) -> int:
    from pretrec.experiment import summarise
    from pretrec.pipeline.finetune import finetune as finetune_checkpoint

    if args.model is None and not args.config:
        args.model = "sasrec"
    settings = settings_of(args)
    if not settings.init:
        raise PretrecError("--init is required (a checkpoint folder, e.g. runs/pre/checkpoint)")

    def runner(model: str, dataset: Any, seeds: Any, **kwargs: Any) -> tuple[list[Report], Any]:
        reports = finetune_checkpoint(settings.init, dataset, settings.strategy, model, seeds=seeds,
                                      lora_rank=settings.lora_rank, lora_alpha=settings.lora_alpha,
                                      match_items=settings.match_items or None, **kwargs)
        return reports, summarise(reports)

    transfer = train_and_print(args, settings, runner).transfer
    print(f"fine-tuned from {transfer['checkpoint']} ({transfer['source_model']}), "
          f"strategy {transfer['strategy']}: "
          f"{transfer['parameters']['trainable']:,} of {transfer['parameters']['total']:,} "
          f"parameters trained; "
          f"items mapped {transfer['items_mapped']} (by {transfer.get('matched_by', 'id')}), "
          f"new {transfer['items_new']}")
    return 0


def train_and_print(args: argparse.Namespace, settings: RunSettings, runner: Any) -> Report:
    """Prepare the data and split, call `runner` (run_seeds or alike), print the metric table;
    returns the first seed's report."""
    dataset = prepare_data(settings)
    reports, summary = runner(
        settings.model, dataset, list(settings.seeds), split=prepare_split(dataset, settings),
        options=settings.set, format=settings.format or None, protocol=settings.ranking_protocol(),
        output=settings.output_folder(), progress=not args.quiet, overwrite=settings.overwrite,
    )
    report = reports[0]
    print(f"{report.dataset['name']}: {report.dataset['users']} users, "
          f"{report.dataset['items']} items; "
          f"split {report.split['split']}; protocol {report.protocol['name']} "
          f"(ties {report.protocol['ties']})")
    print(format_table({settings.model: summary}, with_std=len(settings.seeds) > 1))
    if report.groups:
        print("by target group (test, first seed):")
        print(format_table(single(report.groups)))
    if settings.output:
        print(f"run folder: {settings.output}")
    return report


def rate(args: argparse.Namespace) -> int:
    from pretrec.pipeline.rating import run_rating

    settings = settings_of(args)
    dataset = prepare_data(settings, ranking=False)  # a rating threshold would bias the ratings
    _, summary = run_rating(settings.model, dataset, list(settings.seeds), settings.set,
                            args.valid_fraction, args.test_fraction, settings.output_folder(),
                            progress=not args.quiet, refit=not args.no_refit,
                            overwrite=settings.overwrite)
    print(f"{dataset.name}: {dataset.n_users} users, {dataset.n_items} items, "
          f"{len(dataset.interactions)} ratings; "
          f"random split (test {args.test_fraction}, valid {args.valid_fraction}), "
          f"one split per seed {list(settings.seeds)}")
    print(format_table({settings.model: summary}, with_std=len(settings.seeds) > 1,
                       columns=("rmse", "mae")))
    if settings.output:
        print(f"run folder: {settings.output}")
    return 0


def click(args: argparse.Namespace) -> int:
    from pretrec.pipeline.click import run_click

    settings = settings_of(args)
    dataset = prepare_data(settings, ranking=False)
    reports, summary = run_click(settings.model, dataset, args.labels, list(settings.seeds),
                                 settings.set, args.threshold, args.negatives,
                                 args.valid_fraction, args.test_fraction,
                                 settings.output_folder(), progress=not args.quiet,
                                 refit=not args.no_refit, overwrite=settings.overwrite)
    print(f"{dataset.name}: {reports[0].protocol['name']}; "
          f"one split per seed {list(settings.seeds)}")
    print(format_table({settings.model: summary}, with_std=len(settings.seeds) > 1,
                       columns=("auc", "log_loss", "accuracy", "f1_pos", "f1_neg")))
    if settings.output:
        print(f"run folder: {settings.output}")
    return 0


def demo(args: argparse.Namespace) -> int:
    from pretrec.data.synthetic import make_synthetic
    from pretrec.pipeline.demo import run_demo
    from pretrec.pipeline.demo_text import run_text_demo

    reports = run_demo(args.output, progress=not args.quiet)
    first = next(iter(reports.values()))
    print(f"\nsynthetic: {first.dataset['users']} users, {first.dataset['items']} items, "
          f"{first.dataset['interactions']} interactions; split {first.split['split']}; "
          f"protocol {first.protocol['name']} (ties {first.protocol['ties']}); test metrics:")
    print(format_table(single({name: r.metrics for name, r in reports.items()})))
    seconds = {name: r.timings.get("total_seconds", 0.0) for name, r in reports.items()}
    print("wall time: " + ", ".join(f"{n} {s:.1f}s" for n, s in seconds.items()))
    print(f"run folder: {args.output} (report.json, per_user.npz, checkpoint/ per model)")
    if args.no_text:
        return 0
    print("\ntext step: 10% of the items never appear in training (cold); "
          "titles and genres are encoded by the packaged all-MiniLM-L6-v2")
    text = run_text_demo(make_synthetic(), args.output, progress=not args.quiet)
    for group in ("warm_items", "cold_items"):
        print(f"test targets on {group.replace('_', ' ')}:")
        rows = single({name: groups[group] for name, groups in text.groups.items()})
        print(format_table(rows, columns=("hr@10", "ndcg@10")))
    print("wall time: " + ", ".join(f"{n} {s:.1f}s" for n, s in text.seconds.items()))
    print("\n".join(text.example))
    return 0
