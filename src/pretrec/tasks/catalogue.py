"""Which task trains each registered neural model, built from its config and the training split.

    task = make_task("cl4srec", model, split.train)

Closed-form models (pop, itemknn, EASE, text_profile, ensemble) have no task: they `fit`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pretrec.data.interactions import Interactions
from pretrec.errors import ConfigError
from pretrec.models import MODELS
from pretrec.models.features import SideFeatures
from pretrec.pretrain.task import PretrainTask, attribute_heads
from pretrec.tasks.base import Task
from pretrec.tasks.contrastive import AugmentedViewsTask, DropoutViewsTask, SameTargetViewsTask
from pretrec.tasks.graph_contrastive import CrossLayerTask, GraphViewsTask, NoiseViewsTask
from pretrec.tasks.knowledge_contrastive import KGCLTask
from pretrec.tasks.knowledge_graph import KGATTask
from pretrec.tasks.next_item import ClozeTask, NextItemTask, trained_items
from pretrec.tasks.pairwise import BPRTask
from pretrec.tasks.pointwise import PointwiseTask
from pretrec.tasks.reconstruction import ReconstructionTask

TaskMaker = Callable[[Any, Interactions, SideFeatures], Task]
"""(model, training split, side features) -> the task; the model's config drives it."""


def next_item(model: Any, train: Interactions, features: SideFeatures) -> Task:
    c = model.config
    return NextItemTask(train, c.max_len, c.bucket, c.length_groups)


def cloze(model: Any, train: Interactions, features: SideFeatures) -> Task:
    c = model.config
    return ClozeTask(train, c.max_len, c.bucket, c.length_groups, c.mask_probability, model.mask_id)


def text_sequence(model: Any, train: Interactions, features: SideFeatures) -> Task:
    """Next item over the items that have training data; dropout views with a contrastive weight."""
    c = model.config
    candidates = trained_items(train) if c.softmax_trained_items_only else None
    if c.contrastive_weight:
        return DropoutViewsTask(train, c, candidates)
    return NextItemTask(train, c.max_len, c.bucket, c.length_groups, candidates)


def pretrain(model: Any, train: Interactions, features: SideFeatures) -> Task:
    heads = attribute_heads(model.config, features.item_attributes,
                            model.item_embedding.num_embeddings)
    return PretrainTask(train, model.config, model.n_items, heads)


def pointwise(model: Any, train: Interactions, features: SideFeatures) -> Task:
    """Ratings or clicks (the model's `binary`)."""
    return PointwiseTask(train, model.binary, model.config.l2)


def text_pointwise(model: Any, train: Interactions, features: SideFeatures) -> Task:
    """Ratings or clicks; a tuned text encoder reads the rows of a few items per step."""
    c = model.config
    return PointwiseTask(train, model.binary, c.l2,
                         c.items_per_batch if c.encoder_tuning != "frozen" else 0)


TASKS: dict[str, TaskMaker] = {
    "bprmf": lambda model, train, features: BPRTask(train, model.config.n_negatives,
                                                    model.config.l2),
    "lightgcn": lambda model, train, features: BPRTask(train, model.config.n_negatives,
                                                       model.config.l2),
    "graphsage": lambda model, train, features: BPRTask(
        train, model.config.n_negatives, model.config.l2, model.config.loss == "softmax"),
    "kgat": lambda model, train, features: KGATTask(train, model),
    "kgcl": lambda model, train, features: KGCLTask(train, model),
    "sgl": lambda model, train, features: GraphViewsTask(train, model.config),
    "simgcl": lambda model, train, features: NoiseViewsTask(train, model.config),
    "xsimgcl": lambda model, train, features: CrossLayerTask(train, model.config),
    "gru4rec": next_item,
    "sasrec": next_item,
    "bsarec": next_item,
    "bert4rec": cloze,
    "cl4srec": lambda model, train, features: AugmentedViewsTask(train, model.config,
                                                                 model.n_items),
    "duorec": lambda model, train, features: SameTargetViewsTask(train, model.config),
    "pretrainer": pretrain,
    "text_sasrec": text_sequence,
    "biasedmf": pointwise,
    "text_mf": text_pointwise,
    "mf_click": pointwise,
    "text_click": text_pointwise,
    "autorec": lambda model, train, features: ReconstructionTask(train, model.config.l2),
    "text_autorec": lambda model, train, features: ReconstructionTask(train, model.config.l2),
}


def make_task(model_name: str, model: Any, train: Interactions, features: SideFeatures) -> Task:
    """The task that trains `model` (registered as `model_name`) on `train`."""
    model_name = MODELS.canonical(model_name)
    if model_name not in TASKS:
        raise ConfigError(f"model '{model_name}' has no training task; "
                          f"tasks exist for {', '.join(sorted(TASKS))}")
    return TASKS[model_name](model, train, features)
