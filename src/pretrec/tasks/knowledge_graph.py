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


class KGATTask(BPRTask):
    """BPR batches over the training pairs, then TransR batches over the triples."""

    def __init__(self, train: Interactions, model: Any):
        super().__init__(train, model.config.n_negatives, model.config.l2)
        self.kg_l2 = model.config.kg_l2
        heads, relations, tails = (t.cpu().numpy() for t in model.collaborative_edges())
        knowledge = relations >= 2  # the KG's triples and their inverses, not user-item edges
        self.heads, self.relations, self.tails = (a[knowledge] for a in (heads, relations, tails))
        self.first_entity, self.n_entities = model.n_users, model.n_entities
        self.n_relation_ids = int(model.relation_embedding.weight.shape[0])
        # rows keyed by (head, relation), columns entities: the tails each pair already has
        keys = self.heads * self.n_relation_ids + self.relations
        n_keys = (model.n_users + model.n_entities) * self.n_relation_ids
        self.known = sp.csr_matrix(
            (np.ones(len(keys), np.float32), (keys, self.tails - self.first_entity)),
            shape=(n_keys, self.n_entities))
        self._attention_fresh = False

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[TensorBatch]:
        self._attention_fresh = False
        yield from super().batches(batch_size, rng)
        order = rng.permutation(len(self.heads))
        heads, relations, tails = self.heads[order], self.relations[order], self.tails[order]
        keys = heads * self.n_relation_ids + relations
        # corrupted tails among the entities (not users), avoiding known triples
        negatives = self.first_entity + sample_negatives(keys, self.n_negatives, self.n_entities,
                                                         rng, self.known)
        for start in range(0, len(heads), batch_size):
            part = slice(start, start + batch_size)
            yield TripleBatch(torch.from_numpy(heads[part]), torch.from_numpy(relations[part]),
                              torch.from_numpy(tails[part]), torch.from_numpy(negatives[part]))

    def n_batches(self, batch_size: int) -> int:
        return super().n_batches(batch_size) + -(-len(self.heads) // batch_size)

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
        return {"transr": -F.logsigmoid(false_distance - true_distance).mean(),
                "kg_l2": self.kg_l2 * penalty}
