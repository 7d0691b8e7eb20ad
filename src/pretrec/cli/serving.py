"""The serving commands: export (a run folder -> a bundle) and serve (a bundle -> HTTP)."""

from __future__ import annotations

import argparse
import os

import torch

from pretrec.errors import ConfigError


def export(args: argparse.Namespace) -> int:
    from pretrec.serve.bundle import export_bundle, load_bundle

    bundle = load_bundle(export_bundle(args.run, args.output, overwrite=args.overwrite))
    size = sum(f["bytes"] for f in bundle.manifest["files"].values())
    print(f"wrote {bundle.path}: {bundle.model_name}, {len(bundle.manifest['files'])} files, "
          f"{size / 1e6:.1f} MB (verified)")
    return 0


TOKEN_VARIABLE = "PRETREC_TOKEN"


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from pretrec.serve.app import create_app
    from pretrec.serve.bundle import load_bundle
    from pretrec.serve.engine import Engine
    from pretrec.serve.store import SqliteStore

    if args.max_batch < 1 or args.batch_wait_ms < 0 or args.max_body_bytes < 1:
        raise ConfigError("--max-batch and --max-body-bytes must be >= 1, --batch-wait-ms >= 0")
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    token = args.token or os.environ.get(TOKEN_VARIABLE) or None
    store = SqliteStore(args.state or ":memory:")
    engine = Engine(load_bundle(args.bundle), store, index_kind=args.index)
    app = create_app(engine, token=token, max_body_bytes=args.max_body_bytes,
                     max_batch=args.max_batch, max_wait_ms=args.batch_wait_ms)
    print(f"serving {engine.bundle.model_name} ({engine.n_items} items) on "
          f"http://{args.host}:{args.port}/ (docs at /docs; state: {args.state or 'memory'}; "
          f"writes {'need the token' if token else 'open'})", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    store.close()
    return 0
