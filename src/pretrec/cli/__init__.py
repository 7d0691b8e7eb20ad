"""Command line: parses arguments and calls the Python API (`pretrec.cli.commands`).

    pretrec run --model bprmf --dataset Beauty.txt --split loo --set epochs=20 --output runs/bpr
    pretrec pretrain --dataset Beauty.txt --objective masked --objective contrastive=0.1
        --output runs/pre
    pretrec finetune --init runs/pre/checkpoint --dataset Beauty.txt --strategy lora
        --output runs/ft
    pretrec describe --dataset Beauty.txt
    pretrec models
    pretrec compare runs/a runs/b
    pretrec export runs/sasrec --output bundles/sasrec
    pretrec serve bundles/sasrec --port 8000 --state state.sqlite
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import torch

from pretrec import __version__
from pretrec.cli import commands, serving, tools
from pretrec.data.io import FORMATS
from pretrec.data.split_by_name import SPLITS
from pretrec.errors import PretrecError
from pretrec.finetune.strategies import STRATEGIES


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.INFO if getattr(args, "verbose", False) else logging.WARNING
    if args.log_level:
        level = getattr(logging, args.log_level.upper())
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if getattr(args, "quiet", False) is False and not sys.stderr.isatty():
        args.quiet = True  # progress bars are for terminals, not log files
    try:
        if getattr(args, "threads", None) is not None:
            if args.threads < 1:
                raise PretrecError(f"--threads must be >= 1, got {args.threads}")
            torch.set_num_threads(args.threads)
        return args.handler(args)
    except BrokenPipeError:  # the reader (e.g. `head`) stopped reading: not an error
        return 0
    except (PretrecError, ImportError, OSError) as error:
        if args.debug:
            raise
        print(f"error: {describe_error(error)}", file=sys.stderr)
        return 2


def describe_error(error: Exception) -> str:
    """One line for a user: our own errors as they are; a file-system error with its path."""
    if isinstance(error, OSError) and not isinstance(error, PretrecError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    return str(error)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pretrec", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true",
                        help="show the Python traceback of an error instead of one line")
    parser.add_argument("--version", action="version", version=f"pretrec {__version__}")
    parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"],
                        help="what goes to stderr (default warning; --verbose is info)")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="train, select on validation, evaluate once on test")
    add_run_arguments(run)
    run.set_defaults(handler=commands.run)

    pretrain = sub.add_parser("pretrain", help="self-supervised pre-training of a sequence encoder")
    add_run_arguments(pretrain, with_model=False)
    pretrain.add_argument("--objective", action="append", default=[], metavar="NAME[=WEIGHT]",
                          help="masked, next, contrastive, attribute or segment, repeatable; "
                               "unlisted ones are off (default: masked=1, next=1, contrastive=0.1)")
    pretrain.set_defaults(handler=commands.pretrain)

    finetune = sub.add_parser("finetune",
                              help="fine-tune a pre-trained checkpoint for next-item retrieval")
    add_run_arguments(finetune)
    finetune.add_argument("--init", help="checkpoint folder to start from (a run's checkpoint/)")
    finetune.add_argument("--strategy", choices=STRATEGIES,
                          help="what trains (default full; zero_shot evaluates without training)")
    finetune.add_argument("--lora-rank", type=int, help="LoRA rank (strategy lora; default 8)")
    finetune.add_argument("--lora-alpha", type=float,
                          help="LoRA scaling alpha (strategy lora; default 16)")
    finetune.add_argument("--match-items", metavar="FIELDS",
                          help="match items to the checkpoint's by these text fields, "
                               "e.g. title,year (default: by raw item id)")
    finetune.set_defaults(handler=commands.finetune)

    rate = sub.add_parser("rate",
                          help="rating prediction: random split, RMSE/MAE on held-out ratings")
    add_run_arguments(rate)
    add_pointwise_arguments(rate, "ratings")
    rate.set_defaults(handler=commands.rate)

    click = sub.add_parser("click", help="buy/click prediction: AUC, log loss, per-class report")
    add_run_arguments(click)
    click.add_argument("--labels", choices=["rating", "sampled"], default="rating",
                       help="positives: rating >= --threshold, "
                            "or observed pairs against sampled negatives")
    click.add_argument("--threshold", type=float, default=4.0,
                       help="labels=rating: positive when rating >= this")
    click.add_argument("--negatives", type=int, default=1,
                       help="labels=sampled: negatives per positive")
    add_pointwise_arguments(click, "pairs")
    click.set_defaults(handler=commands.click)

    recommend = sub.add_parser("recommend", help="top-K items for users of a run, or for a history")
    recommend.add_argument("run", help="a run folder written by `pretrec run --output`, or a "
                           "bundle written by `pretrec export`")
    recommend.add_argument("--user", action="append", default=[], metavar="ID",
                           help="a user the run was trained on (repeatable)")
    recommend.add_argument("--history", nargs="+", metavar="ITEM",
                           help="raw item ids in time order: recommend for this history instead")
    recommend.add_argument("-k", type=int, default=10, help="how many items (default 10)")
    recommend.add_argument("--include-seen", action="store_true",
                           help="keep items the user already has (default: left out)")
    recommend.add_argument("--format", choices=["table", "json"], default="table")
    recommend.set_defaults(handler=tools.recommend)

    export = sub.add_parser("export", help="a serving bundle from a finished run folder")
    export.add_argument("run", help="a run folder written by `pretrec run --output`")
    export.add_argument("--output", required=True, help="the bundle folder to write")
    export.add_argument("--overwrite", action="store_true",
                        help="replace an earlier bundle in --output")
    export.set_defaults(handler=serving.export)

    serve = sub.add_parser("serve", help="an HTTP service over a bundle (FastAPI + uvicorn)")
    serve.add_argument("bundle", help="a bundle folder written by `pretrec export`")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--state", metavar="FILE.sqlite",
                       help="SQLite file that keeps live events and new items across restarts "
                            "(default: kept in memory, lost on exit)")
    serve.add_argument("--token", help="require 'Authorization: Bearer TOKEN' on /events and "
                       f"/items (default: the {serving.TOKEN_VARIABLE} environment variable)")
    serve.add_argument("--index", choices=["exact", "hnsw", "ivfpq"], default="exact",
                       help="item index of inner-product models (default exact)")
    serve.add_argument("--max-batch", type=int, default=64,
                       help="most /recommend requests answered by one model call (1 = off)")
    serve.add_argument("--batch-wait-ms", type=float, default=2.0,
                       help="how long a request waits for others to join its model call")
    serve.add_argument("--max-body-bytes", type=int, default=1 << 20,
                       help="larger request bodies are refused with 413")
    serve.add_argument("--threads", type=int, default=None, help="torch threads")
    serve.set_defaults(handler=serving.serve)

    plot = sub.add_parser("plot", help="training curves and a results chart of runs, as a PNG")
    plot.add_argument("runs", nargs="+", help="run folders (a multi-seed folder: its seeds)")
    plot.add_argument("--output", required=True, help="the .png to write")
    plot.add_argument("--metric", default="ndcg@10",
                      help="test metric of the chart (default ndcg@10)")
    plot.set_defaults(handler=tools.plot)

    describe = sub.add_parser("describe", help="dataset statistics")
    describe.add_argument("--dataset", required=True)
    describe.add_argument("--format")
    describe.add_argument("--columns", help="table column roles, e.g. user=userId,item=movieId")
    describe.set_defaults(handler=tools.describe)

    demo = sub.add_parser("demo", help="run every baseline on the built-in synthetic data")
    demo.add_argument("--output", default="runs/demo")
    demo.add_argument("--quiet", action="store_true")
    demo.add_argument("--no-text", action="store_true",
                      help="skip the text step (no sentence encoder)")
    demo.set_defaults(handler=commands.demo)

    models = sub.add_parser("models", help="list registered models, or one model's options")
    models.add_argument("name", nargs="?", help="a model name (any case): list its options")
    models.set_defaults(handler=tools.models)

    compare = sub.add_parser("compare", help="paired significance test between two runs")
    compare.add_argument("run_a",
                         help="run folder, or comma-separated folders (seeds: per-user mean)")
    compare.add_argument("run_b", help="the same for the other side")
    compare.add_argument("--metric", action="append", help="metric(s) to compare (default: all)")
    compare.set_defaults(handler=tools.compare)
    return parser


def add_run_arguments(parser: argparse.ArgumentParser, with_model: bool = True) -> None:
    """The options every training command shares; each is a `RunSettings` field (a YAML key)."""
    if with_model:
        parser.add_argument("--model", help="registered model name (see `pretrec models`)")
    parser.add_argument("--dataset", help="data path, or 'synthetic' for the built-in dataset")
    parser.add_argument("--format",
                        help=f"{', '.join(FORMATS)} (default: detect)")
    parser.add_argument("--columns",
                        help="table column roles, e.g. user=userId,item=movieId,rating=rating")
    parser.add_argument("--item-attributes",
                        help='JSON {"item_id": [attribute_id, ...]} (S3-Rec objectives)')
    parser.add_argument("--split", choices=SPLITS)
    parser.add_argument("--split-option", action="append", default=[], metavar="KEY=VALUE",
                        help="split option, repeatable "
                             "(e.g. --split cold --split-option cold_item_fraction=0.2)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="model or trainer option, repeatable (e.g. --set epochs=20)")
    parser.add_argument("--config",
                        help="YAML file whose top-level keys are these options (set: {...})")
    parser.add_argument("--seeds", help="comma-separated seeds: report mean ± std")
    parser.add_argument("--protocol", choices=["full", "sampled"],
                        help="ranking protocol (default full)")
    parser.add_argument("--mask", choices=["context", "none"],
                        help="ranking mask: context items, targets included (default; a target "
                             "repeating one is a miss), or none (repeat-aware)")
    parser.add_argument("--sampler", choices=["uniform", "popularity"],
                        help="sampled protocol: negatives")
    parser.add_argument("--rare-items", type=int, metavar="N",
                        help="also report targets on items with <= N training events, and the "
                             "rest, as groups rare_items and frequent_items")
    parser.add_argument("--min-rating", type=float,
                        help="keep ratings >= this, as implicit feedback")
    parser.add_argument("--dedup", action="store_true", default=None,
                        help="drop repeated (user, item) pairs")
    parser.add_argument("--k-core", type=int, help="keep users and items with >= K events")
    parser.add_argument("--output", help="run folder for report.json, per-user metrics, checkpoint")
    parser.add_argument("--overwrite", action="store_true", default=None,
                        help="replace an earlier run in --output (a non-empty folder is refused)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bars (they are off anyway when stderr is not a terminal)")
    parser.add_argument("--verbose", action="store_true",
                        help="log every epoch's losses and validation metric (INFO) to stderr")
    parser.add_argument("--threads", type=int,
                        help="CPU threads for torch (default: all cores; on a shared machine set "
                             "it, two jobs of all cores each oversubscribe it)")


def add_pointwise_arguments(parser: argparse.ArgumentParser, rows: str) -> None:
    """The random split and refit of rating and click prediction."""
    parser.add_argument("--test-fraction", type=float, default=0.2,
                        help=f"share of {rows} for test (default 0.2)")
    parser.add_argument("--valid-fraction", type=float, default=0.1,
                        help=f"share of {rows} for validation, taken from the rest (default 0.1)")
    parser.add_argument("--no-refit", action="store_true",
                        help="keep the validation-selected model instead of refitting on "
                             "train + valid")
