"""The serving commands: export (a run folder -> a bundle)."""

from __future__ import annotations

import argparse


def export(args: argparse.Namespace) -> int:
    from pretrec.serve.bundle import export_bundle, load_bundle

    bundle = load_bundle(export_bundle(args.run, args.output, overwrite=args.overwrite))
    size = sum(f["bytes"] for f in bundle.manifest["files"].values())
    print(f"wrote {bundle.path}: {bundle.model_name}, {len(bundle.manifest['files'])} files, "
          f"{size / 1e6:.1f} MB (verified)")
    return 0
