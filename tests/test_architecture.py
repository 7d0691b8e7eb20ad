"""The import structure of docs/architecture.md holds, read from the source with `ast`.

Every import counts, at module level or inside a function (a lazy import that closes a cycle
hides a design problem); only imports under `if TYPE_CHECKING:` are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# part -> the files and folders (relative to src/pretrec) that make it
PARTS: dict[str, tuple[str, ...]] = {
    "data": ("data/",),
    "sampling": ("sampling/",),
    "augment": ("augment/",),
    "nn": ("nn/",),
    "losses": ("losses.py",),
    "models": ("models/",),
    "tasks": ("tasks/", "pretrain/", "finetune/"),
    "encoders": ("text/", "encoders/"),
    "train": ("train/",),
    "eval": ("eval/",),
    "experiment": ("experiment.py", "pipeline/"),
    "serve": ("serve/",),
    "cli": ("cli/",),
}

# part -> parts it must never import
NEVER: dict[str, tuple[str, ...]] = {
    "eval": ("models", "train", "tasks"),
    "data": ("models", "train", "tasks", "eval", "encoders"),
    "models": ("train", "tasks", "experiment", "cli", "serve"),
    "nn": ("models", "train"),
    "encoders": ("models", "train"),
    "losses": ("models",),
    "train": ("experiment", "cli"),
    "tasks": ("experiment", "cli"),
    "serve": ("train", "tasks"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(path: Path) -> str | None:
    relative = path.relative_to(SRC / "pretrec").as_posix()
    for part, places in PARTS.items():
        if any(relative == p or (p.endswith("/") and relative.startswith(p)) for p in places):
            return part
    return None


def type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of every node under an `if TYPE_CHECKING:` block."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skip |= {id(n) for n in ast.walk(child)}
    return skip


def imported_modules(path: Path, modules: set[str]) -> list[tuple[str, int]]:
    """(pretrec module, line) of every import in `path`, resolved to a file of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skip = type_checking_nodes(tree)
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from pkg import sub` imports the submodule when there is one, else the package
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                       for a in node.names]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != own:
                found.append((target, node.lineno))
    return found


def import_graph() -> tuple[dict[str, Path], dict[str, list[tuple[str, int]]]]:
    files = {module_name(p): p for p in (SRC / "pretrec").rglob("*.py")}
    return files, {m: imported_modules(p, set(files)) for m, p in files.items()}


def test_no_part_imports_a_part_it_must_never_import() -> None:
    files, graph = import_graph()
    broken = []
    for module, imports in graph.items():
        part = part_of(files[module])
        for target, line in imports:
            other = part_of(files[target])
            if part and other and other != part and other in NEVER.get(part, ()):
                broken.append(f"{files[module].relative_to(SRC)}:{line} ({part}) "
                              f"imports {target} ({other})")
    assert not broken, "\n".join(broken)


def test_there_is_no_import_cycle() -> None:
    _, graph = import_graph()
    edges = {m: {t for t, _ in imports} for m, imports in graph.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, stack: list[str]) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target, stack)):
                return cycle
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(edges):
        if module not in state:
            cycle = visit(module, [])
            assert cycle is None, "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_mapped_place_exists_or_is_planned(part: str) -> None:
    planned = {"encoders/", "serve/"}  # parts of later issues, named so they stay in place
    for place in PARTS[part]:
        assert place in planned or (SRC / "pretrec" / place).exists(), f"{part}: {place} is gone"


def test_models_are_at_most_one_level_below_a_base_and_configs_two_below_config() -> None:
    from pretrec.config import Config
    from pretrec.models import MODELS
    from pretrec.models.base import NeuralRecommender, Recommender
    from pretrec.models.graph_base import GraphRecommender
    from pretrec.models.rating_model import RatingModel

    bases = {Recommender, NeuralRecommender, RatingModel, GraphRecommender}
    for entry in MODELS:
        parents = [c for c in entry.model.__bases__ if issubclass(c, Recommender)]
        assert parents and all(p in bases for p in parents), f"{entry.name}: {entry.model.__mro__}"
        for group in entry.config.__bases__:  # a config mixes field groups that derive from Config
            assert group is Config or Config in group.__bases__, (
                f"{entry.name}: {group} is too deep")
