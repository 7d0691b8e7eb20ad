"""KGAT's two objectives, alternating within each epoch (Wang et al., KDD 2019): BPR over the
user-item pairs on the propagated embeddings, then TransR over the knowledge-graph triples
(each against a corrupted tail that makes no known triple, sampled against a CSR). The
attention weights are recomputed without gradient at the start of every epoch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F

from pretrec.data.interactions import Interactions
from pretrec.sampling.batches import PairBatch, TensorBatch, TripleBatch
from pretrec.sampling.negatives import sample_negatives
from pretrec.tasks.pairwise import BPRTask


class CorruptedTriples:
    """Knowledge-graph triples over node ids, each batch with corrupted tails: entities (node
    ids from `first_entity` on) that make no known triple with the head and relation, sampled
    against a CSR keyed by (head, relation). Shared by the KG models' translation objectives."""

    def __init__(self, heads: np.ndarray, relations: np.ndarray, tails: np.ndarray,
                 n_relation_ids: int, n_heads: int, first_entity: int, n_entities: int):
        self.heads, self.relations, self.tails = heads, relations, tails
        self.n_relation_ids, self.first_entity = n_relation_ids, first_entity
        self.n_entities = n_entities
        keys = heads * n_relation_ids + relations  # rows: the tails each pair already has
        self.known = sp.csr_matrix(
            (np.ones(len(keys), np.float32), (keys, tails - first_entity)),
            shape=(n_heads * n_relation_ids, n_entities))

    def __len__(self) -> int:
        return len(self.heads)

    def batches(self, batch_size: int, n_negatives: int,
                rng: np.random.Generator) -> Iterator[TripleBatch]:
        order = rng.permutation(len(self.heads))
        heads, relations, tails = self.heads[order], self.relations[order], self.tails[order]
        negatives = self.first_entity + sample_negatives(
            heads * self.n_relation_ids + relations, n_negatives, self.n_entities, rng,
            self.known)
        for start in range(0, len(heads), batch_size):
            part = slice(start, start + batch_size)
            yield TripleBatch(torch.from_numpy(heads[part]), torch.from_numpy(relations[part]),
                              torch.from_numpy(tails[part]), torch.from_numpy(negatives[part]))

    def n_batches(self, batch_size: int) -> int:
        return -(-len(self.heads) // batch_size)


def translation_loss(true_distance: torch.Tensor, false_distance: torch.Tensor) -> torch.Tensor:
    """The margin of TransE / TransR: a true tail's distance lower than a corrupted one's."""
    return -F.logsigmoid(false_distance - true_distance).mean()


class KGATTask(BPRTask):
    """BPR batches over the training pairs, then TransR batches over the triples."""

    def __init__(self, train: Interactions, model: Any):
        super().__init__(train, model.config.n_negatives, model.config.l2)
        self.kg_l2 = model.config.kg_l2
        heads, relations, tails = (t.cpu().numpy() for t in model.collaborative_edges())
        knowledge = relations >= 2  # the KG's triples and their inverses, not user-item edges
        self.triples = CorruptedTriples(
            *(a[knowledge] for a in (heads, relations, tails)),
            n_relation_ids=int(model.relation_embedding.weight.shape[0]),
            n_heads=model.n_users + model.n_entities, first_entity=model.n_users,
            n_entities=model.n_entities)
        self._attention_fresh = False

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[TensorBatch]:
        self._attention_fresh = False
        yield from super().batches(batch_size, rng)
        yield from self.triples.batches(batch_size, self.n_negatives, rng)

    def n_batches(self, batch_size: int) -> int:
        return super().n_batches(batch_size) + self.triples.n_batches(batch_size)

    def loss(self, model: Any, batch: Any) -> dict[str, torch.Tensor]:
        if isinstance(batch, PairBatch):
            if not self._attention_fresh:
                model.update_attention()
                self._attention_fresh = True
            return super().loss(model, batch)
        return self.translation_losses(model, batch)

    def translation_losses(self, model: Any, batch: TripleBatch) -> dict[str, torch.Tensor]:
        """TransR: ||W_r e_h + e_r - W_r e_t||² lower for the true tail than a corrupted one."""
        n_negatives = batch.negatives.shape[1]
        heads = batch.heads.repeat_interleave(n_negatives)
        relations = batch.relations.repeat_interleave(n_negatives)
        head, relation, tail = model.transr(heads, relations,
                                            batch.tails.repeat_interleave(n_negatives))
        _, _, corrupted = model.transr(heads, relations, batch.negatives.reshape(-1))
        true_distance = (head + relation - tail).pow(2).sum(-1)
        false_distance = (head + relation - corrupted).pow(2).sum(-1)
        penalty = sum(t.pow(2).sum() for t in (head, relation, tail, corrupted)) / (2 * len(head))
        return {"transr": translation_loss(true_distance, false_distance),
                "kg_l2": self.kg_l2 * penalty}
