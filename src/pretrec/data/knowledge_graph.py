"""An item knowledge graph: (head, relation, tail) triples over dense entity indices.

Convention: the items are the first entities. Item ``i`` is entity ``i`` (entities
``0 .. n_items - 1``), every other entity (an artist's origin, a genre, an attribute) follows, so a
model indexes one entity table with item indices directly. `item_entities` spells the mapping
out (it is always ``0 .. n_items - 1``) for code that wants it explicit.

Two sources build one: `pretrec.data.io.kg` reads the KGCN layout (Wang et al., "Knowledge
Graph Convolutional Networks for Recommender Systems", WWW 2019), and `from_item_attributes`
turns item attribute lists (S3-Rec's ``*_item2attributes.json``) into a one-relation graph.
Triples are kept as given: no inverse relations are added (models that want them, as KGAT does,
add them themselves).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pretrec.data.vocab import Vocab
from pretrec.errors import DataError

HAS_ATTRIBUTE = "has_attribute"


@dataclass(frozen=True, eq=False)
class KnowledgeGraph:
    """Triples over `n_entities` entities and `n_relations` relations; items are entities first.

    Attributes:
        heads: int64 (n_triples,) head entity of each triple, in [0, n_entities).
        relations: int64 (n_triples,) relation of each triple, in [0, n_relations).
        tails: int64 (n_triples,) tail entity of each triple, in [0, n_entities).
        n_entities: size of the entity index space (>= n_items; may exceed what triples use).
        n_relations: size of the relation index space.
        relation_names: the name of each relation, indexed by relation.
        item_entities: int64 (n_items,) the entity of each item: always ``0 .. n_items - 1``.
        entity_vocab: optional raw entity id of each entity (as in the source file).
    """

    heads: np.ndarray
    relations: np.ndarray
    tails: np.ndarray
    n_entities: int
    n_relations: int
    relation_names: tuple[str, ...]
    item_entities: np.ndarray
    entity_vocab: Vocab | None = None

    def __post_init__(self) -> None:
        for name in ("heads", "relations", "tails", "item_entities"):
            values = np.asarray(getattr(self, name))
            if values.dtype.kind not in "iub" and len(values):
                raise DataError(f"knowledge graph {name} must be integer indices, "
                                f"got dtype {values.dtype}")
            object.__setattr__(self, name, np.ascontiguousarray(values, dtype=np.int64))
        object.__setattr__(self, "relation_names", tuple(str(r) for r in self.relation_names))
        n = len(self.heads)
        if not len(self.relations) == len(self.tails) == n:
            raise DataError(f"knowledge graph heads ({n}), relations ({len(self.relations)}) "
                            f"and tails ({len(self.tails)}) differ in length")
        if len(self.relation_names) != self.n_relations:
            raise DataError(f"{len(self.relation_names)} relation names for "
                            f"{self.n_relations} relations")
        n_items = len(self.item_entities)
        if n_items > self.n_entities:
            raise DataError(f"{n_items} items but only {self.n_entities} entities")
        if not np.array_equal(self.item_entities, np.arange(n_items)):
            raise DataError("item_entities must be 0 .. n_items - 1 (item i is entity i)")
        for name, size in (("heads", self.n_entities), ("relations", self.n_relations),
                           ("tails", self.n_entities)):
            values = getattr(self, name)
            outside = np.flatnonzero((values < 0) | (values >= size))
            if len(outside):
                row = int(outside[0])
                raise DataError(f"knowledge graph triple {row}: {name[:-1]} index "
                                f"{values[row]} outside [0, {size})")
        if self.entity_vocab is not None and len(self.entity_vocab) != self.n_entities:
            raise DataError(f"entity vocabulary has {len(self.entity_vocab)} ids for "
                            f"{self.n_entities} entities")

    @classmethod
    def from_item_attributes(
        cls, attributes: list[np.ndarray], n_attributes: int
    ) -> KnowledgeGraph:
        """The item -> attribute graph: one relation ``has_attribute``, one triple
        ``(item, has_attribute, n_items + a)`` per attribute ``a`` of each item.

        Args:
            attributes: the attribute indices of each item (`ItemSide.attributes`), each in
                ``[0, n_attributes)``; an item may have none.
            n_attributes: number of attributes (the attribute vocabulary's size).
        """
        n_items = len(attributes)
        counts = np.fromiter((len(a) for a in attributes), dtype=np.int64, count=n_items)
        tails = (np.concatenate([np.asarray(a, dtype=np.int64) for a in attributes])
                 if n_items else np.empty(0, dtype=np.int64))
        outside = np.flatnonzero((tails < 0) | (tails >= n_attributes))
        if len(outside):
            item = int(np.searchsorted(np.cumsum(counts), outside[0], side="right"))
            raise DataError(f"item {item}: attribute {tails[outside[0]]} outside "
                            f"[0, {n_attributes})")
        return cls(
            heads=np.repeat(np.arange(n_items, dtype=np.int64), counts),
            relations=np.zeros(len(tails), dtype=np.int64),
            tails=n_items + tails,
            n_entities=n_items + int(n_attributes),
            n_relations=1,
            relation_names=(HAS_ATTRIBUTE,),
            item_entities=np.arange(n_items, dtype=np.int64),
        )

    @property
    def n_items(self) -> int:
        return len(self.item_entities)

    def __len__(self) -> int:
        return len(self.heads)

    def keep_items(self, keep: np.ndarray) -> KnowledgeGraph:
        """The graph after a filter kept the items where `keep` (bool, (n_items,)) is true.

        Kept items stay the first entities, in their order; every other entity (dropped items
        included, so no triple is lost) follows in its previous order.
        """
        keep = np.asarray(keep, dtype=bool)
        if keep.shape != (self.n_items,):
            raise DataError(f"item mask has shape {keep.shape}, expected ({self.n_items},)")
        is_kept = np.zeros(self.n_entities, dtype=bool)
        is_kept[: self.n_items] = keep
        order = np.concatenate([np.flatnonzero(is_kept), np.flatnonzero(~is_kept)])
        new_index = np.empty(self.n_entities, dtype=np.int64)
        new_index[order] = np.arange(self.n_entities)
        vocab = None if self.entity_vocab is None else Vocab(self.entity_vocab.raw_ids[order])
        return KnowledgeGraph(
            heads=new_index[self.heads],
            relations=self.relations,
            tails=new_index[self.tails],
            n_entities=self.n_entities,
            n_relations=self.n_relations,
            relation_names=self.relation_names,
            item_entities=np.arange(int(keep.sum()), dtype=np.int64),
            entity_vocab=vocab,
        )

    def describe(self) -> dict[str, object]:
        """Counts: entities, relations, triples, items and how many items sit in a triple."""
        in_triple = np.zeros(self.n_entities, dtype=bool)
        in_triple[self.heads] = True
        in_triple[self.tails] = True
        return {
            "entities": self.n_entities,
            "relations": self.n_relations,
            "triples": len(self),
            "items": self.n_items,
            "items in a triple": int(in_triple[: self.n_items].sum()),
        }
